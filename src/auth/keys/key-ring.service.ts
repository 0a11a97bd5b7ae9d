import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { KeyObject, randomBytes } from 'node:crypto';
import { AppConfig, JwtAlgorithm } from '../../config/app-config';
import { KeyEncryption } from './key-encryption';
import { resolveKeyEncryptionSecret } from './key-encryption-secret';
import { generateKey, importKey } from './key-material';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKey } from './signing-key.entity';

export interface RingKey {
  kid: string;
  algorithm: JwtAlgorithm;
  signingKey: KeyObject;
  verificationKey: KeyObject;
}

export interface PublicJwk {
  kid: string;
  kty: string;
  alg: JwtAlgorithm;
  use: 'sig';
  [member: string]: unknown;
}

/**
 * The signing keys, held in memory as parsed key objects. One key signs; every key of the configured algorithm
 * verifies, found by `kid` only among these.
 */
@Injectable()
export class KeyRing implements OnModuleInit {
  private readonly logger = new Logger(KeyRing.name);
  private encryption: KeyEncryption;
  private keysById = new Map<string, RingKey>();
  private active: RingKey;
  private jwks: { keys: PublicJwk[] } = { keys: [] };

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    this.encryption = new KeyEncryption(resolveKeyEncryptionSecret(this.config, this.logger));
    await this.load();
    if (!this.active) {
      await this.createKey();
      await this.load();
    }
  }

  get activeKey(): RingKey {
    return this.active;
  }

  /** The key that may verify a token with this `kid`, or undefined: never a key from anywhere else. */
  verificationKey(kid: string): KeyObject | undefined {
    return this.keysById.get(kid)?.verificationKey;
  }

  /** The public JWK set; symmetric keys are never in it. */
  publicJwks(): { keys: PublicJwk[] } {
    return this.jwks;
  }

  private async load(): Promise<void> {
    const algorithm = this.config.jwt.algorithm;
    const stored = (await this.keys.findUsable()).filter((key) => key.algorithm === algorithm);
    const ring = stored.map((key) => this.unseal(key));
    this.keysById = new Map(ring.map((key) => [key.kid, key]));
    const activeIndex = stored.findIndex((key) => key.retiredAt === null);
    this.active = ring[activeIndex];
    this.jwks = { keys: ring.filter((key) => key.algorithm !== 'HS256').map(toPublicJwk) };
  }

  private async createKey(): Promise<void> {
    const algorithm = this.config.jwt.algorithm;
    const kid = randomBytes(16).toString('base64url');
    const generated = await generateKey(algorithm);
    await this.keys.insert({
      kid,
      algorithm,
      publicKey: generated.publicPem,
      encryptedPrivateKey: this.encryption.encrypt(generated.privateBytes, kid),
    });
    this.logger.log(`Created signing key ${kid} (${algorithm})`);
  }

  private unseal(key: SigningKey): RingKey {
    let privateBytes: Buffer;
    try {
      privateBytes = this.encryption.decrypt(key.encryptedPrivateKey, key.kid);
    } catch {
      throw new Error(`Cannot decrypt signing key ${key.kid}: KEY_ENCRYPTION_SECRET is not the one it was stored with`);
    }
    return { kid: key.kid, algorithm: key.algorithm, ...importKey(key.algorithm, privateBytes) };
  }
}

function toPublicJwk(key: RingKey): PublicJwk {
  const { kty, n, e, crv, x, y } = key.verificationKey.export({ format: 'jwk' });
  const members = kty === 'EC' ? { crv, x, y } : { n, e };
  return { kty: kty as string, kid: key.kid, alg: key.algorithm, use: 'sig', ...members };
}
