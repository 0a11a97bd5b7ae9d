import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { FALLBACK_RELOAD_INTERVAL_MS } from '../src/auth/revocations/revocations.service';
import { login, register, TokenBody } from './factories/users';
import { createIsolatedTestApp } from './utils/isolated-app';
import { api, bearer } from './utils/http';
import { pollUntil } from './utils/poll';
import { expectTokenRefused, getMe } from './utils/sessions';
import { TcpProxy } from './utils/tcp-proxy';
import { createTestDatabase, TestDatabase } from './utils/test-database';
import { closedPort } from './utils/free-port';

jest.setTimeout(60_000);

/** The real Redis. .ci/run sets TEST_REDIS_URL for both projects; without it there is no Redis to cut off. */
const REDIS_URL = process.env.TEST_REDIS_URL;
const describeWithRedis = REDIS_URL ? describe : describe.skip;

/** Revocations must reach every instance through Redis within this (the bound). */
const PROPAGATION_MS = 100;
/** How long a health change (Redis lost, Redis back) may take to show; ioredis retries at most every 2 s. */
const HEALTH_DEADLINE_MS = 5000;

interface Health {
  httpStatus: number;
  body: { status: string; checks: Record<string, string> };
}

async function health(app: NestFastifyApplication): Promise<Health> {
  const response = await api(app).get('/health');
  return { httpStatus: response.status, body: response.body as Health['body'] };
}

/** Polls /health until its `status` is `wanted`; returns the time it took (ms). */
async function healthBecomes(app: NestFastifyApplication, wanted: string, deadlineMs = HEALTH_DEADLINE_MS) {
  let last: Health | undefined;
  const elapsed = await pollUntil(
    async () => (last = await health(app)).body.status === wanted,
    { deadlineMs, intervalMs: 25, what: `/health becoming ${wanted}` },
    () => JSON.stringify(last),
  );
  return { elapsed, health: last as Health };
}

/** Polls GET /users/me with this token until it is refused; returns the time it took (ms). */
async function refusedWithin(app: NestFastifyApplication, accessToken: string, deadlineMs: number, intervalMs = 5) {
  let last = 0;
  return pollUntil(
    async () => (last = (await getMe(app, accessToken)).status) === 401,
    { deadlineMs, intervalMs, what: 'the revoked token being refused' },
    () => `GET /users/me answered ${last}`,
  );
}

const logout = (app: NestFastifyApplication, tokens: TokenBody) =>
  api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) {
        await redis.del(...keys);
      }
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// Two instances share one database (a SQLite file on the e2e project, a fresh PostgreSQL database on e2e-postgres)
// and one Redis key prefix: A reaches Redis through a proxy the test cuts, B reaches it directly.
describeWithRedis('Redis outage and recovery (e2e, two instances)', () => {
  const redisUrl = REDIS_URL as string;
  let db: TestDatabase;
  let prefix: string;
  let proxy: TcpProxy;
  let appA: NestFastifyApplication;
  let appB: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    // On PostgreSQL the database comes with a prefix that drop() cleans; on SQLite the test brings its own.
    prefix = db.env.REDIS_KEY_PREFIX ?? `bastion-e2e-${randomBytes(6).toString('hex')}:`;
    proxy = await TcpProxy.start(redisUrl);
    appA = await createIsolatedTestApp({
      env: { ...db.env, REDIS_URL: proxy.urlFor(redisUrl), REDIS_KEY_PREFIX: prefix, RATE_LIMIT_ENABLED: 'true' },
    });
    appB = await createIsolatedTestApp({ env: { ...db.env, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix } });
  });

  afterAll(async () => {
    await appA?.close();
    await appB?.close();
    await proxy?.close();
    await db?.drop();
    if (prefix && !db?.env.REDIS_KEY_PREFIX) {
      await deleteRedisKeys(redisUrl, prefix);
    }
  });

  /** A user registered on B and logged in on B, whose token A accepts. */
  async function userLoggedInOnB(): Promise<TokenBody> {
    const { email, password } = await register(appB);
    const tokens = await login(appB, email, password);
    await getMe(appA, tokens.accessToken).expect(200);
    return tokens;
  }

  it('should report ok with Redis up on A, and a logout on B reaches A through Redis', async () => {
    expect(await health(appA)).toEqual({
      httpStatus: 200,
      body: { status: 'ok', checks: { database: 'up', redis: 'up' } },
    });
    const tokens = await userLoggedInOnB();

    await logout(appB, tokens);

    const elapsed = await refusedWithin(appA, tokens.accessToken, 1000, 2);
    console.log(`Revocation B → A through Redis (before the outage): ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(PROPAGATION_MS);
  });

  describe('while A cannot reach Redis', () => {
    beforeAll(async () => {
      await proxy.cut();
      const { elapsed } = await healthBecomes(appA, 'degraded');
      console.log(`A reported degraded ${elapsed.toFixed(0)} ms after the cut`);
    });

    it('should report degraded with 200, Redis down and the database up, and stay live', async () => {
      expect(await health(appA)).toEqual({
        httpStatus: 200,
        body: { status: 'degraded', checks: { database: 'up', redis: 'down' } },
      });
      await api(appA).get('/health/live').expect(200, { status: 'ok' });
      // B, which reaches Redis directly, is unaffected.
      expect((await health(appB)).body.status).toBe('ok');
    });

    it('should keep answering: register, login and /users/me on A', async () => {
      const { email, password } = await register(appA);

      const started = performance.now();
      const tokens = await login(appA, email, password);
      const loginMs = performance.now() - started;

      const me = await getMe(appA, tokens.accessToken).expect(200);
      expect(me.body).toMatchObject({ email });
      // Commands to Redis fail fast (no offline queue), so nothing waits for a timeout.
      expect(loginMs).toBeLessThan(1000);
    });

    it('should apply a logout made on B through the database fallback within the reload interval', async () => {
      const tokens = await userLoggedInOnB();

      // Written to the database and published to Redis, which A cannot hear.
      await logout(appB, tokens);

      const elapsed = await refusedWithin(appA, tokens.accessToken, 5000, 20);
      console.log(
        `Revocation B → A through the database fallback (Redis cut): ${elapsed.toFixed(0)} ms ` +
          `(reload interval ${FALLBACK_RELOAD_INTERVAL_MS} ms)`,
      );
      expect(elapsed).toBeLessThan(FALLBACK_RELOAD_INTERVAL_MS + 1000);
      expectTokenRefused(await getMe(appA, tokens.accessToken));
      // Still cut: the revocation came from the database, not from Redis.
      expect((await health(appA)).body).toMatchObject({ status: 'degraded', checks: { redis: 'down' } });
    });

    it('should keep throttling logins on A, counting failures in memory', async () => {
      const { email, password } = await register(appB);
      for (let attempt = 0; attempt < 5; attempt++) {
        await api(appA).post('/api/v1/auth/login').send({ email, password: 'wrong password' }).expect(401);
      }

      const blocked = await api(appA).post('/api/v1/auth/login').send({ email, password }).expect(429);

      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(blocked.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
      expect((await health(appA)).body.status).toBe('degraded');
    });
  });

  describe('once Redis is reachable again', () => {
    beforeAll(async () => {
      await proxy.restore();
    });

    it('should reconnect by itself and report ok within a few seconds', async () => {
      const { elapsed, health: after } = await healthBecomes(appA, 'ok');
      console.log(`A reported ok ${elapsed.toFixed(0)} ms after Redis came back`);

      expect(after).toEqual({ httpStatus: 200, body: { status: 'ok', checks: { database: 'up', redis: 'up' } } });
    });

    it('should hear revocations made on B through Redis again, within 100 ms', async () => {
      await healthBecomes(appA, 'ok');
      // Let the reload that follows the reconnection finish, so it cannot be what refuses the tokens below.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const times: number[] = [];
      for (let round = 0; round < 3; round++) {
        const tokens = await userLoggedInOnB();
        await logout(appB, tokens);
        times.push(await refusedWithin(appA, tokens.accessToken, 1000, 2));
      }

      console.log(`Revocation B → A through Redis after recovery: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
      expect(Math.max(...times)).toBeLessThan(PROPAGATION_MS);
    });
  });

  // An instance that starts during the outage has never been connected to Redis when Redis comes back.
  describe('an instance that starts while Redis is unreachable', () => {
    let lateProxy: TcpProxy | undefined;
    let appC: NestFastifyApplication | undefined;

    /** C: like A, through a proxy of its own, started while that proxy is cut. */
    async function startC(): Promise<{ proxy: TcpProxy; app: NestFastifyApplication }> {
      lateProxy = await TcpProxy.start(redisUrl);
      await lateProxy.cut();
      appC = await createIsolatedTestApp({
        env: { ...db.env, REDIS_URL: lateProxy.urlFor(redisUrl), REDIS_KEY_PREFIX: prefix },
      });
      expect((await health(appC)).body).toEqual({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
      return { proxy: lateProxy, app: appC };
    }

    afterEach(async () => {
      await appC?.close();
      await lateProxy?.close();
      [appC, lateProxy] = [undefined, undefined];
    });

    it('should catch up, once Redis comes, with what was revoked while it could not hear', async () => {
      const c = await startC();
      const tokens = await userLoggedInOnB();
      // Revoked while C cannot hear Redis, right before Redis comes back: before C's next fallback reload, most likely.
      await logout(appB, tokens);
      await c.proxy.restore();
      await healthBecomes(c.app, 'ok');

      // Once connected, C no longer reloads at intervals: it must catch up when the connection comes.
      const elapsed = await refusedWithin(c.app, tokens.accessToken, FALLBACK_RELOAD_INTERVAL_MS + 1000, 20);
      console.log(`C refused a token revoked during its outage ${elapsed.toFixed(0)} ms after reporting ok`);
    });

    it('should hear revocations through Redis within 100 ms once Redis comes', async () => {
      const c = await startC();
      // Longer than ioredis waits between two attempts at this point: the SUBSCRIBE that C sent at start-up has failed.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await c.proxy.restore();
      await healthBecomes(c.app, 'ok');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const tokens = await userLoggedInOnB();

      await logout(appB, tokens);

      const elapsed = await refusedWithin(c.app, tokens.accessToken, FALLBACK_RELOAD_INTERVAL_MS + 1000, 2);
      console.log(`Revocation B → C through Redis, C having started during the outage: ${elapsed.toFixed(1)} ms`);
      expect(elapsed).toBeLessThan(PROPAGATION_MS);
    });
  });
});

describe('An app whose REDIS_URL points at a closed port (e2e)', () => {
  let app: NestFastifyApplication;
  let startMs: number;

  beforeAll(async () => {
    const started = performance.now();
    app = await createIsolatedTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } });
    startMs = performance.now() - started;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should start anyway and report degraded with 200', async () => {
    console.log(`Started with Redis unreachable in ${startMs.toFixed(0)} ms`);

    expect(await health(app)).toEqual({
      httpStatus: 200,
      body: { status: 'degraded', checks: { database: 'up', redis: 'down' } },
    });
    await api(app).get('/health/live').expect(200, { status: 'ok' });
  });

  it('should serve register, login, /users/me and logout without Redis', async () => {
    const { email, password } = await register(app);
    const tokens = await login(app, email, password);
    await getMe(app, tokens.accessToken).expect(200);

    await logout(app, tokens);

    expectTokenRefused(await getMe(app, tokens.accessToken));
  });
});
