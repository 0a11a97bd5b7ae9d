import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ROUTE_LIMITS } from '../src/throttle/limits';
import { newUser } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, expectProblem, fromAddress } from './utils/http';

const registerFrom = (app: NestFastifyApplication, address: string) =>
  api(app).post('/api/v1/auth/register').agent(fromAddress(address)).send(newUser());

describe('Per-client route limits (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'true' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should limit registrations per client with 429 and Retry-After, while another client still registers', async () => {
    for (let attempt = 0; attempt < ROUTE_LIMITS.register.limit; attempt++) {
      await registerFrom(app, '127.0.0.20').expect(201);
    }

    const refused = await registerFrom(app, '127.0.0.20');

    expectProblem(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await registerFrom(app, '127.0.0.21').expect(201);
  });

  it('should limit refreshes per client, generously', async () => {
    const refresh = (address: string) =>
      api(app)
        .post('/api/v1/auth/refresh')
        .agent(fromAddress(address))
        .send({ refreshToken: 'x'.repeat(43) });
    for (let attempt = 0; attempt < ROUTE_LIMITS.refresh.limit; attempt++) {
      await refresh('127.0.0.22').expect(401);
    }

    const refused = await refresh('127.0.0.22');

    expectProblem(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await refresh('127.0.0.23').expect(401);
  });

  it('should limit two-factor verifies per client, as generously', async () => {
    const verify = (address: string) =>
      api(app)
        .post('/api/v1/auth/mfa/verify')
        .agent(fromAddress(address))
        .send({ mfaToken: 'x'.repeat(43), code: '123456' });
    for (let attempt = 0; attempt < ROUTE_LIMITS.mfaVerify.limit; attempt++) {
      await verify('127.0.0.25').expect(401);
    }

    const refused = await verify('127.0.0.25');

    expectProblem(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await verify('127.0.0.26').expect(401);
  });
});

describe('Route limits with RATE_LIMIT_ENABLED=false (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should not limit registrations', async () => {
    for (let attempt = 0; attempt <= ROUTE_LIMITS.register.limit; attempt++) {
      await registerFrom(app, '127.0.0.24').expect(201);
    }
  });
});

describe('The bounded password-hash queue (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    // Capacity, not a rate limit: it holds with request limits off.
    app = await createTestApp({
      env: { RATE_LIMIT_ENABLED: 'false', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2' },
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer 503 with Retry-After when the queue is full, and no other 5xx', async () => {
    const responses = await Promise.all(Array.from({ length: 30 }, () => registerFrom(app, '127.0.0.25')));

    const statuses = new Set(responses.map(({ status }) => status));
    expect([...statuses].sort()).toEqual([201, 503]);
    for (const response of responses.filter(({ status }) => status === 503)) {
      expectProblem(response, 503);
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  });

  it('should have room again once the burst is over', async () => {
    await registerFrom(app, '127.0.0.26').expect(201);
  });
});
