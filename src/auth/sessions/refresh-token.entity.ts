import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Session } from './session.entity';

/** A refresh token, stored only as the SHA-256 of its value. Retired tokens are kept to detect replays. */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Index()
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @CreateDateColumn()
  createdAt: Date;

  /** Set when the token was exchanged for its successor; presenting it again is a replay. */
  @Column({ type: Date, nullable: true })
  retiredAt: Date | null;

  /**
   * The successor, sealed with a key derived from this token, while a retry of this token may still get it
   * (REFRESH_TOKEN_REUSE_INTERVAL); cleared once the successor is used.
   */
  @Column({ type: 'text', nullable: true })
  successorSealed: string | null;
}
