import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AuditEventType } from './audit-event-type';

/** One security event. Never a token or a password: only ids, the client and a few plain details. */
@Entity('audit_events')
@Index(['userId', 'createdAt'])
@Index(['type', 'createdAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 32 })
  type: AuditEventType;

  /** The user the event is about; kept after the user is deleted (no foreign key). */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  /** Who did it, when that is someone else (an admin). */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  /** Plain facts such as the new roles or a key id. */
  @Column({ type: 'simple-json', nullable: true })
  details: Record<string, string | string[]> | null;

  @Index()
  @CreateDateColumn()
  createdAt: Date;
}
