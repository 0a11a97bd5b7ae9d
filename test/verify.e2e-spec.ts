import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN_ENV, loginAsAdmin, registerAndLogin } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectProblem } from './utils/http';
import { decodeJwt, encodePart, signWithAppKey } from './utils/jwt';
import { expectTokenRefused, sidOf } from './utils/sessions';

describe('Forward auth: GET /api/v1/auth/verify (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
  });

  afterAll(async () => {
    await app.close();
  });

  const verify = (accessToken?: string) => {
    const request = api(app).get('/api/v1/auth/verify');
    return accessToken === undefined ? request : request.set(bearer(accessToken));
  };

  it('should answer a good token with 200 { sub, sid, roles, exp }, the X-Auth-* headers and no-store', async () => {
    const { user, tokens } = await registerAndLogin(app);
    const { claims } = decodeJwt(tokens.accessToken);

    const response = await verify(tokens.accessToken).expect(200);

    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({ sub: user.id, sid: sidOf(tokens), roles: ['user'], amr: ['pwd'], exp: claims.exp });
    expect(response.headers['x-auth-user-id']).toBe(user.id);
    expect(response.headers['x-auth-roles']).toBe('user');
    expect(response.headers['x-auth-session-id']).toBe(sidOf(tokens));
    expect(response.headers['x-auth-amr']).toBe('pwd');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('should list several roles comma-separated in X-Auth-Roles', async () => {
    const admin = await loginAsAdmin(app);

    const response = await verify(admin.tokens.accessToken).expect(200);

    expect(response.body).toMatchObject({ sub: admin.user.id, roles: ['admin', 'user'] });
    expect(response.headers['x-auth-roles']).toBe('admin,user');
  });

  it('should accept the scheme in any case, as gateways pass the Authorization header through unchanged', async () => {
    const { tokens } = await registerAndLogin(app);

    await api(app).get('/api/v1/auth/verify').set('Authorization', `bearer ${tokens.accessToken}`).expect(200);
  });

  it('should answer 401 with WWW-Authenticate: Bearer and no X-Auth-* headers without a token', async () => {
    const response = await verify();

    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(Object.keys(response.headers).filter((name) => name.startsWith('x-auth-'))).toEqual([]);
  });

  it('should answer the same 401 for a bad, a tampered and a revoked token', async () => {
    const { tokens } = await registerAndLogin(app);
    const { header, claims } = decodeJwt(tokens.accessToken);
    const [head, , signature] = tokens.accessToken.split('.');
    const tampered = `${head}.${encodePart({ ...claims, roles: ['admin', 'user'] })}.${signature}`;
    const issuedAt = (claims.iat as number) - 3600;
    const expired = signWithAppKey(app, header, { ...claims, iat: issuedAt, nbf: issuedAt, exp: issuedAt + 900 });

    const garbage = await verify('not.a.token');
    const forged = await verify(tampered);
    const old = await verify(expired);
    await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);
    const revoked = await verify(tokens.accessToken);

    for (const response of [garbage, forged, old, revoked]) {
      expectTokenRefused(response);
      expect(response.text).toBe(garbage.text);
      expect(Object.keys(response.headers).filter((name) => name.startsWith('x-auth-'))).toEqual([]);
    }
  });

  it('should ignore X-Auth-* headers a client sends and answer from the token alone', async () => {
    const { user, tokens } = await registerAndLogin(app);

    const response = await verify(tokens.accessToken)
      .set('X-Auth-User-Id', '00000000-0000-4000-8000-000000000000')
      .set('X-Auth-Roles', 'admin')
      .expect(200);

    expect(response.headers['x-auth-user-id']).toBe(user.id);
    expect(response.headers['x-auth-roles']).toBe('user');
  });
});
