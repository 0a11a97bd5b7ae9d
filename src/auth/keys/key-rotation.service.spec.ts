import { NotFoundException } from '@nestjs/common';
import { TestingModule } from '@nestjs/testing';
import { sign, verify } from 'jsonwebtoken';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import { AuditStub, createAuditStub } from '../../audit/testing/audit-stub';
import { FakeClock } from '../../common/testing/fake-clock';
import { AppConfig } from '../../config/app-config';
import { passThroughLock } from '../../database/testing/pass-through-lock';
import { RedisService } from '../../redis/redis.service';
import { KeyRing } from './key-ring.service';
import { KeyRotationService } from './key-rotation.service';
import { SigningKeysRepository } from './signing-keys.repository';
import { InMemorySigningKeys } from './testing/in-memory-signing-keys';
import { createKeyRingTestingModule } from './testing/key-ring-testing-module';

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

  describe('rotate', () => {
    it('should make a new active key and return its kid', async () => {
      const oldKid = ring.activeKey.kid;
      clock.advanceSeconds(60);

      const kid = await rotation.rotate(ADMIN);

      expect(kid).not.toBe(oldKid);
      expect(ring.activeKey.kid).toBe(kid);
      expect(keys.rows.find((row) => row.kid === kid)).toMatchObject({ retiredAt: null, createdAt: clock.now() });
      expect(keys.rows.find((row) => row.kid === oldKid)).toMatchObject({ retiredAt: clock.now(), revokedAt: null });
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
      expect(jwksKids(ring)).toEqual([kid, old.kid]);
      expect(keys.rows.map((row) => row.kid)).toContain(old.kid);
    });

    it('should drop the old key from the ring, the JWKS and the table once the window has passed', async () => {
      const oldKid = ring.activeKey.kid;
      clock.advanceSeconds(60);
      const kid = await rotation.rotate(ADMIN);
      clock.advanceSeconds(WINDOW_SECONDS + 1);

      await rotation.maintain();

      expect(ring.verificationKey(oldKid)).toBeUndefined();
      expect(jwksKids(ring)).toEqual([kid]);
      expect(keys.rows.map((row) => row.kid)).toEqual([kid]);
    });

    it('should leave exactly one key that is not retired after two rotations in a row', async () => {
      clock.advanceSeconds(1);
      await rotation.rotate(ADMIN);
      clock.advanceSeconds(1);
      const last = await rotation.rotate(ADMIN);

      expect(keys.rows).toHaveLength(3);
      expect(keys.rows.filter((row) => row.retiredAt === null).map((row) => row.kid)).toEqual([last]);
      expect(ring.activeKey.kid).toBe(last);
      expect(jwksKids(ring)).toHaveLength(3);
    });

    it('should leave exactly one signing key when two rotations happen in the same millisecond', async () => {
      clock.advanceSeconds(60);
      const [first, second] = await Promise.all([rotation.rotate(ADMIN), rotation.rotate(ADMIN)]);
      await rotation.maintain();

      const signing = keys.rows.filter((row) => row.retiredAt === null).map((row) => row.kid);
      expect(signing).toHaveLength(1);
      expect([first, second]).toContain(signing[0]);
      expect(ring.activeKey.kid).toBe(signing[0]);
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
      expect(jwksKids(ring)).toEqual([kid]);
      expect(ring.activeKey.kid).toBe(kid);
      expect(keys.rows.find((row) => row.kid === oldKid)).toMatchObject({ revokedAt: clock.now() });
    });

    it('should replace a revoked active key with a new active key', async () => {
      const revokedKid = ring.activeKey.kid;
      clock.advanceSeconds(60);

      await rotation.revoke(revokedKid, ADMIN);

      expect(ring.activeKey.kid).not.toBe(revokedKid);
      expect(ring.verificationKey(revokedKid)).toBeUndefined();
      expect(jwksKids(ring)).toEqual([ring.activeKey.kid]);
      expect(keys.rows.filter((row) => row.retiredAt === null).map((row) => row.kid)).toEqual([ring.activeKey.kid]);
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
      expect(keys.rows).toHaveLength(1);
      expect(fixture.audit.record).not.toHaveBeenCalled();
    });

    it('should rotate once the active key is an hour old, and only once', async () => {
      const firstKid = ring.activeKey.kid;
      clock.advanceSeconds(3600);

      await rotation.maintain();
      const secondKid = ring.activeKey.kid;
      clock.advanceSeconds(30 * 60);
      await rotation.maintain();

      expect(secondKid).not.toBe(firstKid);
      expect(ring.activeKey.kid).toBe(secondKid);
      expect(keys.rows.filter((row) => row.retiredAt === null).map((row) => row.kid)).toEqual([secondKid]);
      expect(fixture.audit.record).toHaveBeenCalledTimes(1);
      expect(fixture.audit.record).toHaveBeenCalledWith(AuditEventType.KeyRotated, {
        actorId: null,
        details: { kid: secondKid, via: 'schedule' },
      });
    });

    it('should rotate again an hour after the last rotation', async () => {
      clock.advanceSeconds(3600);
      await rotation.maintain();
      clock.advanceSeconds(3600);

      await rotation.maintain();

      expect(fixture.audit.record).toHaveBeenCalledTimes(2);
      // The first key is past its window by now and has been deleted.
      expect(keys.rows).toHaveLength(2);
      expect(keys.rows.filter((row) => row.retiredAt === null)).toHaveLength(1);
    });
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

    it('should rotate and keep the old key verifying, and never publish a key', async () => {
      const oldKid = ring.activeKey.kid;
      clock.advanceSeconds(60);

      const kid = await rotation.rotate(ADMIN);

      expect(ring.activeKey).toMatchObject({ kid, algorithm: 'HS256' });
      expect(ring.verificationKey(oldKid)).toBeDefined();
      expect(ring.publicJwks()).toEqual({ keys: [] });
      expect(keys.rows.map((row) => [row.algorithm, row.publicKey])).toEqual([
        ['HS256', null],
        ['HS256', null],
      ]);
    });

    it('should revoke a key at once', async () => {
      const oldKid = ring.activeKey.kid;
      clock.advanceSeconds(60);

      await rotation.revoke(oldKid, ADMIN);

      expect(ring.verificationKey(oldKid)).toBeUndefined();
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
      return other.createKey();
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
