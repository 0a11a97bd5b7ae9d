import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JwtAlgorithm } from '../../config/app-config';

/** One key of the ring. The private half is stored only encrypted (AES-256-GCM under KEY_ENCRYPTION_SECRET). */
@Entity('signing_keys')
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 8 })
  algorithm: JwtAlgorithm;

  /** SPKI PEM; null for a symmetric (HS256) key, which is never published. */
  @Column({ type: 'text', nullable: true })
  publicKey: string | null;

  @Column({ type: 'text' })
  encryptedPrivateKey: string;

  /** Set by the app to the millisecond; a key is published from then on. */
  @Column()
  createdAt: Date;

  /** When the key began to sign; null for the next key, which is published but does not sign yet. */
  @Column({ type: Date, nullable: true })
  activatedAt: Date | null;

  /** When the key stopped signing; it keeps verifying until its tokens have expired. */
  @Column({ type: Date, nullable: true })
  retiredAt: Date | null;

  /** When the key was revoked; its tokens stop verifying at once. */
  @Column({ type: Date, nullable: true })
  revokedAt: Date | null;
}
