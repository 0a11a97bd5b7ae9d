import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { Metrics } from './metrics';

describe('Metrics', () => {
  let metrics: Metrics;

  beforeEach(() => {
    metrics = new Metrics();
  });

  it('should count a login by how it ended, passing its answer or error through', async () => {
    const tokens = { accessToken: 'a' };

    await expect(metrics.countLogin(Promise.resolve(tokens))).resolves.toBe(tokens);
    await metrics.countLogin(Promise.resolve({ mfaRequired: true }));
    const refused = new UnauthorizedException();
    await expect(metrics.countLogin(Promise.reject(refused))).rejects.toBe(refused);
    await expect(metrics.countLogin(Promise.reject(new TooManyRequestsException(2)))).rejects.toThrow();

    const text = await metrics.scrape();
    expect(text).toContain('bastion_logins_total{outcome="success"} 1');
    expect(text).toContain('bastion_logins_total{outcome="mfa_required"} 1');
    expect(text).toContain('bastion_logins_total{outcome="failure"} 1');
    expect(text).toContain('bastion_logins_total{outcome="throttled"} 1');
  });

  it('should count a wrong second-factor code as a failed login, a right one as a success', async () => {
    await expect(metrics.countSecondFactor(Promise.reject(new ForbiddenException()))).rejects.toThrow();
    await metrics.countSecondFactor(Promise.resolve({ accessToken: 'a' }));

    const text = await metrics.scrape();
    expect(text).toContain('bastion_logins_total{outcome="failure"} 1');
    expect(text).toContain('bastion_logins_total{outcome="success"} 1');
  });

  it('should count refreshes, reuse and throttled requests', async () => {
    await metrics.countRefresh(Promise.resolve({}));
    await expect(metrics.countRefresh(Promise.reject(new UnauthorizedException()))).rejects.toThrow();
    metrics.refreshReuseDetected();
    metrics.throttled('login');

    const text = await metrics.scrape();
    expect(text).toContain('bastion_refreshes_total{outcome="success"} 1');
    expect(text).toContain('bastion_refreshes_total{outcome="failure"} 1');
    expect(text).toContain('bastion_refresh_reuse_detected_total 1');
    expect(text).toContain('bastion_throttled_requests_total{limit="login"} 1');
  });

  it('should time requests by method, route pattern and status', async () => {
    metrics.observeRequest('GET', '/api/v1/users/:id', 200, 0.003);

    expect(await metrics.scrape()).toContain(
      'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/users/:id",status="200"} 1',
    );
  });

  it('should keep each instance in a registry of its own', async () => {
    const other = new Metrics();
    metrics.refreshReuseDetected();

    expect(await other.scrape()).toContain('bastion_refresh_reuse_detected_total 0');
  });
});
