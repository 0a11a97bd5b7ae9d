import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from 'supertest';
import { Clock } from '../src/common/clock';
import { PASSWORD_CHECK_LIMITS } from '../src/throttle/limits';
import { LoggedInUser, login, registerAndLogin } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { api, bearer, expectProblem } from './utils/http';

type Check = (user: LoggedInUser, password: string) => Test;

/** Wrong current passwords on the routes that ask for the password again. */
describe('Current-password checks are limited (e2e)', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock();
    app = await createTestApp({
      // The clock moves by the hour below; the token of the session under test must outlive that.
      env: { RATE_LIMIT_ENABLED: 'true', ACCESS_TOKEN_TTL: '24h' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
  });

  beforeEach(() => {
    // Tokens are checked against the real time; every test has an account and a session of its own.
    clock.set(new Date());
  });

  afterAll(async () => {
    await app.close();
  });

  const changePassword: Check = (user, currentPassword) =>
    api(app)
      .post('/api/v1/auth/password')
      .set(bearer(user.tokens.accessToken))
      .send({ currentPassword, newPassword: 'a brand new passphrase' });
  const deleteMe: Check = (user, password) =>
    api(app).delete('/api/v1/users/me').set(bearer(user.tokens.accessToken)).send({ password });

  describe.each([
    ['POST /auth/password', changePassword, 204],
    ['DELETE /users/me', deleteMe, 204],
  ])('%s', (_route, check, success) => {
    it('should answer 403 below the limit, then 429 with Retry-After even for the right password', async () => {
      const user = await registerAndLogin(app);
      for (let attempt = 0; attempt < PASSWORD_CHECK_LIMITS.account; attempt++) {
        await check(user, 'not my password').expect(403);
      }

      const blocked = await check(user, user.password);

      expectProblem(blocked, 429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await api(app).get('/api/v1/users/me').set(bearer(user.tokens.accessToken)).expect(200);
      clock.advanceSeconds(Number(blocked.headers['retry-after']));
      await check(user, user.password).expect(success);
    });

    it('should evaluate no more wrong passwords than the limit in a burst', async () => {
      const user = await registerAndLogin(app);

      const responses = await Promise.all(Array.from({ length: 20 }, () => check(user, 'not my password')));

      const statuses = responses.map(({ status }) => status).sort();
      expect(statuses.filter((status) => status === 403)).toHaveLength(PASSWORD_CHECK_LIMITS.account);
      expect(statuses.filter((status) => status === 429)).toHaveLength(20 - PASSWORD_CHECK_LIMITS.account);
    });

    it('should end the session that made too many wrong guesses, and only that one', async () => {
      const user = await registerAndLogin(app);
      const otherSession = await login(app, user.email, user.password);
      let wrong = 0;
      while (wrong < PASSWORD_CHECK_LIMITS.sessionEndsAfter) {
        const response = await check(user, 'not my password');
        if (response.status === 429) {
          clock.advanceSeconds(Number(response.headers['retry-after']));
        } else {
          expect(response.status).toBe(403);
          wrong++;
        }
      }

      await api(app).get('/api/v1/users/me').set(bearer(user.tokens.accessToken)).expect(401);
      await api(app).get('/api/v1/users/me').set(bearer(otherSession.accessToken)).expect(200);
    });
  });
});
