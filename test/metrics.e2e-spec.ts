import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { ROUTE_LIMITS } from '../src/throttle/limits';
import { FakeClock } from './doubles/fake-clock';
import { DEFAULT_PASSWORD, registerAndLogin } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectProblem, fromAddress } from './utils/http';
import { getMetrics, labelValues, scrape, valueOf } from './utils/metrics';
import { enableTotp, loginToMfaStep, mfa, nextCode, totpCode } from './utils/mfa';
import { refresh } from './utils/sessions';

const METRICS_TOKEN = 'q7Rk2WmZ9xPv4Ls8Tn3Yb6Hc1Jd5Fg0A';
const PRODUCTION = {
  NODE_ENV: 'production',
  SMTP_URL: 'none',
  KEY_ENCRYPTION_SECRET: 'Pr0d-grade-k3y-encrypti0n-value-4f3e2d1c0b9a8',
};
const DURATION = 'http_request_duration_seconds';

const wrongLogin = (app: NestFastifyApplication, email: string, address = '127.0.0.1') =>
  api(app)
    .post('/api/v1/auth/login')
    .agent(fromAddress(address))
    .send({ email, password: `not ${DEFAULT_PASSWORD}` });

describe('Metrics (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'true', REFRESH_TOKEN_REUSE_INTERVAL: '0' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should serve the Prometheus text format, never to be cached', async () => {
    const response = await getMetrics(app).expect(200);

    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).toContain('# TYPE bastion_logins_total counter');
    expect(response.text).toContain('# TYPE bastion_process_cpu_user_seconds_total counter');
  });

  describe('after a register, logins, refreshes, a reused refresh token and a throttled login', () => {
    let text: string;
    let before: string;

    beforeAll(async () => {
      before = await scrape(app);
      const { email, tokens } = await registerAndLogin(app);
      await wrongLogin(app, email).expect(401);
      const rotated = await refresh(app, tokens.refreshToken).expect(200);
      await refresh(app, tokens.refreshToken).expect(401);
      await refresh(app, (rotated.body as { refreshToken: string }).refreshToken).expect(401);
      let throttled = await wrongLogin(app, email, '127.0.0.61');
      while (throttled.status === 401) {
        throttled = await wrongLogin(app, email, '127.0.0.61');
      }
      expectProblem(throttled, 429);
      await api(app).get(`/api/v1/users/${randomUUID()}`).set(bearer(tokens.accessToken));
      text = await scrape(app);
    });

    const increase = (series: string) => valueOf(text, series) - valueOf(before, series);

    it('should count logins by outcome', () => {
      expect(increase('bastion_logins_total{outcome="success"}')).toBe(1);
      expect(increase('bastion_logins_total{outcome="failure"}')).toBeGreaterThanOrEqual(2);
      expect(increase('bastion_logins_total{outcome="throttled"}')).toBe(1);
    });

    it('should count refreshes by outcome, and the reuse', () => {
      expect(increase('bastion_refreshes_total{outcome="success"}')).toBe(1);
      // The reused token, then its successor: the reuse ended the session.
      expect(increase('bastion_refreshes_total{outcome="failure"}')).toBe(2);
      expect(increase('bastion_refresh_reuse_detected_total')).toBe(1);
    });

    it('should count the throttled request by the limit that refused it', () => {
      expect(increase('bastion_throttled_requests_total{limit="login"}')).toBe(1);
    });

    it('should time requests by route pattern and status', () => {
      expect(increase(`${DURATION}_count{method="POST",route="/api/v1/auth/register",status="201"}`)).toBe(1);
      expect(increase(`${DURATION}_count{method="POST",route="/api/v1/auth/login",status="429"}`)).toBe(1);
      expect(increase(`${DURATION}_count{method="POST",route="/api/v1/auth/refresh",status="401"}`)).toBe(2);
      expect(labelValues(text, `${DURATION}_count`, 'route')).toContain('/api/v1/users/:id');
    });

    it('should never label a series with an id, a token or an address', () => {
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(text).not.toMatch(/127\.0\.0\.|@example\.test|eyJ/);
    });

    it('should not time the scrape itself', () => {
      expect(labelValues(text, `${DURATION}_count`, 'route')).not.toContain('/metrics');
    });
  });

  it("should count a route limit's 429 by the limit's name", async () => {
    const before = await scrape(app);
    const junkRefresh = () =>
      api(app)
        .post('/api/v1/auth/refresh')
        .agent(fromAddress('127.0.0.62'))
        .send({ refreshToken: 'x'.repeat(43) });
    for (let attempt = 0; attempt < ROUTE_LIMITS.refresh.limit; attempt++) {
      await junkRefresh().expect(401);
    }

    expectProblem(await junkRefresh(), 429);

    const series = 'bastion_throttled_requests_total{limit="refresh"}';
    expect(valueOf(await scrape(app), series) - valueOf(before, series)).toBe(1);
  });

  it('should put every unknown path under one label value', async () => {
    const path = `/no-such-route-${randomUUID()}`;
    const before = await scrape(app);

    await api(app).get(path).expect(404);
    await api(app).get(`/api/v1/${randomUUID()}`).expect(404);
    const text = await scrape(app);

    expect(text).not.toContain(path);
    expect(labelValues(text, `${DURATION}_count`, 'route').sort()).toEqual(
      labelValues(before, `${DURATION}_count`, 'route').concat('unmatched').filter(unique).sort(),
    );
    const series = `${DURATION}_count{method="GET",route="unmatched",status="404"}`;
    expect(valueOf(text, series) - valueOf(before, series)).toBe(2);
  });

  it('should show a logout in the revocation gauge', async () => {
    const { tokens } = await registerAndLogin(app);
    const before = valueOf(await scrape(app), 'bastion_revocations{kind="session"}');

    await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);

    expect(valueOf(await scrape(app), 'bastion_revocations{kind="session"}')).toBe(before + 1);
  });

  it('should show the active key age and the password-hash queue', async () => {
    const text = await scrape(app);

    expect(valueOf(text, 'bastion_signing_key_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^bastion_signing_key_age_seconds \d/m);
    expect(text).toMatch(/^bastion_password_hash_queue_depth 0$/m);
    expect(text).toMatch(/^bastion_mail_queue_depth \d+$/m);
  });
});

describe('Metrics of a two-factor login (e2e)', () => {
  let app: NestFastifyApplication;
  const clock = new FakeClock(new Date(Date.now() - 10 * 60 * 1000));

  beforeAll(async () => {
    app = await createTestApp({ override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should count the password step as mfa_required, a wrong code as a failure and the right one as a success', async () => {
    const { email, password, tokens } = await registerAndLogin(app);
    const { secret } = await enableTotp(app, clock, tokens.accessToken);
    const before = await scrape(app);

    const { mfaToken } = await loginToMfaStep(app, email, password);
    const wrongCode = String((Number(totpCode(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');
    expectProblem(await mfa.verify(app, { mfaToken, code: wrongCode }), 403);
    await mfa.verify(app, { mfaToken, code: nextCode(clock, secret) }).expect(200);

    const text = await scrape(app);
    const increase = (outcome: string) =>
      valueOf(text, `bastion_logins_total{outcome="${outcome}"}`) -
      valueOf(before, `bastion_logins_total{outcome="${outcome}"}`);
    expect(['mfa_required', 'failure', 'success', 'unverified'].map(increase)).toEqual([1, 1, 1, 0]);
  });
});

describe('Metrics with METRICS_TOKEN (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { METRICS_TOKEN } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should refuse a scrape without the token (401, WWW-Authenticate)', async () => {
    const response = await getMetrics(app);

    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['another token', 'q7Rk2WmZ9xPv4Ls8Tn3Yb6Hc1Jd5Fg0B'],
    ['an access token', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
  ])('should refuse %s', async (_label, token) => {
    const response = await getMetrics(app, token);

    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('should serve the scrape to the token', async () => {
    expect(await scrape(app, METRICS_TOKEN)).toContain('bastion_logins_total');
  });
});

describe('Metrics in production (e2e)', () => {
  it('should not be served without METRICS_TOKEN (404, like an unknown route)', async () => {
    const app = await createTestApp({ env: PRODUCTION });
    try {
      const response = await getMetrics(app);

      expect(expectProblem(response, 404).detail).toBe(expectProblem(await api(app).get('/no-such-route'), 404).detail);
    } finally {
      await app.close();
    }
  });

  it('should be served with METRICS_TOKEN, to its bearer only', async () => {
    const app = await createTestApp({ env: { ...PRODUCTION, METRICS_TOKEN } });
    try {
      expectProblem(await getMetrics(app), 401);
      await getMetrics(app, METRICS_TOKEN).expect(200);
    } finally {
      await app.close();
    }
  });
});

describe('Metrics switched off (e2e)', () => {
  it('should not serve /metrics with METRICS_ENABLED=false', async () => {
    const app = await createTestApp({ env: { METRICS_ENABLED: 'false', METRICS_TOKEN } });
    try {
      expectProblem(await getMetrics(app, METRICS_TOKEN), 404);
    } finally {
      await app.close();
    }
  });
});

function unique<T>(value: T, index: number, values: T[]): boolean {
  return values.indexOf(value) === index;
}
