import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { KeyObject, randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock';
import { AppConfig, JwtAlgorithm } from '../../config/app-config';
import { DatabaseLock, LockName } from '../../database/database-lock';
import { RedisService } from '../../redis/redis.service';
import { KeyEncryption } from './key-encryption';
import { resolveKeyEncryptionSecret } from './key-encryption-secret';
import { generateKey, importKey } from './key-material';
import { SigningKey } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

export interface RingKey {
  kid: string;
  algorithm: JwtAlgorithm;
  createdAt: Date;
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

/** An unknown `kid` may be a key another instance just made; the table is read again at most this often for it. */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 2000;
const CHANNEL = 'signing-keys';

/**
 * The signing keys, held in memory as parsed key objects. One key signs (the active key) and one waits, already
 * published (the next key), so that a verifier caching the JWKS knows a key before it signs; every key of the
 * configured algorithm that is neither revoked nor past its retirement window verifies, found by `kid` only among
 * these.
 */
@Injectable()
export class KeyRing implements OnModuleInit {
  private readonly logger = new Logger(KeyRing.name);
  private encryption: KeyEncryption;
  private keysById = new Map<string, RingKey>();
  private active: RingKey;
  private activeSince: Date | undefined;
  private next: RingKey | undefined;
  private jwks: { keys: PublicJwk[] } = { keys: [] };
  private pendingReload: Promise<void> | null = null;
  private lastUnknownKidReload = 0;
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysRepository,
    private readonly clock: Clock,
    private readonly lock: DatabaseLock,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.encryption = new KeyEncryption(resolveKeyEncryptionSecret(this.config, this.logger));
    await this.redis.subscribe(CHANNEL, () => void this.reload().catch(() => undefined));
    await this.reload();
    if (!this.active || !this.next) {
      // Instances starting together on an empty table make one pair of keys between them, not one each.
      await this.complete();
    }
  }

  get activeKey(): RingKey {
    return this.active;
  }

  /** When the active key began to sign. */
  get activeSinceDate(): Date | undefined {
    return this.activeSince;
  }

  /** The published key that signs after the next rotation. */
  get nextKey(): RingKey | undefined {
    return this.next;
  }

  /** How long a key keeps verifying after it stops signing: every token it signed has expired by then. */
  get retirementWindowMs(): number {
    return (this.config.jwt.accessTokenTtlSeconds + this.config.jwt.clockToleranceSeconds) * 1000;
  }

  /** The key that may verify a token with this `kid`, or undefined: never a key from anywhere else. */
  verificationKey(kid: string): KeyObject | undefined {
    return this.keysById.get(kid)?.verificationKey;
  }

  /** Like verificationKey, but first learns of keys another instance may have added since the last reload. */
  async findVerificationKey(kid: string): Promise<KeyObject | undefined> {
    const known = this.verificationKey(kid);
    const now = this.clock.now().getTime();
    if (known || now - this.lastUnknownKidReload < UNKNOWN_KID_RELOAD_INTERVAL_MS) {
      return known;
    }
    this.lastUnknownKidReload = now;
    await this.reload();
    return this.verificationKey(kid);
  }

  /** The public JWK set; symmetric keys are never in it. */
  publicJwks(): { keys: PublicJwk[] } {
    return this.jwks;
  }

  /**
   * Promotes the next key, which every verifier has had the chance to fetch, to sign from now on, and publishes a
   * new next key. Returns the kid that now signs.
   */
  rotate(): Promise<string> {
    return this.exclusive(async () => {
      await this.promoteNext();
      await this.completeUnlocked();
      return this.active.kid;
    });
  }

  /**
   * Gives the ring an active and a next key again, e.g. after one of them was revoked: a missing active key is
   * replaced by the next key, a missing next key by a new one. Everyone is told of the change.
   */
  complete(): Promise<void> {
    return this.exclusive(() => this.completeUnlocked());
  }

  /** Tells every other instance to read the ring again now rather than at its next periodic reload. */
  async announceChange(): Promise<void> {
    await this.redis.publish(CHANNEL, 'changed');
  }

  /** Reads the ring again from the table; concurrent callers share one read. */
  reload(): Promise<void> {
    this.pendingReload ??= this.load().finally(() => (this.pendingReload = null));
    return this.pendingReload;
  }

  private async completeUnlocked(): Promise<void> {
    await this.reload();
    if (!this.active) {
      await this.promoteNext();
    }
    if (!this.next) {
      await this.storeNextKey();
    }
    await this.announceChange();
  }

  /** The next key signs from now on and the active key retires; a ring without a next key first gets one. */
  private async promoteNext(): Promise<void> {
    await this.reload();
    const kid = this.next?.kid ?? (await this.storeNextKey());
    const algorithm = this.config.jwt.algorithm;
    // Revoked in between (revocation does not wait for the lock): a fresh key then signs, so a rotation never fails.
    if (!(await this.keys.promote(kid, algorithm, this.now()))) {
      await this.keys.promote(await this.storeNextKey(), algorithm, this.now());
    }
    await this.reload();
  }

  private async storeNextKey(): Promise<string> {
    const algorithm = this.config.jwt.algorithm;
    const kid = randomBytes(16).toString('base64url');
    const generated = await generateKey(algorithm);
    const createdAt = this.now();
    await this.keys.insert({
      kid,
      algorithm,
      publicKey: generated.publicPem,
      encryptedPrivateKey: this.encryption.encrypt(generated.privateBytes, kid),
      createdAt,
      activatedAt: null,
    });
    this.logger.log(`Created signing key ${kid} (${algorithm}); it is published now and signs after the next rotation`);
    await this.reload();
    return kid;
  }

  /** Key changes run one at a time in this process and, on PostgreSQL, across instances. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changes.then(() => this.lock.withLock(LockName.SigningKeys, work));
    this.changes = run.catch(() => undefined);
    return run;
  }

  private now(): Date {
    return this.clock.now();
  }

  private async load(): Promise<void> {
    const now = this.clock.now().getTime();
    const stored = (await this.keys.findUsable()).filter(
      (key) =>
        key.algorithm === this.config.jwt.algorithm &&
        (key.retiredAt === null || key.retiredAt.getTime() + this.retirementWindowMs > now),
    );
    // Keys already in memory are reused: reloading every few seconds parses only keys that are new.
    const ring = stored.map((key) => this.keysById.get(key.kid) ?? this.unseal(key));
    this.keysById = new Map(ring.map((key) => [key.kid, key]));
    const live = stored.filter((key) => key.retiredAt === null);
    const active = live.reduce<SigningKey | undefined>(
      (latest, key) => (key.activatedAt && (!latest || activatedLater(key, latest)) ? key : latest),
      undefined,
    );
    this.active = this.keysById.get(active?.kid ?? '') as RingKey;
    this.activeSince = active?.activatedAt ?? undefined;
    // The newest key that has never signed; `stored` is newest first.
    this.next = this.keysById.get(live.find((key) => key.activatedAt === null)?.kid ?? '');
    this.jwks = { keys: ring.filter((key) => key.algorithm !== 'HS256').map(toPublicJwk) };
  }

  private unseal(key: SigningKey): RingKey {
    let privateBytes: Buffer;
    try {
      privateBytes = this.encryption.decrypt(key.encryptedPrivateKey, key.kid);
    } catch {
      throw new Error(`Cannot decrypt signing key ${key.kid}: KEY_ENCRYPTION_SECRET is not the one it was stored with`);
    }
    return {
      kid: key.kid,
      algorithm: key.algorithm,
      createdAt: key.createdAt,
      ...importKey(key.algorithm, privateBytes),
    };
  }
}

/** The ring's order for signing keys: the last activated, the kid breaking ties, so every instance picks the same. */
function activatedLater(a: SigningKey, b: SigningKey): boolean {
  const difference = (a.activatedAt?.getTime() ?? 0) - (b.activatedAt?.getTime() ?? 0);
  return difference > 0 || (difference === 0 && a.kid > b.kid);
}

function toPublicJwk(key: RingKey): PublicJwk {
  const { kty, n, e, crv, x, y } = key.verificationKey.export({ format: 'jwk' });
  const members = kty === 'EC' ? { crv, x, y } : { n, e };
  return { kty: kty as string, kid: key.kid, alg: key.algorithm, use: 'sig', ...members };
}
