import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * A user's TOTP secret, sealed with KEY_ENCRYPTION_SECRET. It is pending until confirmed; whether it is in force is
 * `users.mfa_enabled`, so a login reads no second table to know.
 */
@Entity('totp_factors')
export class TotpFactor {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** Changes with every setup, so a confirmation cannot activate a secret that replaced the one it checked. */
  @Column({ type: 'uuid' })
  secretId: string;

  @Column({ type: 'varchar', length: 255 })
  sealedSecret: string;

  /** The newest time step whose code was accepted; a code of this step or an older one is refused. */
  @Column({ type: 'integer', nullable: true })
  lastUsedStep: number | null;

  @CreateDateColumn()
  createdAt: Date;
}
