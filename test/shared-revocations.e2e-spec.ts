import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerAndLogin } from './factories/users';
import { api, bearer } from './utils/http';
import { createIsolatedTestApp } from './utils/isolated-app';
import { pollUntil } from './utils/poll';
import { expectAccessWorks, expectTokenRefused, getMe } from './utils/sessions';
import { createTestDatabase, onPostgres, TestDatabase } from './utils/test-database';

// Instances share revocations only through a shared database: PostgreSQL. A SQLite file serves one instance.
const describeOnPostgres = onPostgres() ? describe : describe.skip;

/** "Within a few seconds": the 2-second database read, plus room for a busy machine. */
const DEADLINE_MS = 6000;
const TEST_TIMEOUT_MS = 20_000;

describeOnPostgres('Two instances on one PostgreSQL database without Redis (e2e)', () => {
  let database: TestDatabase;
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...database.env, REDIS_URL: '' };
    // Each on a module registry of its own, as two processes would be (see createIsolatedTestApp).
    a = await createIsolatedTestApp({ env });
    b = await createIsolatedTestApp({ env });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it(
    'should have B refuse, within a few seconds, the access token of a session logged out on A',
    async () => {
      const user = await registerAndLogin(a);
      await expectAccessWorks(b, user.tokens);

      await api(a).post('/api/v1/auth/logout').set(bearer(user.tokens.accessToken)).expect(204);
      expectTokenRefused(await getMe(a, user.tokens.accessToken));

      let last = 0;
      await pollUntil(
        async () => (last = (await getMe(b, user.tokens.accessToken)).status) === 401,
        { deadlineMs: DEADLINE_MS, intervalMs: 100, what: 'B refusing a token logged out on A' },
        () => `HTTP ${last}`,
      );
      expectTokenRefused(await getMe(b, user.tokens.accessToken));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'should have A refuse, within a few seconds, the tokens of a user who logged out everywhere on B',
    async () => {
      const user = await registerAndLogin(b);
      await expectAccessWorks(a, user.tokens);

      await api(b).post('/api/v1/auth/logout-all').set(bearer(user.tokens.accessToken)).expect(204);

      await pollUntil(async () => (await getMe(a, user.tokens.accessToken)).status === 401, {
        deadlineMs: DEADLINE_MS,
        intervalMs: 100,
        what: 'A refusing a token of a user logged out everywhere on B',
      });
    },
    TEST_TIMEOUT_MS,
  );
});
