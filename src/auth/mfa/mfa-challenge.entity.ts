import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { User } from '../../users/user.entity';

/** The pending second step of a login: what an `mfaToken` (stored only as a SHA-256) stands for. */
@Entity('mfa_challenges')
export class MfaChallenge {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Index()
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** The user's credential version when the password was checked: a change since makes the token useless. */
  @Column({ type: 'integer' })
  credentialVersion: number;

  /** Whether the login presented this account's device token: such a client is spared the account-wide throttle. */
  @Column({ type: 'boolean' })
  trustedDevice: boolean;

  @Column({ type: 'integer' })
  triesLeft: number;

  @CreateDateColumn()
  createdAt: Date;

  @Column()
  expiresAt: Date;
}
