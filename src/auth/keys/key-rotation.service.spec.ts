import { NotFoundException } from '@nestjs/common';
import { TestingModule } from '@nestjs/testing';
import { sign, verify } from 'jsonwebtoken';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import { AuditStub, createAuditStub } from '../../../test/doubles/audit-stub';
import { FakeClock } from '../../../test/doubles/fake-clock';
import { AppConfig } from '../../config/app-config';
import { passThroughLock } from '../../../test/doubles/pass-through-lock';
import { RedisService } from '../../redis/redis.service';
import { KeyRing } from './key-ring.service';
import { KeyRotationService } from './key-rotation.service';
import { SigningKeysRepository } from './signing-keys.repository';
import { InMemorySigningKeys } from '../../../test/doubles/in-memory-signing-keys';
import { createKeyRingTestingModule } from '../../../test/doubles/key-ring-testing-module';

const STARTED_AT = new Date('2026-03-01T12:00:00Z');
/** ACCESS_TOKEN_TTL (15m) plus JWT_CLOCK_TOLERANCE (1s), in seconds. */
const WINDOW_SECONDS = 15 * 60 + 1;
const ADMIN = { actorId: '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d', via: 'api' } as const;

interface Fixture {
  rotation: KeyRotationService;
  ring: KeyRing;
  keys: InMemorySigningKeys;
  audit: AuditStub;
  clock: FakeClock;
  moduleRef: TestingModule;
}

async function createFixture(env: Record<string, string> = {}): Promise<Fixture> {
  const clock = new FakeClock(STARTED_AT);
  const audit = createAuditStub();
  const moduleRef = await createKeyRingTestingModule({
    providers: [KeyRotationService, { provide: AuditService, useValue: audit }],
    env: { JWT_ALGORITHM: 'ES256', ...env },
    clock,
  });
  return {
    rotation: moduleRef.get(KeyRotationService),
    ring: moduleRef.get(KeyRing),
    keys: moduleRef.get<InMemorySigningKeys>(SigningKeysRepository),
    audit,
    clock,
    moduleRef,
  };
}

function jwksKids(ring: KeyRing): string[] {
  return ring.publicJwks().keys.map((jwk) => jwk.kid);
}

describe('KeyRotationService', () => {
  let fixture: Fixture;
  let rotation: KeyRotationService;
  let ring: KeyRing;
  let keys: InMemorySigningKeys;
  let clock: FakeClock;

  beforeEach(async () => {
    fixture = await createFixture();
    ({ rotation, ring, keys, clock } = fixture);
  });

  /** The kids of the keys that are neither retired nor revoked: the active and the next key. */
  const liveKids = (): string[] => keys.rows.filter((row) => row.retiredAt === null).map((row) => row.kid);

  describe('rotate', () => {
    it('should promote the published next key to sign, return its kid, and publish a new next key', async () => {
      const oldKid = ring.activeKey.kid;
      const nextKid = ring.nextKey!.kid;
      expect(jwksKids(ring)).toContain(nextKid);
      clock.advanceSeconds(60);

      const kid = await rotation.rotate(ADMIN);

      expect(kid).toBe(nextKid);
      expect(ring.activeKey.kid).toBe(kid);
      expect(keys.rows.find((row) => row.kid === kid)).toMatchObject({ retiredAt: null, activatedAt: clock.now() });
      expect(keys.rows.find((row) => row.kid === oldKid)).toMatchObject({ retiredAt: clock.now(), revokedAt: null });
      const newNext = ring.nextKey!;
      expect([oldKid, kid]).not.toContain(newNext.kid);
      expect(keys.rows.find((row) => row.kid === newNext.kid)).toMatchObject({ activatedAt: null, retiredAt: null });
      expect(jwksKids(ring).sort()).toEqual([oldKid, kid, newNext.kid].sort());
    });

    it('should keep the old key verifying and in the JWKS within the retirement window', async () => {
      const old = ring.activeKey;
      const oldToken = sign({ sub: 'user-1' }, old.signingKey, { algorithm: 'ES256', keyid: old.kid });
      clock.advanceSeconds(60);
      const kid = await rotation.rotate(ADMIN);
      clock.advanceSeconds(WINDOW_SECONDS - 1);

      await rotation.maintain();

      expect(verify(oldToken, ring.verificationKey(old.kid)!, { algorithms: ['ES256'] })).toMatchObject({
        sub: 'user-1',
      });
      expect(jwksKids(ring).sort()).toEqual([kid, old.kid, ring.nextKey!.kid].sort());
      expect(keys.rows.map((row) => row.kid)).toContain(old.kid);
    });

    it('should drop the old key from the ring, the JWKS and the table once the window has passed', async () => {
      const oldKid = ring.activeKey.kid;
      clock.advanceSeconds(60);
      const kid = await rotation.rotate(ADMIN);
      clock.advanceSeconds(WINDOW_SECONDS + 1);

      await rotation.maintain();

      expect(ring.verificationKey(oldKid)).toBeUndefined();
      expect(jwksKids(ring).sort()).toEqual([kid, ring.nextKey!.kid].sort());
      expect(keys.rows.map((row) => row.kid).sort()).toEqual([kid, ring.nextKey!.kid].sort());
    });

    it('should leave exactly one active and one next key after two rotations in a row', async () => {
      clock.advanceSeconds(1);
      const first = await rotation.rotate(ADMIN);
      clock.advanceSeconds(1);
      const last = await rotation.rotate(ADMIN);

      expect(keys.rows).toHaveLength(4);
      expect(liveKids().sort()).toEqual([last, ring.nextKey!.kid].sort());
      expect(ring.activeKey.kid).toBe(last);
      expect(last).not.toBe(first);
      expect(jwksKids(ring)).toHaveLength(4);
    });

    it('should leave exactly one active and one next key when two rotations race', async () => {
      clock.advanceSeconds(60);
      const [first, second] = await Promise.all([rotation.rotate(ADMIN), rotation.rotate(ADMIN)]);
      await rotation.maintain();

      expect(first).not.toBe(second);
      expect(ring.activeKey.kid).toBe(second);
      expect(liveKids().sort()).toEqual([second, ring.nextKey!.kid].sort());
      expect(keys.rows.filter((row) => row.retiredAt === null && row.activatedAt !== null)).toHaveLength(1);
    });

    it('should still rotate when the next key is revoked while the rotation runs', async () => {
      const [oldKid, nextKid] = [ring.activeKey.kid, ring.nextKey!.kid];
      const promote = keys.promote.bind(keys);
      jest.spyOn(keys, 'promote').mockImplementationOnce(async (kid, algorithm, at) => {
        await keys.markRevoked(kid, at);
        return promote(kid, algorithm, at);
      });
      clock.advanceSeconds(60);

      const kid = await rotation.rotate(ADMIN);

      expect([oldKid, nextKid]).not.toContain(kid);
      expect(ring.activeKey.kid).toBe(kid);
      expect(liveKids().sort()).toEqual([kid, ring.nextKey!.kid].sort());
    });

    it('should record an audit event with the kid, the actor and the channel', async () => {
      clock.advanceSeconds(1);
      const kid = await rotation.rotate(ADMIN);

      expect(fixture.audit.record).toHaveBeenCalledTimes(1);
      expect(fixture.audit.record).toHaveBeenCalledWith(AuditEventType.KeyRotated, {
        actorId: ADMIN.actorId,
        details: { kid, via: 'api' },
      });
    });
  });

  describe('revoke', () => {
    it('should remove a key that no longer signs at once, without waiting for the window', async () => {
      const oldKid = ring.activeKey.kid;
      clock.advanceSeconds(60);
      const kid = await rotation.rotate(ADMIN);

      await rotation.revoke(oldKid, ADMIN);

      expect(ring.verificationKey(oldKid)).toBeUndefined();
      expect(jwksKids(ring).sort()).toEqual([kid, ring.nextKey!.kid].sort());
      expect(ring.activeKey.kid).toBe(kid);
      expect(keys.rows.find((row) => row.kid === oldKid)).toMatchObject({ revokedAt: clock.now() });
    });

    it('should replace a revoked active key with the published next key, and publish a new next key', async () => {
      const revokedKid = ring.activeKey.kid;
      const nextKid = ring.nextKey!.kid;
      clock.advanceSeconds(60);

      await rotation.revoke(revokedKid, ADMIN);

      expect(ring.activeKey.kid).toBe(nextKid);
      expect(ring.verificationKey(revokedKid)).toBeUndefined();
      expect(ring.nextKey!.kid).not.toBe(nextKid);
      expect(jwksKids(ring).sort()).toEqual([nextKid, ring.nextKey!.kid].sort());
      expect(liveKids().sort()).toEqual([nextKid, ring.nextKey!.kid].sort());
    });

    it('should replace a revoked next key with a new next key and keep the active key signing', async () => {
      const activeKid = ring.activeKey.kid;
      const revokedKid = ring.nextKey!.kid;
      clock.advanceSeconds(60);

      await rotation.revoke(revokedKid, ADMIN);

      expect(ring.activeKey.kid).toBe(activeKid);
      expect(ring.verificationKey(revokedKid)).toBeUndefined();
      expect([activeKid, revokedKid]).not.toContain(ring.nextKey!.kid);
      expect(jwksKids(ring).sort()).toEqual([activeKid, ring.nextKey!.kid].sort());
      const replacement = ring.nextKey!.kid;
      await expect(rotation.rotate(ADMIN)).resolves.toBe(replacement);
    });

    it('should answer 404 for an unknown kid and change nothing', async () => {
      const before = keys.rows.map((row) => ({ ...row }));

      await expect(rotation.revoke('no-such-kid', ADMIN)).rejects.toThrow(NotFoundException);
      expect(keys.rows).toEqual(before);
      expect(fixture.audit.record).not.toHaveBeenCalled();
    });

    it('should answer 404 for a key that is already revoked', async () => {
      const oldKid = ring.activeKey.kid;
      clock.advanceSeconds(60);
      await rotation.rotate(ADMIN);
      await rotation.revoke(oldKid, ADMIN);

      await expect(rotation.revoke(oldKid, ADMIN)).rejects.toThrow(NotFoundException);
    });

    it('should record an audit event with the kid, the actor and the channel', async () => {
      const kid = ring.activeKey.kid;
      clock.advanceSeconds(60);

      await rotation.revoke(kid, { actorId: null, via: 'cli' });

      expect(fixture.audit.record).toHaveBeenCalledTimes(1);
      expect(fixture.audit.record).toHaveBeenCalledWith(AuditEventType.KeyRevoked, {
        actorId: null,
        details: { kid, via: 'cli' },
      });
    });
  });

  describe('maintain with KEY_ROTATION_INTERVAL=1h', () => {
    beforeEach(async () => {
      fixture = await createFixture({ KEY_ROTATION_INTERVAL: '1h' });
      ({ rotation, ring, keys, clock } = fixture);
    });

    it('should not rotate while the active key is younger than an hour', async () => {
      const kid = ring.activeKey.kid;
      clock.set(new Date(STARTED_AT.getTime() + 3600 * 1000 - 1));

      await rotation.maintain();

      expect(ring.activeKey.kid).toBe(kid);
      expect(keys.rows).toHaveLength(2);
      expect(fixture.audit.record).not.toHaveBeenCalled();
    });

    it('should rotate once the active key is an hour old, and only once', async () => {
      const firstKid = ring.activeKey.kid;
      const nextKid = ring.nextKey!.kid;
      clock.advanceSeconds(3600);

      await rotation.maintain();
      const secondKid = ring.activeKey.kid;
      clock.advanceSeconds(30 * 60);
      await rotation.maintain();

      expect(secondKid).not.toBe(firstKid);
      expect(secondKid).toBe(nextKid);
      expect(ring.activeKey.kid).toBe(secondKid);
      expect(liveKids().sort()).toEqual([secondKid, ring.nextKey!.kid].sort());
      expect(fixture.audit.record).toHaveBeenCalledTimes(1);
      expect(fixture.audit.record).toHaveBeenCalledWith(AuditEventType.KeyRotated, {
        actorId: null,
        details: { kid: secondKid, via: 'schedule' },
      });
    });

    it('should rotate again an hour after the last rotation, counting from when the key began to sign', async () => {
      clock.advanceSeconds(3600);
      await rotation.maintain();
      clock.advanceSeconds(3600 - 1);
      await rotation.maintain();
      expect(fixture.audit.record).toHaveBeenCalledTimes(1);
      clock.advanceSeconds(1);

      await rotation.maintain();

      expect(fixture.audit.record).toHaveBeenCalledTimes(2);
      // The first key is past its window by now and has been deleted.
      expect(keys.rows).toHaveLength(3);
      expect(liveKids()).toHaveLength(2);
    });
  });

  it('should repair a ring with two active keys or two next keys, leaving one of each', async () => {
    const [active, next] = [ring.activeKey.kid, ring.nextKey!.kid];
    const copy = (kid: string, suffix: string) => ({ ...keys.rows.find((row) => row.kid === kid)!, kid: kid + suffix });
    keys.rows.push(copy(active, '-older'), copy(next, '-older'));
    keys.rows.slice(-2).forEach((row) => (row.createdAt = new Date(row.createdAt.getTime() - 1000)));
    keys.rows[keys.rows.length - 2].activatedAt = new Date(STARTED_AT.getTime() - 1000);
    clock.advanceSeconds(1);

    await rotation.maintain();

    expect(liveKids().sort()).toEqual([active, next].sort());
    expect([ring.activeKey.kid, ring.nextKey!.kid]).toEqual([active, next]);
  });

  it('should never rotate on its own when KEY_ROTATION_INTERVAL is off', async () => {
    const kid = ring.activeKey.kid;
    clock.advanceSeconds(400 * 86400);

    await rotation.maintain();

    expect(fixture.moduleRef.get(AppConfig).keyRotationIntervalSeconds).toBeNull();
    expect(ring.activeKey.kid).toBe(kid);
    expect(fixture.audit.record).not.toHaveBeenCalled();
  });

  describe('under HS256', () => {
    beforeEach(async () => {
      fixture = await createFixture({ JWT_ALGORITHM: 'HS256' });
      ({ rotation, ring, keys, clock } = fixture);
    });

    it('should rotate to the next secret and keep the old key verifying, and never publish a key', async () => {
      const oldKid = ring.activeKey.kid;
      const nextKid = ring.nextKey!.kid;
      clock.advanceSeconds(60);

      const kid = await rotation.rotate(ADMIN);

      expect(kid).toBe(nextKid);
      expect(ring.activeKey).toMatchObject({ kid, algorithm: 'HS256' });
      expect(ring.verificationKey(oldKid)).toBeDefined();
      expect(ring.publicJwks()).toEqual({ keys: [] });
      expect(keys.rows.map((row) => [row.algorithm, row.publicKey])).toEqual([
        ['HS256', null],
        ['HS256', null],
        ['HS256', null],
      ]);
    });

    it('should revoke a key at once', async () => {
      const oldKid = ring.activeKey.kid;
      clock.advanceSeconds(60);

      await rotation.revoke(oldKid, ADMIN);

      expect(ring.verificationKey(oldKid)).toBeUndefined();
      expect(ring.activeKey.kid).not.toBe(oldKid);
      expect(ring.publicJwks()).toEqual({ keys: [] });
    });
  });

  describe('findVerificationKey', () => {
    let findUsable: jest.SpyInstance;

    /** Another instance sharing the table makes a key; this ring has not read it yet. */
    async function keyFromAnotherInstance(): Promise<string> {
      const other = new KeyRing(
        fixture.moduleRef.get(AppConfig),
        fixture.moduleRef.get(SigningKeysRepository),
        clock,
        passThroughLock,
        fixture.moduleRef.get(RedisService),
      );
      await other.onModuleInit();
      clock.advanceSeconds(1);
      // The first rotation promotes the next key this ring already knows; the second, one it has never seen.
      await other.rotate();
      return other.rotate();
    }

    beforeEach(() => {
      findUsable = jest.spyOn(keys, 'findUsable');
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('should answer a known kid without reading the table', async () => {
      findUsable.mockClear();

      await expect(ring.findVerificationKey(ring.activeKey.kid)).resolves.toBe(ring.activeKey.verificationKey);
      expect(findUsable).not.toHaveBeenCalled();
    });

    it('should read the table again for an unknown kid and find a key made behind its back', async () => {
      const kid = await keyFromAnotherInstance();
      expect(ring.verificationKey(kid)).toBeUndefined();
      findUsable.mockClear();

      const key = await ring.findVerificationKey(kid);

      expect(key).toBeDefined();
      expect(findUsable).toHaveBeenCalledTimes(1);
      expect(ring.activeKey.kid).toBe(kid);
      expect(jwksKids(ring)).toContain(kid);
    });

    it('should read the table at most once every 2 seconds for unknown kids', async () => {
      findUsable.mockClear();

      await expect(ring.findVerificationKey('unknown-1')).resolves.toBeUndefined();
      clock.advanceSeconds(1);
      await expect(ring.findVerificationKey('unknown-2')).resolves.toBeUndefined();
      clock.advanceSeconds(0.999);
      await expect(ring.findVerificationKey('unknown-3')).resolves.toBeUndefined();
      expect(findUsable).toHaveBeenCalledTimes(1);

      clock.advanceSeconds(0.001);
      await expect(ring.findVerificationKey('unknown-4')).resolves.toBeUndefined();
      expect(findUsable).toHaveBeenCalledTimes(2);
    });

    it('should find a key made behind its back once the 2 seconds have passed', async () => {
      await ring.findVerificationKey('unknown');
      const kid = await keyFromAnotherInstance();
      findUsable.mockClear();

      await expect(ring.findVerificationKey(kid)).resolves.toBeUndefined();
      clock.advanceSeconds(2);
      await expect(ring.findVerificationKey(kid)).resolves.toBeDefined();
      expect(findUsable).toHaveBeenCalledTimes(1);
    });

    it('should share one read between concurrent lookups', async () => {
      findUsable.mockClear();

      await Promise.all([ring.reload(), ring.reload(), ring.findVerificationKey('unknown')]);

      expect(findUsable).toHaveBeenCalledTimes(1);
    });
  });
});
