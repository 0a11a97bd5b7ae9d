import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { Clock } from '../src/common/clock';
import { createTestApp } from './utils/create-test-app';
import { FakeClock } from './utils/fake-clock';

const password = 'a sturdy passphrase';

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

  const login = (email: string, attempt: string) =>
    request(app.getHttpServer()).post('/api/v1/auth/login').send({ email, password: attempt });

  async function register(email: string): Promise<void> {
    await request(app.getHttpServer()).post('/api/v1/auth/register').send({ email, password }).expect(201);
  }

  it('should answer 429 with Retry-After once an account has failed five times, even for the right password', async () => {
    await register('guessed@example.com');
    for (let attempt = 0; attempt < 5; attempt++) {
      await login('guessed@example.com', 'wrong password').expect(401);
    }

    const blocked = await login('guessed@example.com', password).expect(429);

    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(blocked.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });

  it('should double the wait with each further failure and reset it after a success', async () => {
    await register('doubling@example.com');
    for (let attempt = 0; attempt < 5; attempt++) {
      await login('doubling@example.com', 'wrong password').expect(401);
    }
    clock.advanceSeconds(1);
    await login('doubling@example.com', 'wrong again').expect(401);
    const secondWait = await login('doubling@example.com', password).expect(429);
    expect(secondWait.headers['retry-after']).toBe('2');

    clock.advanceSeconds(2);
    await login('doubling@example.com', password).expect(200);
    await login('doubling@example.com', 'one slip').expect(401);
    await login('doubling@example.com', password).expect(200);
  });

  it('should count failures for unknown emails the same way, so a 429 reveals nothing about the account', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      await login('nobody@example.com', 'wrong password').expect(401);
    }
    await login('nobody@example.com', 'wrong password').expect(429);
  });

  it('should slow down one client that tries many accounts', async () => {
    for (let attempt = 0; attempt < 9; attempt++) {
      await login(`spray-${attempt}@example.com`, 'wrong password').expect(401);
    }
    await login('spray-last@example.com', 'wrong password').expect(429);
  });
});
