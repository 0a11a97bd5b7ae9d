import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { FakeClock } from '../../../test/doubles/fake-clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { RedisService } from '../../redis/redis.service';
import { RedisProxy } from '../../../test/doubles/redis-proxy';
import {
  closedRedisUrl,
  connectRedis,
  deleteRedisKeys,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
  waitFor,
  waitUntilHealthy,
} from '../../../test/doubles/redis-testing';
import { Revocation, RevocationKind } from './revocation.entity';
import { RevocationsRepository } from './revocations.repository';
import { FALLBACK_RELOAD_INTERVAL_MS, RevocationsService, TokenIdentity } from './revocations.service';
import { InMemoryRevocations } from '../../../test/doubles/in-memory-revocations';

const USER_ID = '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60';
const OTHER_USER_ID = '0d7c9e1f-3a2b-4c5d-8e6f-7a8b9c0d1e2f';
const SESSION_ID = 'a1e2c3d4-0000-4000-8000-000000000002';
const OTHER_SESSION_ID = 'b1e2c3d4-0000-4000-8000-000000000003';
/** A revocation at 12:00:00.400: inside a second, so that "the same second" means something. */
const REVOKED_AT = new Date('2026-03-01T12:00:00.400Z');
const REVOKED_SECOND = Math.floor(REVOKED_AT.getTime() / 1000);
/** ACCESS_TOKEN_TTL (15m) plus JWT_CLOCK_TOLERANCE (1s), in seconds. */
const WINDOW_SECONDS = 15 * 60 + 1;

function token(overrides: Partial<TokenIdentity> = {}): TokenIdentity {
  return { sub: USER_ID, sid: SESSION_ID, iat: REVOKED_SECOND - 60, ...overrides };
}

/** Modules started by a test, closed after it (which closes their Redis connections). */
const startedModules: TestingModule[] = [];

afterEach(async () => {
  await Promise.all(startedModules.splice(0).map((moduleRef) => moduleRef.close()));
});

async function createService(
  rows: InMemoryRevocations,
  clock: Clock,
  env: Record<string, string> = {},
): Promise<RevocationsService> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      RevocationsService,
      RedisService,
      { provide: RevocationsRepository, useValue: rows },
      { provide: AppConfig, useValue: loadConfig(env) },
      { provide: Clock, useValue: clock },
    ],
  }).compile();
  startedModules.push(moduleRef);
  const service = moduleRef.get(RevocationsService);
  await service.onModuleInit();
  return service;
}

/** The RedisService the instance of `service` was built with. */
function redisOf(service: RevocationsService): RedisService {
  return service['redis'];
}

describe('RevocationsService', () => {
  let rows: InMemoryRevocations;
  let clock: FakeClock;
  let service: RevocationsService;

  beforeEach(async () => {
    rows = new InMemoryRevocations();
    clock = new FakeClock(REVOKED_AT);
    service = await createService(rows, clock);
  });

  it('should revoke nothing when empty', () => {
    expect(service.isRevoked(token())).toBe(false);
    expect(service.size).toEqual({ sessions: 0, users: 0 });
  });

  describe('a revoked session', () => {
    it('should revoke every token carrying its sid, whenever it was issued', async () => {
      await service.revokeSessions([SESSION_ID]);

      expect(service.isRevoked(token())).toBe(true);
      expect(service.isRevoked(token({ iat: REVOKED_SECOND }))).toBe(true);
      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 60 }))).toBe(true);
    });

    it('should not revoke another session of the same user', async () => {
      await service.revokeSessions([SESSION_ID]);

      expect(service.isRevoked(token({ sid: OTHER_SESSION_ID }))).toBe(false);
    });

    it('should revoke several sessions in one call and store one row each', async () => {
      await service.revokeSessions([SESSION_ID, OTHER_SESSION_ID]);

      expect(service.isRevoked(token())).toBe(true);
      expect(service.isRevoked(token({ sid: OTHER_SESSION_ID }))).toBe(true);
      expect(rows.rows).toEqual([
        {
          kind: RevocationKind.Session,
          targetId: SESSION_ID,
          revokedAt: REVOKED_AT,
          expiresAt: new Date(REVOKED_AT.getTime() + WINDOW_SECONDS * 1000),
        },
        expect.objectContaining({ kind: RevocationKind.Session, targetId: OTHER_SESSION_ID }),
      ]);
    });

    it('should accept an empty list', async () => {
      await expect(service.revokeSessions([])).resolves.toBeUndefined();
      expect(service.size).toEqual({ sessions: 0, users: 0 });
    });
  });

  describe('a user cut-off', () => {
    it('should revoke every token of the user issued before the revocation second', async () => {
      await service.revokeUser(USER_ID);

      expect(service.isRevoked(token({ iat: REVOKED_SECOND - 1 }))).toBe(true);
      expect(service.isRevoked(token({ iat: REVOKED_SECOND - WINDOW_SECONDS, sid: OTHER_SESSION_ID }))).toBe(true);
    });

    it('should not revoke a token issued at or after the revocation second (a fresh login in the same second)', async () => {
      await service.revokeUser(USER_ID);

      expect(service.isRevoked(token({ iat: REVOKED_SECOND, sid: randomUUID() }))).toBe(false);
      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 1, sid: randomUUID() }))).toBe(false);
    });

    it('should not revoke the tokens of another user', async () => {
      await service.revokeUser(USER_ID);

      expect(service.isRevoked(token({ sub: OTHER_USER_ID }))).toBe(false);
    });

    it('should move forward with a later cut-off', async () => {
      await service.revokeUser(USER_ID);
      clock.advanceSeconds(30);

      await service.revokeUser(USER_ID);

      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 29 }))).toBe(true);
      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 30 }))).toBe(false);
      expect(service.size.users).toBe(1);
    });

    it('should never move back with an older cut-off', async () => {
      clock.advanceSeconds(30);
      await service.revokeUser(USER_ID);
      clock.set(REVOKED_AT);

      await service.revokeUser(USER_ID);

      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 29 }))).toBe(true);
      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 30 }))).toBe(false);
    });

    it('should keep the later forget time when an older cut-off arrives', async () => {
      clock.advanceSeconds(30);
      await service.revokeUser(USER_ID);
      clock.set(REVOKED_AT);
      await service.revokeUser(USER_ID);

      clock.advanceSeconds(WINDOW_SECONDS + 1);
      await service.purgeExpired();

      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 29 }))).toBe(true);
      clock.advanceSeconds(30);
      await service.purgeExpired();
      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 29 }))).toBe(false);
    });
  });

  describe('a deleted user', () => {
    /** REFRESH_TOKEN_TTL (30d) plus the window: the longest a token the service issued for the user could live. */
    const RETENTION_SECONDS = 30 * 86400 + WINDOW_SECONDS;

    it('should revoke every token of the user, issued before, at or after the deletion, with any sid', async () => {
      await service.revokeDeletedUser(USER_ID);

      expect(service.isRevoked(token({ iat: REVOKED_SECOND - 1 }))).toBe(true);
      expect(service.isRevoked(token({ iat: REVOKED_SECOND, sid: randomUUID() }))).toBe(true);
      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 3600, sid: randomUUID() }))).toBe(true);
      expect(service.isRevoked(token({ sub: OTHER_USER_ID, iat: REVOKED_SECOND + 1 }))).toBe(false);
    });

    it('should not be pulled back by a later ordinary cut-off', async () => {
      await service.revokeDeletedUser(USER_ID);
      clock.advanceSeconds(10);

      await service.revokeUser(USER_ID);

      expect(service.isRevoked(token({ iat: REVOKED_SECOND + 3600, sid: randomUUID() }))).toBe(true);
    });

    it('should be stored, so that a restarted or another instance refuses the same tokens', async () => {
      await service.revokeDeletedUser(USER_ID);

      const restarted = await createService(rows, clock);

      expect(restarted.isRevoked(token({ iat: REVOKED_SECOND + 3600, sid: randomUUID() }))).toBe(true);
    });

    it('should be kept for REFRESH_TOKEN_TTL plus the window, then purged', async () => {
      await service.revokeDeletedUser(USER_ID);
      const later = (seconds: number) => token({ iat: REVOKED_SECOND + seconds, sid: randomUUID() });

      clock.advanceSeconds(RETENTION_SECONDS - 1);
      await expect(service.purgeExpired()).resolves.toBe(0);
      expect(service.isRevoked(later(RETENTION_SECONDS - 1))).toBe(true);

      clock.advanceSeconds(2);
      await expect(service.purgeExpired()).resolves.toBe(1);
      expect(service.size.users).toBe(0);
    });
  });

  describe('expiry', () => {
    beforeEach(async () => {
      await service.revokeSessions([SESSION_ID]);
      await service.revokeUser(USER_ID);
    });

    it('should keep its entries until access TTL + clock tolerance have passed', async () => {
      clock.set(new Date(REVOKED_AT.getTime() + WINDOW_SECONDS * 1000 - 1));

      await expect(service.purgeExpired()).resolves.toBe(0);

      expect(service.isRevoked(token())).toBe(true);
      expect(service.isRevoked(token({ sid: OTHER_SESSION_ID }))).toBe(true);
      expect(service.size).toEqual({ sessions: 1, users: 1 });
      expect(rows.rows).toHaveLength(2);
    });

    it('should forget its entries, in memory and in the repository, once the window has passed', async () => {
      const deleteExpired = jest.spyOn(rows, 'deleteExpired');
      clock.advanceSeconds(WINDOW_SECONDS + 1);

      await expect(service.purgeExpired()).resolves.toBe(2);

      expect(deleteExpired).toHaveBeenCalledWith(clock.now());
      expect(service.size).toEqual({ sessions: 0, users: 0 });
      expect(service.isRevoked(token())).toBe(false);
      expect(rows.rows).toEqual([]);
    });

    it('should measure the window with the configured access TTL and clock tolerance', async () => {
      const short = await createService(new InMemoryRevocations(), clock, {
        ACCESS_TOKEN_TTL: '5m',
        JWT_CLOCK_TOLERANCE: '30s',
      });
      await short.revokeSessions([SESSION_ID]);

      clock.advanceSeconds(329);
      await short.purgeExpired();
      expect(short.isRevoked(token())).toBe(true);

      clock.advanceSeconds(1);
      await short.purgeExpired();
      expect(short.isRevoked(token())).toBe(false);
    });

    it('should purge only the entries that have expired', async () => {
      clock.advanceSeconds(600);
      await service.revokeSessions([OTHER_SESSION_ID]);
      clock.advanceSeconds(WINDOW_SECONDS - 600 + 1);

      await expect(service.purgeExpired()).resolves.toBe(2);

      expect(service.size).toEqual({ sessions: 1, users: 0 });
      expect(service.isRevoked(token({ sid: OTHER_SESSION_ID, iat: REVOKED_SECOND + 600 }))).toBe(true);
      expect(rows.rows.map((row) => row.targetId)).toEqual([OTHER_SESSION_ID]);
    });

    it('should stay bounded: 10 000 ended sessions are all forgotten after the window', async () => {
      const ids = Array.from({ length: 10_000 }, () => randomUUID());
      await service.revokeSessions(ids);
      expect(service.size.sessions).toBe(10_001);

      clock.advanceSeconds(WINDOW_SECONDS + 1);
      await service.purgeExpired();

      expect(service.size).toEqual({ sessions: 0, users: 0 });
      expect(rows.rows).toEqual([]);
    });
  });

  describe('reload', () => {
    it('should answer the same after a restart over the same stored rows', async () => {
      await service.revokeSessions([SESSION_ID]);
      clock.advanceSeconds(1);
      await service.revokeUser(OTHER_USER_ID);

      const restarted = await createService(rows, clock);

      expect(restarted.size).toEqual({ sessions: 1, users: 1 });
      expect(restarted.isRevoked(token())).toBe(true);
      expect(restarted.isRevoked(token({ sid: OTHER_SESSION_ID }))).toBe(false);
      expect(restarted.isRevoked(token({ sub: OTHER_USER_ID, sid: OTHER_SESSION_ID, iat: REVOKED_SECOND }))).toBe(true);
      expect(restarted.isRevoked(token({ sub: OTHER_USER_ID, sid: OTHER_SESSION_ID, iat: REVOKED_SECOND + 1 }))).toBe(
        false,
      );
    });

    it('should not load entries that expired while the instance was down', async () => {
      await service.revokeSessions([SESSION_ID]);
      clock.advanceSeconds(WINDOW_SECONDS);

      const restarted = await createService(rows, clock);

      expect(restarted.size).toEqual({ sessions: 0, users: 0 });
      expect(restarted.isRevoked(token())).toBe(false);
    });

    it('should learn what another instance revoked', async () => {
      const other = await createService(rows, clock);
      await other.revokeSessions([OTHER_SESSION_ID]);
      expect(service.isRevoked(token({ sid: OTHER_SESSION_ID }))).toBe(false);

      await service.reload();

      expect(service.isRevoked(token({ sid: OTHER_SESSION_ID }))).toBe(true);
    });
  });

  describe('writes', () => {
    it('should reach the repository before memory, and not report a token revoked when the write fails', async () => {
      jest.spyOn(rows, 'save').mockRejectedValue(new Error('database is locked'));

      await expect(service.revokeSessions([SESSION_ID])).rejects.toThrow('database is locked');
      await expect(service.revokeUser(USER_ID)).rejects.toThrow('database is locked');

      expect(service.isRevoked(token())).toBe(false);
      expect(service.size).toEqual({ sessions: 0, users: 0 });
    });

    it('should have stored the entry by the time it is reported revoked', async () => {
      const save = jest.spyOn(rows, 'save');
      let revokedDuringSave: boolean | undefined;
      save.mockImplementation((entries) => {
        revokedDuringSave = service.isRevoked(token());
        return InMemoryRevocations.prototype.save.call(rows, entries);
      });

      await service.revokeSessions([SESSION_ID]);

      expect(revokedDuringSave).toBe(false);
      expect(service.isRevoked(token())).toBe(true);
      expect(rows.rows).toHaveLength(1);
    });
  });

  describe('across instances through Redis', () => {
    let prefix: string;
    let rowsOfA: InMemoryRevocations;
    let rowsOfB: InMemoryRevocations;
    let a: RevocationsService;
    let b: RevocationsService;

    beforeEach(async () => {
      prefix = uniqueRedisPrefix();
      const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
      rowsOfA = new InMemoryRevocations();
      // B's table lacks A's rows: whatever B learns, it learns from the message.
      rowsOfB = new InMemoryRevocations();
      a = await createService(rowsOfA, clock, env);
      b = await createService(rowsOfB, clock, env);
      await Promise.all([waitUntilHealthy(redisOf(a)), waitUntilHealthy(redisOf(b))]);
    });

    afterEach(async () => {
      await deleteRedisKeys(prefix);
    });

    it('should make a session ended on one instance revoked on the other', async () => {
      await a.revokeSessions([SESSION_ID, OTHER_SESSION_ID]);

      await waitFor(() => b.isRevoked(token()), 1000, 'the revocation to reach B');
      expect(b.isRevoked(token({ sid: OTHER_SESSION_ID }))).toBe(true);
      expect(b.size).toEqual({ sessions: 2, users: 0 });
      expect(rowsOfB.rows).toEqual([]);
      expect(rowsOfA.rows).toHaveLength(2);
    });

    it('should carry a user cut-off with its second, so a fresh login on the other instance still passes', async () => {
      await a.revokeUser(USER_ID);

      await waitFor(() => b.isRevoked(token({ sid: randomUUID(), iat: REVOKED_SECOND - 1 })), 1000, 'the cut-off');
      expect(b.isRevoked(token({ sid: randomUUID(), iat: REVOKED_SECOND }))).toBe(false);
    });

    it('should let the other instance forget the entry when its window has passed', async () => {
      await a.revokeSessions([SESSION_ID]);
      await waitFor(() => b.isRevoked(token()), 1000, 'the revocation to reach B');

      clock.advanceSeconds(WINDOW_SECONDS + 1);
      await b.purgeExpired();

      expect(b.isRevoked(token())).toBe(false);
    });

    it('should not reach an instance of another deployment (another prefix)', async () => {
      const elsewhere = await createService(new InMemoryRevocations(), clock, {
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      });
      await waitUntilHealthy(redisOf(elsewhere));

      await a.revokeSessions([SESSION_ID]);

      await waitFor(() => b.isRevoked(token()), 1000, 'the revocation to reach B');
      expect(elsewhere.isRevoked(token())).toBe(false);
    });

    it('should ignore a message it cannot read, and keep listening', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const sender = connectRedis(prefix);
      try {
        await waitUntilHealthy(sender);
        await sender.publish('revocations', 'not json');
        await sender.publish('revocations', JSON.stringify({ kind: 'session' }));

        await a.revokeSessions([SESSION_ID]);

        await waitFor(() => b.isRevoked(token()), 1000, 'the revocation to reach B');
        expect(warn).toHaveBeenCalledWith('Ignored a revocation message that could not be read');
        expect(b.size).toEqual({ sessions: 1, users: 0 });
      } finally {
        await sender.onApplicationShutdown();
      }
    });
  });

  describe('fallback to the database', () => {
    /** Another instance's write that this one missed: straight into the shared table. */
    const revokedElsewhere = (rows: InMemoryRevocations): Promise<void> =>
      rows.save([
        {
          kind: RevocationKind.Session,
          targetId: SESSION_ID,
          revokedAt: REVOKED_AT,
          expiresAt: new Date(REVOKED_AT.getTime() + WINDOW_SECONDS * 1000),
        },
      ]);

    beforeEach(() => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
      // Only the interval is faked: Redis's own timers (connects, retries) and the waits' deadlines keep real time.
      jest.useFakeTimers({
        doNotFake: [
          'Date',
          'hrtime',
          'performance',
          'nextTick',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setTimeout',
          'clearTimeout',
        ],
      });
    });

    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    it('should reload from the repository within FALLBACK_RELOAD_INTERVAL_MS while Redis is unreachable', async () => {
      const unreachable = await createService(rows, clock, {
        REDIS_URL: await closedRedisUrl(),
        REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      });
      expect(redisOf(unreachable).healthy).toBe(false);
      await revokedElsewhere(rows);
      const findLive = jest.spyOn(rows, 'findLive');

      await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS - 1);
      expect(findLive).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);

      await waitFor(() => unreachable.isRevoked(token()), 1000, 'the reload');
      expect(findLive).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS);
      expect(findLive).toHaveBeenCalledTimes(2);
    });

    it('should keep answering when the fallback reload fails, and log it', async () => {
      const unreachable = await createService(rows, clock, {
        REDIS_URL: await closedRedisUrl(),
        REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      });
      await unreachable.revokeSessions([SESSION_ID]);
      jest.spyOn(rows, 'findLive').mockRejectedValue(new Error('connection terminated'));

      await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS);

      await waitFor(
        () => jest.mocked(Logger.prototype.warn).mock.calls.some(([message]) => String(message).includes('terminated')),
        1000,
        'the warning',
      );
      expect(unreachable.isRevoked(token())).toBe(true);
    });

    it('should not reload on the interval while Redis is healthy', async () => {
      const prefix = uniqueRedisPrefix();
      const healthy = await createService(rows, clock, { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
      await waitUntilHealthy(redisOf(healthy));
      const findLive = jest.spyOn(rows, 'findLive');

      await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS * 3);

      expect(findLive).not.toHaveBeenCalled();
      await deleteRedisKeys(prefix);
    });

    it('should set no timer at all, and say nothing of Redis, without REDIS_URL on in-memory SQLite', async () => {
      await createService(rows, clock, { DATABASE_URL: 'sqlite::memory:' });

      expect(jest.getTimerCount()).toBe(0);
      expect(
        jest.mocked(Logger.prototype.log).mock.calls.filter(([line]) => String(line).includes('REDIS_URL')),
      ).toEqual([]);
    });

    it('should read what the CLI revoked in a SQLite file every FALLBACK_RELOAD_INTERVAL_MS, saying nothing', async () => {
      const local = await createService(rows, clock, { DATABASE_URL: 'sqlite:data/app.sqlite' });
      await revokedElsewhere(rows);

      await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS);

      await waitFor(() => local.isRevoked(token()), 1000, 'the reload');
      expect(
        jest.mocked(Logger.prototype.log).mock.calls.filter(([line]) => String(line).includes('REDIS_URL')),
      ).toEqual([]);
    });

    describe('on a shared PostgreSQL database without REDIS_URL', () => {
      const POSTGRES = { DATABASE_URL: 'postgres://bastion@db.internal:5432/bastion' };

      it('should read what other instances revoked every FALLBACK_RELOAD_INTERVAL_MS', async () => {
        const shared = await createService(rows, clock, POSTGRES);
        await revokedElsewhere(rows);
        const findLive = jest.spyOn(rows, 'findLive');

        await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS - 1);
        expect(shared.isRevoked(token())).toBe(false);
        await jest.advanceTimersByTimeAsync(1);

        await waitFor(() => shared.isRevoked(token()), 1000, 'the reload');
        await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS);
        expect(findLive).toHaveBeenCalledTimes(2);
      });

      it('should log once at start-up that REDIS_URL would make it immediate', async () => {
        await createService(rows, clock, POSTGRES);

        const lines = jest
          .mocked(Logger.prototype.log)
          .mock.calls.map(([line]) => String(line))
          .filter((line) => line.includes('REDIS_URL'));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/every 2 s; set REDIS_URL to make them immediate/);
      });

      it('should keep an entry recorded here while a reload was reading the table', async () => {
        const shared = await createService(rows, clock, POSTGRES);
        let finishRead: (entries: Revocation[]) => void = () => undefined;
        jest
          .spyOn(rows, 'findLive')
          .mockReturnValueOnce(new Promise<Revocation[]>((resolve) => (finishRead = resolve)));
        const reload = shared.reload();

        await shared.revokeSessions([SESSION_ID]);
        finishRead([]);
        await reload;

        expect(shared.isRevoked(token())).toBe(true);
      });

      it('should stop the timer when the module is destroyed', async () => {
        const shared = await createService(rows, clock, POSTGRES);
        const findLive = jest.spyOn(rows, 'findLive');

        shared.onModuleDestroy();
        await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS * 2);

        expect(findLive).not.toHaveBeenCalled();
      });
    });

    it('should stop the timer when the module is destroyed', async () => {
      const unreachable = await createService(rows, clock, {
        REDIS_URL: await closedRedisUrl(),
        REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      });
      const findLive = jest.spyOn(rows, 'findLive');

      unreachable.onModuleDestroy();
      await jest.advanceTimersByTimeAsync(FALLBACK_RELOAD_INTERVAL_MS * 2);

      expect(findLive).not.toHaveBeenCalled();
    });

    it('should read what it missed during an outage as soon as Redis is back', async () => {
      const prefix = uniqueRedisPrefix();
      const proxy = await RedisProxy.start();
      try {
        const service = await createService(rows, clock, { REDIS_URL: proxy.url, REDIS_KEY_PREFIX: prefix });
        await waitUntilHealthy(redisOf(service));
        await proxy.interrupt();
        await waitFor(() => !redisOf(service).healthy, 2000, 'the outage to be noticed');
        await revokedElsewhere(rows);

        await proxy.resume();

        // The interval is not advanced: only the reconnect can have made it reload.
        await waitFor(() => service.isRevoked(token()), 5000, 'the reload after reconnecting');
        // And it hears other instances again once its subscription is back.
        const peer = await createService(new InMemoryRevocations(), clock, {
          REDIS_URL: TEST_REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
        });
        await waitUntilHealthy(redisOf(peer));
        await waitFor(
          async () => {
            await peer.revokeSessions([OTHER_SESSION_ID]);
            return service.isRevoked(token({ sid: OTHER_SESSION_ID }));
          },
          5000,
          'messages to arrive again',
        );
      } finally {
        await proxy.close();
        await deleteRedisKeys(prefix);
      }
    });
  });
});
