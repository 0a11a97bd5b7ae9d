import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../common/role';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Trimmed and lower-cased before it is stored, so the unique index is case-insensitive. */
  @Column({ type: 'varchar', length: 320, unique: true })
  email: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  displayName: string | null;

  @Column({ type: 'simple-json' })
  roles: Role[];

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  /** Raised by every change that must stop logins whose password was checked before it: new password, disabling. */
  @Column({ type: 'integer', default: 0 })
  credentialVersion: number;

  @Column({ type: Date, nullable: true })
  emailVerifiedAt: Date | null;

  /** Whether a login needs a second factor (a confirmed TOTP secret) after the password. */
  @Column({ type: 'boolean', default: false })
  mfaEnabled: boolean;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
