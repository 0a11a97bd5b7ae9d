import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { User } from '../../users/user.entity';

/** What a mailed token may do; a token of one purpose is useless for the other. */
export enum MailedTokenPurpose {
  EmailVerification = 'email-verification',
  PasswordReset = 'password-reset',
}

/** A single-use token sent by mail, stored only as a SHA-256, bound to one user and one purpose. */
@Entity('mailed_tokens')
@Index(['userId', 'purpose'])
export class MailedToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 32 })
  purpose: MailedTokenPurpose;

  /** Set from the service's clock, like expiresAt, so both come from one time source. */
  @Column()
  issuedAt: Date;

  @Column()
  expiresAt: Date;
}
