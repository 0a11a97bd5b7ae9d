import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { Response } from 'supertest';
import { Client } from 'pg';
import { ADMIN_ENV, login, loginAsAdmin, register, registerAndLogin, TokenBody } from './factories/users';
import { api, bearer, expectProblem } from './utils/http';
import { createIsolatedTestApp } from './utils/isolated-app';
import { expectAccessWorks, expectTokenRefused, getMe, kidOf, refresh } from './utils/sessions';
import { createTestDatabase, onPostgres, TestDatabase } from './utils/test-database';

// Several instances need a database they can share and Redis to tell each other what changed. On SQLite the service
// runs as a single instance (no Redis), so this suite only runs in the e2e-postgres project and is skipped on SQLite.
const describeScaled = onPostgres() ? describe : describe.skip;

/** What the issue promises: a revocation or a key-ring change reaches every instance within this. */
const PROPAGATION_DEADLINE_MS = 100;
const POLL_INTERVAL_MS = 5;

/**
 * Sends `attempt` about every 5 ms until `done` accepts a response; returns the milliseconds from the call to the
 * first accepted response, and how many requests that took. Fails with the last response seen after the deadline.
 */
async function pollFor(
  attempt: () => Promise<Response>,
  done: (response: Response) => boolean,
  what: string,
): Promise<{ elapsed: number; requests: number }> {
  const started = performance.now();
  let last: Response;
  for (let requests = 1; ; requests++) {
    last = await attempt();
    const elapsed = performance.now() - started;
    if (done(last)) {
      return { elapsed, requests };
    }
    if (elapsed > PROPAGATION_DEADLINE_MS) {
      throw new Error(`${what}: not within ${PROPAGATION_DEADLINE_MS} ms (last: ${last.status} ${last.text})`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

async function jwksKids(app: NestFastifyApplication): Promise<string[]> {
  const response = await api(app).get('/.well-known/jwks.json').expect(200);
  return (response.body as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((x, y) => x - y);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return `min ${ms(sorted[0])}, median ${ms(sorted[Math.floor(sorted.length / 2)])}, max ${ms(sorted[sorted.length - 1])} (${sorted.length} samples: ${sorted.map((value) => value.toFixed(1)).join(', ')})`;
}

describeScaled('Two instances sharing PostgreSQL and Redis (e2e)', () => {
  let database: TestDatabase;
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;

  beforeAll(async () => {
    database = await createTestDatabase();
    // The throttle is on so that its shared counters are exercised; only one test here fails logins.
    const env = { ...ADMIN_ENV, ...database.env, RATE_LIMIT_ENABLED: 'true' };
    // Each on a module registry of its own, as two processes would be (see createIsolatedTestApp).
    a = await createIsolatedTestApp({ env });
    b = await createIsolatedTestApp({ env });
  }, 30_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('should accept on B a token issued by A, and have A refuse it within 100 ms of a logout on B', async () => {
    const { email, password } = await register(a);
    const rounds = 5;
    const sessions: TokenBody[] = [];
    for (let round = 0; round < rounds; round++) {
      sessions.push(await login(a, email, password));
    }
    const survivor = await login(a, email, password);
    const observed: number[] = [];
    const sinceSent: number[] = [];
    const requests: number[] = [];

    for (const tokens of sessions) {
      await expectAccessWorks(b, tokens);
      await expectAccessWorks(a, tokens);

      const sent = performance.now();
      await api(b).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);
      const answered = performance.now();
      const polled = await pollFor(
        () => getMe(a, tokens.accessToken),
        (response) => response.status === 401,
        'A refusing a token logged out on B',
      );

      expectTokenRefused(await getMe(a, tokens.accessToken));
      expectTokenRefused(await getMe(b, tokens.accessToken));
      observed.push(polled.elapsed);
      sinceSent.push(answered - sent + polled.elapsed);
      requests.push(polled.requests);
    }

    // Printed on purpose: the measured propagation time is quoted in the deployment notes.
    console.log(
      `Revocation propagation B → A over Redis (logout answered on B until A first answers 401, polling every ${POLL_INTERVAL_MS} ms): ${summary(observed)}; ` +
        `from sending the logout: ${summary(sinceSent)}; requests to A until refused: ${requests.join(', ')}`,
    );
    expect(Math.max(...observed)).toBeLessThanOrEqual(PROPAGATION_DEADLINE_MS);
    // Only the sessions that were logged out are affected.
    await expectAccessWorks(a, survivor);
    await expectAccessWorks(b, survivor);
  });

  it('should let B verify at once a token signed with a key rotated in on A, and list the new kid in B’s JWKS', async () => {
    const user = await registerAndLogin(a);
    const oldKid = kidOf(user.tokens);
    const admin = await loginAsAdmin(a);

    const rotated = await api(a).post('/api/v1/admin/keys/rotate').set(bearer(admin.tokens.accessToken)).expect(201);
    const { kid } = rotated.body as { kid: string };
    expect(kid).not.toBe(oldKid);

    // The JWKS first: B lists the key already, published as the next key before it signed.
    const jwks = await pollFor(
      () => api(b).get('/.well-known/jwks.json'),
      (response) => (response.body as { keys: { kid: string }[] }).keys.some((key) => key.kid === kid),
      'B’s JWKS listing the kid rotated in on A',
    );
    console.log(
      `Key rotation on A reached B's JWKS ${jwks.elapsed.toFixed(1)} ms after the rotation answered (${jwks.requests} request(s) to B)`,
    );
    expect(jwks.elapsed).toBeLessThanOrEqual(PROPAGATION_DEADLINE_MS);

    const fresh = await login(a, user.email, user.password);
    expect(kidOf(fresh)).toBe(kid);
    await expectAccessWorks(b, fresh);
    // Tokens of the old key keep working everywhere, both keys and the new next key are published, and B signs with
    // the new key too.
    await expectAccessWorks(b, user.tokens);
    const published = (await jwksKids(a)).sort();
    expect(published).toHaveLength(3);
    expect(published).toEqual(expect.arrayContaining([oldKid, kid]));
    expect((await jwksKids(b)).sort()).toEqual(published);
    expect(kidOf(await login(b, user.email, user.password))).toBe(kid);
  });

  it('should give every refresh of a race split across A and B the same successor, and keep the session', async () => {
    const { tokens } = await registerAndLogin(a);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => refresh(index % 2 === 0 ? a : b, tokens.refreshToken)),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const successors = new Set(responses.map((response) => (response.body as TokenBody).refreshToken));
    expect(successors.size).toBe(1);
    const [successor] = successors;
    const renewed = (await refresh(b, successor).expect(200)).body as TokenBody;
    await expectAccessWorks(a, renewed);
    // Once the successor is used, the first token is reuse on either instance and the session ends.
    expectProblem(await refresh(a, tokens.refreshToken), 401);
    for (const app of [a, b]) {
      await pollFor(
        () => getMe(app, renewed.accessToken),
        (response) => response.status === 401,
        'the renewed access token refused after the reuse',
      );
    }
  });

  it('should leave exactly one active and one next key when A and B rotate at the same moment', async () => {
    const admin = await loginAsAdmin(a);
    const rotateOn = (app: NestFastifyApplication) =>
      api(app).post('/api/v1/admin/keys/rotate').set(bearer(admin.tokens.accessToken)).expect(201);

    const answers = await Promise.all([rotateOn(a), rotateOn(b), rotateOn(a), rotateOn(b)]);

    const kids = answers.map((response) => (response.body as { kid: string }).kid);
    expect(new Set(kids).size).toBe(4);
    const client = new Client({ connectionString: database.env.DATABASE_URL });
    await client.connect();
    const live = await client
      .query<{ kid: string; active: boolean }>(
        'SELECT kid, activated_at IS NOT NULL AS active FROM signing_keys WHERE retired_at IS NULL',
      )
      .finally(() => client.end());
    expect(live.rows.map((key) => key.active).sort()).toEqual([false, true]);
    const active = live.rows.find((key) => key.active)!.kid;
    expect(kids).toContain(active);
    const user = await registerAndLogin(a);
    for (const app of [a, b]) {
      await pollFor(
        () =>
          login(app, user.email, user.password).then((tokens) => ({ status: 200, text: kidOf(tokens) }) as Response),
        (response) => response.text === active,
        'both instances signing with the one active key',
      );
    }
    expect((await jwksKids(b)).sort()).toEqual((await jwksKids(a)).sort());
  });

  it('should share the login throttle: five failures spread over A and B block the next attempt on either', async () => {
    const { email, password } = await register(a);
    const attempt = (app: NestFastifyApplication, guess: string) =>
      api(app).post('/api/v1/auth/login').send({ email, password: guess });

    for (const app of [a, b, a, b, a]) {
      await attempt(app, 'wrong password').expect(401);
    }

    for (const app of [b, a]) {
      const blocked = await attempt(app, password);
      expectProblem(blocked, 429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  });

  it('should refuse on B, on the next request, the token of a user an admin disabled on A', async () => {
    const user = await registerAndLogin(a);
    const admin = await loginAsAdmin(a);
    await expectAccessWorks(b, user.tokens);

    await api(a)
      .patch(`/api/v1/users/${user.user.id}`)
      .set(bearer(admin.tokens.accessToken))
      .send({ disabled: true })
      .expect(200);

    expectTokenRefused(await getMe(b, user.tokens.accessToken));
    expectTokenRefused(await api(b).get('/api/v1/auth/verify').set(bearer(user.tokens.accessToken)));
    expectProblem(await refresh(b, user.tokens.refreshToken), 401);
    expectProblem(await api(b).post('/api/v1/auth/login').send({ email: user.email, password: user.password }), 401);
  });
});
