import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { EncryptionPurpose, KeyEncryption } from '../keys/key-encryption';
import { resolveKeyEncryptionSecret } from '../keys/key-encryption-secret';

const TOTP_SECRETS: EncryptionPurpose = { salt: 'bastion-totp-secrets', info: 'aes-256-gcm totp secrets' };

/** Seals TOTP secrets at rest like the signing keys, under a key of their own; the user id is bound in. */
@Injectable()
export class TotpSecretSealer {
  private readonly logger = new Logger(TotpSecretSealer.name);
  private encryption: KeyEncryption | undefined;

  constructor(private readonly config: AppConfig) {}

  seal(secret: string, userId: string): string {
    return this.keys().encrypt(Buffer.from(secret), userId);
  }

  open(sealed: string, userId: string): string {
    return this.keys().decrypt(sealed, userId).toString();
  }

  private keys(): KeyEncryption {
    this.encryption ??= new KeyEncryption(resolveKeyEncryptionSecret(this.config, this.logger), TOTP_SECRETS);
    return this.encryption;
  }
}
