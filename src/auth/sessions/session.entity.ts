import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { User } from '../../users/user.entity';
import { AuthMethod } from '../tokens/auth-method';

/** One login: the `sid` of its access tokens and the owner of its refresh-token family. */
@Entity('sessions')
export class Session {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @CreateDateColumn()
  createdAt: Date;

  @Column()
  lastUsedAt: Date;

  /** The session ends if it is not refreshed before this time (REFRESH_TOKEN_IDLE_TTL). */
  @Column()
  idleExpiresAt: Date;

  /** The session ends at this time whatever happens (REFRESH_TOKEN_TTL). */
  @Column()
  expiresAt: Date;

  @Column({ type: Date, nullable: true })
  endedAt: Date | null;

  /** Why it ended: logout, refresh-reuse, roles-changed, disabled, … */
  @Column({ type: 'varchar', length: 32, nullable: true })
  endReason: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /** How the user proved who they are at login; every access token of the session carries it as `amr`. */
  @Column({ type: 'simple-array', default: AuthMethod.Password })
  amr: AuthMethod[];
}
