import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { KeyObject } from 'node:crypto';
import { KeyEncryption } from '../../src/auth/keys/key-encryption';
import { importKey } from '../../src/auth/keys/key-material';
import { SigningKeysRepository } from '../../src/auth/keys/signing-keys.repository';
import { AppConfig } from '../../src/config/app-config';
import { TokenBody } from '../factories/users';
import { kidOf } from './sessions';

/** A stored signing key's id, algorithm and private half. */
export interface Signer {
  kid: string;
  algorithm: string;
  privateKey: KeyObject;
}

/**
 * The private key stored under this kid, unsealed from the database with the app's key-encryption secret, as a
 * thief of the database and the secret would: independent of how the ring holds its keys in memory.
 */
export async function storedSigner(app: NestFastifyApplication, kid: string): Promise<Signer> {
  const stored = await app.get(SigningKeysRepository).findByKid(kid);
  const secret = app.get(AppConfig).keyEncryptionSecret;
  if (!stored || !secret) {
    throw new Error(`no stored signing key ${kid}, or no KEY_ENCRYPTION_SECRET`);
  }
  const privateBytes = new KeyEncryption(secret).decrypt(stored.encryptedPrivateKey, kid);
  return { kid, algorithm: stored.algorithm, privateKey: importKey(stored.algorithm, privateBytes).signingKey };
}

/** The key that signs these (freshly issued) tokens: the one the ring signs with now. */
export function signerOf(app: NestFastifyApplication, tokens: TokenBody | string): Promise<Signer> {
  return storedSigner(app, kidOf(tokens));
}
