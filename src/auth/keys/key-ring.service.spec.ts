import { Test } from '@nestjs/testing';
import { sign, verify } from 'jsonwebtoken';
import { Clock } from '../../common/clock';
import { FakeClock } from '../../../test/doubles/fake-clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { KeyEncryption } from './key-encryption';
import { DatabaseLock } from '../../database/database-lock';
import { passThroughLock } from '../../../test/doubles/pass-through-lock';
import { RedisService } from '../../redis/redis.service';
import { KeyRing } from './key-ring.service';
import { generateKey } from './key-material';
import { SigningKeysRepository } from './signing-keys.repository';
import { InMemorySigningKeys } from '../../../test/doubles/in-memory-signing-keys';

const SECRET = 'Jx8fQ2vNw4Lr7tYp1ZkHs9Dc3Bm6Ga5E';
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const STARTED_AT = new Date('2026-03-01T12:00:00Z');
/** ACCESS_TOKEN_TTL (15m) plus JWT_CLOCK_TOLERANCE (1s) by default, in seconds. */
const RETIREMENT_WINDOW_SECONDS = 15 * 60 + 1;

async function startRing(
  keys: InMemorySigningKeys,
  env: Record<string, string> = {},
  clock: Clock = new FakeClock(STARTED_AT),
): Promise<KeyRing> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      KeyRing,
      { provide: DatabaseLock, useValue: passThroughLock },
      RedisService,
      { provide: AppConfig, useValue: loadConfig({ KEY_ENCRYPTION_SECRET: SECRET, ...env }) },
      { provide: SigningKeysRepository, useValue: keys },
      { provide: Clock, useValue: clock },
    ],
  }).compile();
  const ring = moduleRef.get(KeyRing);
  await ring.onModuleInit();
  return ring;
}

function jwksKids(ring: KeyRing): string[] {
  return ring
    .publicJwks()
    .keys.map((jwk) => jwk.kid)
    .sort();
}

describe('KeyRing', () => {
  describe('on first start', () => {
    let keys: InMemorySigningKeys;
    let ring: KeyRing;

    beforeAll(async () => {
      keys = new InMemorySigningKeys();
      ring = await startRing(keys, { JWT_ALGORITHM: 'ES256' });
    });

    it('should create and store an active key and a next key of the configured algorithm', () => {
      expect(keys.rows).toHaveLength(2);
      expect(keys.rows[0]).toMatchObject({
        algorithm: 'ES256',
        activatedAt: STARTED_AT,
        retiredAt: null,
        revokedAt: null,
      });
      expect(keys.rows[1]).toMatchObject({ algorithm: 'ES256', activatedAt: null, retiredAt: null, revokedAt: null });
      keys.rows.forEach((row) => expect(row.kid).toMatch(/^[A-Za-z0-9_-]{22}$/));
    });

    it('should make the first key the active one and the second the next one', () => {
      expect(ring.activeKey.kid).toBe(keys.rows[0].kid);
      expect(ring.activeKey.algorithm).toBe('ES256');
      expect(ring.nextKey?.kid).toBe(keys.rows[1].kid);
    });

    it('should publish the next key before it signs', () => {
      expect(
        ring
          .publicJwks()
          .keys.map((jwk) => jwk.kid)
          .sort(),
      ).toEqual(keys.rows.map((row) => row.kid).sort());
      expect(ring.verificationKey(keys.rows[1].kid)).toBeDefined();
    });

    it('should store the private half only encrypted', () => {
      const row = keys.rows[0];
      const privateDer = ring.activeKey.signingKey.export({ format: 'der', type: 'pkcs8' });

      expect(row.encryptedPrivateKey).toMatch(/^v1\./);
      expect(row.encryptedPrivateKey).not.toContain('PRIVATE KEY');
      expect(row.encryptedPrivateKey).not.toContain(privateDer.toString('base64'));
      expect(row.encryptedPrivateKey).not.toContain(privateDer.toString('base64url'));
      expect(new KeyEncryption(SECRET).decrypt(row.encryptedPrivateKey, row.kid)).toEqual(privateDer);
    });

    it('should store the public half as SPKI PEM', () => {
      expect(keys.rows[0].publicKey).toBe(ring.activeKey.verificationKey.export({ format: 'pem', type: 'spki' }));
    });

    it('should verify with the stored key what the active key signs', () => {
      const { kid, signingKey } = ring.activeKey;
      const token = sign({ sub: 'user-1' }, signingKey, { algorithm: 'ES256', keyid: kid });

      expect(verify(token, ring.verificationKey(kid)!, { algorithms: ['ES256'] })).toMatchObject({ sub: 'user-1' });
    });
  });

  it('should load the stored key on a second start without creating another', async () => {
    const keys = new InMemorySigningKeys();
    const first = await startRing(keys, { JWT_ALGORITHM: 'ES256' });

    const second = await startRing(keys, { JWT_ALGORITHM: 'ES256' });

    expect(keys.rows).toHaveLength(2);
    expect(second.activeKey.kid).toBe(first.activeKey.kid);
    expect(second.nextKey?.kid).toBe(first.nextKey?.kid);
    expect(second.activeKey.verificationKey.equals(first.activeKey.verificationKey)).toBe(true);
    expect(second.publicJwks()).toEqual(first.publicJwks());
  });

  it('should refuse to start when the stored key was encrypted under another secret', async () => {
    const keys = new InMemorySigningKeys();
    await startRing(keys, { JWT_ALGORITHM: 'ES256' });

    await expect(
      startRing(keys, { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_SECRET: `${SECRET}-rotated` }),
    ).rejects.toThrow(/^Cannot decrypt signing key /);
  });

  it('should give a database that holds only an active key a next key at start-up', async () => {
    const keys = new InMemorySigningKeys();
    await startRing(keys, { JWT_ALGORITHM: 'ES256' });
    // As a database written before next keys existed: the active key alone.
    keys.rows.splice(1);
    const onlyKid = keys.rows[0].kid;
    expect(keys.rows[0].activatedAt).not.toBeNull();

    const ring = await startRing(keys, { JWT_ALGORITHM: 'ES256' });

    expect(ring.activeKey.kid).toBe(onlyKid);
    expect(keys.rows[0].activatedAt).toEqual(STARTED_AT);
    expect(keys.rows).toHaveLength(2);
    expect(ring.nextKey?.kid).toBe(keys.rows[1].kid);
    expect(keys.rows[1]).toMatchObject({ activatedAt: null, retiredAt: null });
  });

  it('should return undefined for an unknown kid', async () => {
    const ring = await startRing(new InMemorySigningKeys(), { JWT_ALGORITHM: 'ES256' });

    expect(ring.verificationKey('no-such-kid')).toBeUndefined();
    expect(ring.verificationKey('')).toBeUndefined();
  });

  describe('a retired key', () => {
    let keys: InMemorySigningKeys;
    let clock: FakeClock;
    let oldKid: string;
    let ring: KeyRing;

    beforeEach(async () => {
      keys = new InMemorySigningKeys();
      clock = new FakeClock(STARTED_AT);
      oldKid = (await startRing(keys, { JWT_ALGORITHM: 'ES256' }, clock)).activeKey.kid;
      clock.advanceSeconds(3600);
      keys.rows[0].retiredAt = clock.now();
      ring = await startRing(keys, { JWT_ALGORITHM: 'ES256' }, clock);
    });

    it('should keep verifying while the former next key signs and a new next key waits', () => {
      expect(keys.rows).toHaveLength(3);
      expect(ring.activeKey.kid).toBe(keys.rows[1].kid);
      expect(ring.nextKey?.kid).toBe(keys.rows[2].kid);
      expect(ring.verificationKey(oldKid)).toBeDefined();
      expect(jwksKids(ring)).toEqual(keys.rows.map((row) => row.kid).sort());
    });

    it('should still verify and stay in the JWKS until the last moment of the retirement window', async () => {
      clock.set(new Date(keys.rows[0].retiredAt!.getTime() + RETIREMENT_WINDOW_SECONDS * 1000 - 1));

      await ring.reload();

      expect(ring.verificationKey(oldKid)).toBeDefined();
      expect(ring.publicJwks().keys.map((jwk) => jwk.kid)).toContain(oldKid);
    });

    it('should stop verifying and leave the JWKS once access TTL plus clock tolerance have passed', async () => {
      clock.advanceSeconds(RETIREMENT_WINDOW_SECONDS);

      await ring.reload();

      expect(ring.verificationKey(oldKid)).toBeUndefined();
      expect(jwksKids(ring)).toEqual([keys.rows[1].kid, keys.rows[2].kid].sort());
      expect(ring.activeKey.kid).toBe(keys.rows[1].kid);
    });

    it('should not be loaded by an instance starting after the window', async () => {
      clock.advanceSeconds(RETIREMENT_WINDOW_SECONDS);

      const later = await startRing(keys, { JWT_ALGORITHM: 'ES256' }, clock);

      expect(later.verificationKey(oldKid)).toBeUndefined();
      expect(jwksKids(later)).toEqual([keys.rows[1].kid, keys.rows[2].kid].sort());
    });
  });

  it('should measure the retirement window from the configured access TTL and clock tolerance', async () => {
    const keys = new InMemorySigningKeys();
    const clock = new FakeClock(STARTED_AT);
    const env = { JWT_ALGORITHM: 'ES256', ACCESS_TOKEN_TTL: '10m', JWT_CLOCK_TOLERANCE: '5s' };
    const oldKid = (await startRing(keys, env, clock)).activeKey.kid;
    keys.rows[0].retiredAt = clock.now();
    const ring = await startRing(keys, env, clock);

    expect(ring.retirementWindowMs).toBe(605_000);
    clock.advanceSeconds(604);
    await ring.reload();
    expect(ring.verificationKey(oldKid)).toBeDefined();
    clock.advanceSeconds(1);
    await ring.reload();
    expect(ring.verificationKey(oldKid)).toBeUndefined();
  });

  it('should not use a revoked key', async () => {
    const keys = new InMemorySigningKeys();
    const old = await startRing(keys, { JWT_ALGORITHM: 'ES256' });
    keys.rows[0].revokedAt = new Date(Date.UTC(2026, 0, 2));

    const ring = await startRing(keys, { JWT_ALGORITHM: 'ES256' });

    expect(ring.activeKey.kid).not.toBe(old.activeKey.kid);
    expect(ring.verificationKey(old.activeKey.kid)).toBeUndefined();
  });

  describe.each(['RS256', 'PS256', 'ES256'] as const)('publicJwks under %s', (algorithm) => {
    let ring: KeyRing;

    beforeAll(async () => {
      ring = await startRing(new InMemorySigningKeys(), { JWT_ALGORITHM: algorithm });
    });

    it('should list the active and the next key with kid, kty, alg and use', () => {
      expect(jwksKids(ring)).toEqual([ring.activeKey.kid, ring.nextKey!.kid].sort());
      for (const jwk of ring.publicJwks().keys) {
        expect(jwk).toMatchObject({ kty: algorithm === 'ES256' ? 'EC' : 'RSA', alg: algorithm, use: 'sig' });
      }
    });

    it('should have no private member', () => {
      for (const jwk of ring.publicJwks().keys) {
        expect(Object.keys(jwk).filter((member) => PRIVATE_JWK_MEMBERS.includes(member))).toEqual([]);
        expect(Object.keys(jwk).sort()).toEqual(
          (algorithm === 'ES256'
            ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']
            : ['alg', 'e', 'kid', 'kty', 'n', 'use']
          ).sort(),
        );
      }
    });
  });

  it('should publish an empty set under HS256 and keep no public half', async () => {
    const keys = new InMemorySigningKeys();
    const ring = await startRing(keys, { JWT_ALGORITHM: 'HS256' });

    expect(ring.publicJwks()).toEqual({ keys: [] });
    expect(keys.rows).toHaveLength(2);
    expect(keys.rows.map((row) => [row.algorithm, row.publicKey])).toEqual([
      ['HS256', null],
      ['HS256', null],
    ]);
    expect(ring.activeKey.signingKey.type).toBe('secret');
    expect(keys.rows[0].encryptedPrivateKey).not.toContain(ring.activeKey.signingKey.export().toString('base64url'));
  });

  it('should not use keys of another algorithm than the configured one', async () => {
    const keys = new InMemorySigningKeys();
    const es256 = await startRing(keys, { JWT_ALGORITHM: 'ES256' });
    const es256Kid = es256.activeKey.kid;

    const ring = await startRing(keys, { JWT_ALGORITHM: 'RS256' });

    expect(keys.rows.map((row) => row.algorithm)).toEqual(['ES256', 'ES256', 'RS256', 'RS256']);
    expect(ring.activeKey.kid).not.toBe(es256Kid);
    expect(ring.activeKey.algorithm).toBe('RS256');
    expect(ring.verificationKey(es256Kid)).toBeUndefined();
    expect(ring.publicJwks().keys.map((jwk) => jwk.alg)).toEqual(['RS256', 'RS256']);
    expect(jwksKids(ring)).toEqual([ring.activeKey.kid, ring.nextKey!.kid].sort());
  });

  it('should not take a symmetric key from the table when an asymmetric algorithm is configured', async () => {
    const keys = new InMemorySigningKeys();
    const secret = await generateKey('HS256');
    await keys.insert({
      kid: 'hs-key',
      algorithm: 'HS256',
      publicKey: null,
      encryptedPrivateKey: new KeyEncryption(SECRET).encrypt(secret.privateBytes, 'hs-key'),
      createdAt: STARTED_AT,
      activatedAt: STARTED_AT,
    });

    const ring = await startRing(keys, { JWT_ALGORITHM: 'ES256' });

    expect(ring.verificationKey('hs-key')).toBeUndefined();
    expect(ring.activeKey.algorithm).toBe('ES256');
  });
});
