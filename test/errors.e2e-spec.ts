import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Response } from 'supertest';
import { HealthService } from '../src/health/health.service';
import { LoggedInUser, newUser, registerAndLogin } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectFieldErrors, expectProblem } from './utils/http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BODY_LIMIT = 100 * 1024;

/** A JSON body of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const skeleton = JSON.stringify({ email: 'big@example.test', password: 'correct horse battery staple', pad: '' });
  return skeleton.replace('"pad":""', `"pad":"${'x'.repeat(bytes - skeleton.length)}"`);
}

describe('Errors and HTTP hygiene (e2e)', () => {
  let app: NestFastifyApplication;
  let caller: LoggedInUser;

  beforeAll(async () => {
    app = await createTestApp();
    caller = await registerAndLogin(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const postJson = (path: string, raw: string) => api(app).post(path).set('Content-Type', 'application/json').send(raw);

  describe('bodies', () => {
    it('should answer malformed JSON with a 400 problem in our words, not the parser’s', async () => {
      const response = await postJson('/api/v1/auth/login', '{"email": "a@example.test", "password": ');

      const body = expectProblem(response, 400);
      expect(body).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: expect.any(String) });
      expect(response.text).not.toMatch(/but content-type|Unexpected|JSON\.parse|position \d|in JSON at/i);
    });

    it('should answer an empty body declared as JSON with a 400 problem', async () => {
      expectProblem(await postJson('/api/v1/auth/login', ''), 400);
    });

    it('should answer a JSON body that is not an object with a 400 problem', async () => {
      expectProblem(await postJson('/api/v1/auth/login', '"just a string"'), 400);
      expectProblem(await postJson('/api/v1/auth/login', '[1, 2]'), 400);
      expectProblem(await postJson('/api/v1/auth/login', 'null'), 400);
    });

    it('should answer a body over 100 KiB with a 413 problem', async () => {
      const raw = jsonOfSize(BODY_LIMIT + 1);
      expect(Buffer.byteLength(raw)).toBe(BODY_LIMIT + 1);

      expectProblem(await postJson('/api/v1/auth/register', raw), 413);
    });

    it('should read a body of exactly 100 KiB (and reject its unknown field with 400)', async () => {
      const raw = jsonOfSize(BODY_LIMIT);
      expect(Buffer.byteLength(raw)).toBe(BODY_LIMIT);

      expectFieldErrors(await postJson('/api/v1/auth/register', raw), ['pad']);
    });

    it('should answer a text/plain body with 415, so a cross-site form cannot post JSON-looking text', async () => {
      const response = await api(app)
        .post('/api/v1/auth/login')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ email: 'a@example.test', password: 'correct horse battery staple' }));

      expect(expectProblem(response, 415).detail).toBe('The request body must be application/json.');
    });

    it('should answer a form-encoded body with 415 and create nothing', async () => {
      const email = 'form-post@example.test';
      const response = await api(app)
        .post('/api/v1/auth/register')
        .type('form')
        .send({ email, password: 'correct horse battery staple' });

      expectProblem(response, 415);
      await api(app).post('/api/v1/auth/login').send({ email, password: 'correct horse battery staple' }).expect(401);
    });
  });

  describe('routes and parameters', () => {
    it.each([
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/nothing-here'],
      ['POST', '/api/v1/users/me/avatar'],
      ['GET', '/api/v2/users/me'],
      ['PUT', '/api/v1/users/me'],
    ])('should answer %s %s with a 404 problem', async (method, path) => {
      const response = await api(app)[method.toLowerCase() as 'get' | 'post' | 'put'](path);

      expect(expectProblem(response, 404).detail).toBe('No route matches this method and path.');
    });

    it('should reject an unknown query parameter on GET /users/me with 400 naming it', async () => {
      const response = await api(app).get('/api/v1/users/me?expand=everything').set(bearer(caller.tokens.accessToken));

      expectFieldErrors(response, ['expand']);
    });

    it('should reject an unknown query parameter on a public route with 400', async () => {
      const response = await api(app).post('/api/v1/auth/register?admin=true').send(newUser());

      expectFieldErrors(response, ['admin']);
    });
  });

  describe('headers', () => {
    let responses: Record<string, Response>;

    beforeAll(async () => {
      responses = {
        'a 200': await api(app).get('/health'),
        'a 201': await api(app).post('/api/v1/auth/register').send(newUser()),
        'a 204': await api(app)
          .post('/api/v1/auth/logout')
          .set(bearer((await registerAndLogin(app)).tokens.accessToken)),
        'a 400': await api(app).post('/api/v1/auth/register').send({}),
        'a 401': await api(app).get('/api/v1/users/me'),
        'a 404': await api(app).get('/nothing-here'),
        'a malformed-JSON 400': await postJson('/api/v1/auth/login', '{'),
        'a 413': await postJson('/api/v1/auth/register', jsonOfSize(BODY_LIMIT + 10)),
        'the JWKS': await api(app).get('/.well-known/jwks.json'),
      };
    });

    it('should have answered every request with the status it was built for', () => {
      expect(Object.fromEntries(Object.entries(responses).map(([name, response]) => [name, response.status]))).toEqual({
        'a 200': 200,
        'a 201': 201,
        'a 204': 204,
        'a 400': 400,
        'a 401': 401,
        'a 404': 404,
        'a malformed-JSON 400': 400,
        'a 413': 413,
        'the JWKS': 200,
      });
    });

    it('should send the security headers on every response', () => {
      for (const [name, response] of Object.entries(responses)) {
        expect({ name, headers: response.headers }).toEqual({
          name,
          headers: expect.objectContaining({
            'x-content-type-options': 'nosniff',
            'x-frame-options': 'DENY',
            'content-security-policy': expect.stringContaining("default-src 'none'"),
            'referrer-policy': 'no-referrer',
            'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
          }),
        });
        expect(response.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('should give every response its own X-Request-Id', () => {
      const ids = Object.values(responses).map((response) => response.headers['x-request-id']);

      for (const id of ids) {
        expect(id).toMatch(UUID);
      }
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('should make every error application/problem+json without a stack trace', () => {
      const errors = Object.values(responses).filter((response) => response.status >= 400);

      expect(errors).toHaveLength(5);
      for (const response of errors) {
        expectProblem(response, response.status);
      }
    });
  });
});

describe('Unexpected errors (e2e)', () => {
  let app: NestFastifyApplication;
  const secretMessage =
    'SQLITE_ERROR: no such table: users_secret_internal at /srv/app/src/users/users.repository.ts:12:7';

  beforeAll(async () => {
    app = await createTestApp({
      override: (builder) =>
        builder.overrideProvider(HealthService).useValue({ check: () => Promise.reject(new Error(secretMessage)) }),
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer a bare 500 problem and log the error with the request id', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const response = await api(app).get('/health');

      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.text)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
      expect(response.text).not.toContain('SQLITE');
      const requestId = response.headers['x-request-id'];
      expect(requestId).toMatch(UUID);
      const lines = logged.mock.calls.map((call) => call.map(String).join(' '));
      expect(lines.some((line) => line.includes(requestId) && line.includes('no such table'))).toBe(true);
    } finally {
      logged.mockRestore();
    }
  });
});
