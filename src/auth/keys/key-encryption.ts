import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The HKDF salt and info that keep keys derived for different purposes apart. */
export interface EncryptionPurpose {
  salt: string;
  info: string;
}

const SIGNING_KEYS: EncryptionPurpose = { salt: 'bastion-signing-keys', info: 'aes-256-gcm private keys' };

/** Encrypts private keys at rest with AES-256-GCM; the key id is bound in as additional data so rows cannot be swapped. */
export class KeyEncryption {
  private readonly key: Buffer;

  constructor(secret: string, purpose: EncryptionPurpose = SIGNING_KEYS) {
    // HKDF is fast on purpose: it expands a secret that is already random, and a slow KDF would only help a
    // guessable one. Production refuses a secret estimated under ~128 bits (config/secret-strength.ts), and the
    // development secret is 48 random bytes; at that strength no guessing succeeds however fast each guess is.
    this.key = Buffer.from(hkdfSync('sha256', secret, purpose.salt, purpose.info, 32));
  }

  encrypt(plaintext: Buffer, kid: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(kid));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [FORMAT_VERSION, iv, cipher.getAuthTag(), ciphertext].map(encodePart).join('.');
  }

  /** Throws when the secret is wrong or the stored value was altered. */
  decrypt(stored: string, kid: string): Buffer {
    const [version, encodedIv, encodedTag, ciphertext] = stored.split('.');
    const iv = Buffer.from(encodedIv ?? '', 'base64url');
    const tag = Buffer.from(encodedTag ?? '', 'base64url');
    // A shortened tag would lower the bar for forgery: only full-length IVs and tags are read.
    if (version !== FORMAT_VERSION || iv.length !== IV_BYTES || tag.length !== TAG_BYTES || ciphertext === undefined) {
      throw new Error(`Signing key ${kid} is not in a format this version can read`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES })
      .setAAD(Buffer.from(kid))
      .setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  }
}

function encodePart(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}
