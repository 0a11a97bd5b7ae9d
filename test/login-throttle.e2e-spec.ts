import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Response } from 'supertest';
import { Clock } from '../src/common/clock';
import { LOGIN_LIMITS } from '../src/throttle/limits';
import { register } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { api, expectProblem, fromAddress } from './utils/http';

const password = 'a sturdy passphrase';
const VICTIM = '127.0.0.2';
const ATTACKER = '127.0.0.9';

/** Distinct client addresses 127.0.0.<from>… for an attack spread over many clients. */
const addresses = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `127.0.0.${from + index}`);

const statusCounts = (responses: Response[]): Record<number, number> =>
  responses.reduce<Record<number, number>>(
    (counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
    {},
  );

describe('Login throttling', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock();
    app = await createTestApp({
      env: { RATE_LIMIT_ENABLED: 'true' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
  });

  beforeEach(() => {
    // Every test starts after the throttle has forgotten the failures of the one before.
    clock.advanceSeconds(2 * 3600);
  });

  afterAll(async () => {
    await app.close();
  });

  const login = (email: string, attempt: string, from = '127.0.0.1', deviceToken?: string) =>
    api(app)
      .post('/api/v1/auth/login')
      .agent(fromAddress(from))
      .send({ email, password: attempt, ...(deviceToken && { deviceToken }) });

  async function failTimes(email: string, times: number, from: string): Promise<void> {
    for (let attempt = 0; attempt < times; attempt++) {
      await login(email, 'wrong password', from);
    }
  }

  it('should answer 429 with Retry-After once an account has failed five times, even for the right password', async () => {
    const { email } = await register(app, { password });
    for (let attempt = 0; attempt < LOGIN_LIMITS.pair; attempt++) {
      await login(email, 'wrong password').expect(401);
    }

    const blocked = await login(email, password).expect(429);

    expectProblem(blocked, 429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('should double the wait with each further failure and reset it after a success', async () => {
    const { email } = await register(app, { password });
    for (let attempt = 0; attempt < LOGIN_LIMITS.pair; attempt++) {
      await login(email, 'wrong password').expect(401);
    }
    clock.advanceSeconds(1);
    await login(email, 'wrong again').expect(401);
    const secondWait = await login(email, password).expect(429);
    expect(secondWait.headers['retry-after']).toBe('2');

    clock.advanceSeconds(2);
    await login(email, password).expect(200);
    await login(email, 'one slip').expect(401);
    await login(email, password).expect(200);
  });

  it('should count failures for unknown emails the same way, so a 429 reveals nothing about the account', async () => {
    for (let attempt = 0; attempt < LOGIN_LIMITS.pair; attempt++) {
      await login('nobody@example.com', 'wrong password').expect(401);
    }
    await login('nobody@example.com', 'wrong password').expect(429);
  });

  it('should slow down one client that tries many accounts', async () => {
    for (let attempt = 0; attempt < LOGIN_LIMITS.client; attempt++) {
      await login(`spray-${attempt}@example.com`, 'wrong password').expect(401);
    }
    await login('spray-last@example.com', 'wrong password').expect(429);
  });

  describe('a burst of guesses sent at once', () => {
    it('should evaluate no more than the limit allows and refuse the rest, the right password among them', async () => {
      const { email } = await register(app, { password });
      const guesses = Array.from({ length: 40 }, (_, index) => (index === 35 ? password : `guess number ${index}`));

      const responses = await Promise.all(guesses.map((guess) => login(email, guess, '127.0.0.5')));

      expect(statusCounts(responses)).toEqual({ 401: LOGIN_LIMITS.pair, 429: 40 - LOGIN_LIMITS.pair });
      responses.filter(({ status }) => status === 429).forEach((response) => expectProblem(response, 429));
    });
  });

  describe('nobody can lock another user out', () => {
    it('should let the victim in from their own address however often an attacker fails from another', async () => {
      const { email } = await register(app, { password });
      for (let round = 0; round < 3; round++) {
        await failTimes(email, 3 * LOGIN_LIMITS.pair, ATTACKER);
        await login(email, 'wrong password', ATTACKER).expect(429);

        const victim = await login(email, password, VICTIM).expect(200);

        expect(victim.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
      }
    });

    it('should let the victim in while an attacker keeps one failure in every block', async () => {
      const { email } = await register(app, { password });
      for (let failure = 0; failure < 3 * LOGIN_LIMITS.pair; failure++) {
        let response = await login(email, 'wrong password', ATTACKER);
        for (; response.status === 429; response = await login(email, 'wrong password', ATTACKER)) {
          clock.advanceSeconds(Number(response.headers['retry-after']));
        }
        expect(response.status).toBe(401);
      }

      await login(email, password, VICTIM).expect(200);
    });

    it('should answer a successful login with a device token, and a refresh without one', async () => {
      const { email } = await register(app, { password });

      const tokens = (await login(email, password, VICTIM).expect(200)).body as Record<string, unknown>;
      const refreshed = await api(app).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken });

      expect(tokens.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).not.toHaveProperty('deviceToken');
    });

    it('should throttle an account failed from many clients, except for a client holding its device token', async () => {
      const { email } = await register(app, { password });
      const deviceToken = (await login(email, password, VICTIM).expect(200)).body.deviceToken as string;
      const { email: otherEmail } = await register(app, { password });
      const foreignToken = (await login(otherEmail, password, VICTIM).expect(200)).body.deviceToken as string;

      const attackers = addresses(10, Math.ceil(LOGIN_LIMITS.account / LOGIN_LIMITS.pair));
      for (const attacker of attackers) {
        await failTimes(email, LOGIN_LIMITS.pair, attacker);
      }

      const newcomer = await login(email, password, '127.0.0.200').expect(429);
      expect(Number(newcomer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await login(email, password, '127.0.0.201', foreignToken).expect(429);
      await login(email, password, '127.0.0.202', 'not-a-device-token').expect(429);
      const trusted = await login(email, password, VICTIM, deviceToken).expect(200);
      expect(trusted.body.deviceToken).toBe(deviceToken);
    });

    it('should still limit a client holding a device token by its own failures', async () => {
      const { email } = await register(app, { password });
      const deviceToken = (await login(email, password, VICTIM).expect(200)).body.deviceToken as string;

      for (let attempt = 0; attempt < LOGIN_LIMITS.pair; attempt++) {
        await login(email, 'wrong password', VICTIM, deviceToken).expect(401);
      }

      await login(email, password, VICTIM, deviceToken).expect(429);
    });

    it('should refuse a device token that is not a string of sane length', async () => {
      await login('someone@example.com', password, VICTIM, 'x'.repeat(500)).expect(400);
    });
  });
});
