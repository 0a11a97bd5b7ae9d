import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN_ENV, LoggedInUser, loginAsAdmin, newUser, registerAndLogin } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectFieldErrors, expectProblem } from './utils/http';
import { rawExchange } from './utils/raw-http';

const DEPTH = 10_000;
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('Bad input is always a clean 4xx problem (e2e)', () => {
  let app: NestFastifyApplication;
  let caller: LoggedInUser;
  let admin: LoggedInUser;

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
    caller = await registerAndLogin(app);
    admin = await loginAsAdmin(app);
  });

  afterAll(async () => {
    await app.close();
  });

  /** Sends raw JSON text (so escapes such as \ud800 reach the parser as written). */
  const sendJson = (method: 'post' | 'patch', path: string, raw: string, token?: string) => {
    const request = api(app)[method](path).set('Content-Type', 'application/json');
    return (token ? request.set(bearer(token)) : request).send(raw);
  };
  const routes = () =>
    [
      ['POST', '/api/v1/auth/register', undefined],
      ['POST', '/api/v1/auth/login', undefined],
      ['PATCH', '/api/v1/users/me', caller.tokens.accessToken],
    ] as const;

  describe('deeply nested JSON', () => {
    it.each([
      ['arrays', nestedArrays(DEPTH)],
      ['objects', nestedObjects(DEPTH)],
      ['arrays inside a field', `{"email":${nestedArrays(DEPTH)},"password":"correct horse battery staple"}`],
      ['objects inside a field', `{"displayName":${nestedObjects(DEPTH)}}`],
    ])('should answer %s 10 000 levels deep with a 400 problem on every route', async (_, raw) => {
      for (const [method, path, token] of routes()) {
        const response = await sendJson(method === 'POST' ? 'post' : 'patch', path, raw, token);

        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expectProblem(response, 400);
      }
    });
  });

  describe('lone UTF-16 surrogates', () => {
    it.each([
      [
        'register',
        'post',
        '/api/v1/auth/register',
        '{"email":"a\\ud800@example.test","password":"correct horse battery staple"}',
        'email',
      ],
      [
        'register',
        'post',
        '/api/v1/auth/register',
        '{"email":"lone@example.test","password":"correct horse \\udfff staple"}',
        'password',
      ],
      [
        'register',
        'post',
        '/api/v1/auth/register',
        '{"email":"lone2@example.test","password":"correct horse battery staple","displayName":"Ada \\ud800"}',
        'displayName',
      ],
      [
        'login',
        'post',
        '/api/v1/auth/login',
        '{"email":"a\\ud800@example.test","password":"correct horse battery staple"}',
        'email',
      ],
      [
        'login',
        'post',
        '/api/v1/auth/login',
        '{"email":"a@example.test","password":"correct horse \\ud800"}',
        'password',
      ],
      ['PATCH /users/me', 'patch', '/api/v1/users/me', '{"displayName":"Ada \\udbff"}', 'displayName'],
    ] as const)('should answer one in %s (%s %s) with a 400 naming the field', async (_, method, path, raw, field) => {
      const response = await sendJson(method, path, raw, caller.tokens.accessToken);

      expectFieldErrors(response, [field]);
    });
  });

  describe('NUL characters', () => {
    it.each([
      [
        'register',
        'post',
        '/api/v1/auth/register',
        { email: 'nul\u0000@example.test', password: 'correct horse battery staple' },
        'email',
      ],
      ['register', 'post', '/api/v1/auth/register', { ...newUser(), displayName: 'Ada\u0000Lovelace' }, 'displayName'],
      [
        'register',
        'post',
        '/api/v1/auth/register',
        { ...newUser(), password: 'correct horse\u0000battery staple' },
        'password',
      ],
      [
        'login',
        'post',
        '/api/v1/auth/login',
        { email: 'nul\u0000@example.test', password: 'correct horse battery staple' },
        'email',
      ],
      [
        'login',
        'post',
        '/api/v1/auth/login',
        { email: 'nul@example.test', password: 'correct horse\u0000battery' },
        'password',
      ],
      ['PATCH /users/me', 'patch', '/api/v1/users/me', { displayName: 'Ada\u0000' }, 'displayName'],
      [
        'POST /auth/password',
        'post',
        '/api/v1/auth/password',
        { currentPassword: 'x\u0000', newPassword: 'a sturdy new passphrase' },
        'currentPassword',
      ],
    ] as const)('should answer one in %s (%s %s) with a 400 naming the field', async (_, method, path, body, field) => {
      const response = await sendJson(method, path, JSON.stringify(body), caller.tokens.accessToken);

      expectFieldErrors(response, [field]);
    });

    it('should answer one in a query parameter with a 400 naming it', async () => {
      const response = await api(app).get('/api/v1/users?search=ada%00').set(bearer(admin.tokens.accessToken));

      expectFieldErrors(response, ['search']);
    });

    it('should have changed nothing', async () => {
      const me = await api(app).get('/api/v1/users/me').set(bearer(caller.tokens.accessToken)).expect(200);
      expect(me.body).toMatchObject({ displayName: null });
    });
  });

  describe('over-long paths and URLs', () => {
    const long = 'x'.repeat(300);

    it.each([
      ['GET', `/api/v1/users/${long}`],
      ['PATCH', `/api/v1/users/${long}`],
      ['DELETE', `/api/v1/auth/sessions/${long}`],
      ['GET', `/api/v1/${long}/${long}`],
    ])('should answer %s of a 300-character segment with a 404 or 414 problem', async (method, path) => {
      const response = await api(app)
        [method.toLowerCase() as 'get' | 'patch' | 'delete'](path)
        .set(bearer(admin.tokens.accessToken));

      expect([404, 414]).toContain(response.status);
      expectProblem(response, response.status);
    });

    it('should answer a malformed percent-encoding in a path parameter with a 400 problem', async () => {
      const response = await api(app).get('/api/v1/users/%E0%A4%A').set(bearer(admin.tokens.accessToken));

      expectProblem(response, 400);
    });

    it('should answer a 20 000-character URL with a 414 problem', async () => {
      const { address, port } = app.getHttpServer().address() as { address: string; port: number };
      const response = await rawExchange(
        address,
        port,
        `GET /api/v1/users/${'x'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
      );

      expect(response.status).toBe(414);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.body)).toMatchObject({ status: 414, title: 'URI Too Long' });
    });

    it('should answer 20 000 bytes of headers with a 431 problem', async () => {
      const { address, port } = app.getHttpServer().address() as { address: string; port: number };
      const response = await rawExchange(
        address,
        port,
        `GET /health HTTP/1.1\r\nHost: a\r\nX-Pad: ${'x'.repeat(20_000)}\r\n\r\n`,
      );

      expect(response.status).toBe(431);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.body)).toMatchObject({ status: 431 });
    });
  });

  describe('malformed refresh tokens', () => {
    it.each([
      ['an access token', () => caller.tokens.accessToken],
      ['a 10 000-character string', () => 'r'.repeat(10_000)],
      ['a number', () => 42],
      ['null', () => null],
      ['an object', () => ({ token: 'x' })],
      ['an empty string', () => ''],
      ['a string with NUL', () => 'abc\u0000def'],
    ])('should answer %s with the one 401 of every failed refresh', async (_, value) => {
      const response = await api(app).post('/api/v1/auth/refresh').send({ refreshToken: value() });

      const body = expectProblem(response, 401);
      const unknown = expectProblem(
        await api(app)
          .post('/api/v1/auth/refresh')
          .send({ refreshToken: 'a'.repeat(43) }),
        401,
      );
      expect(body).toEqual(unknown);
    });
  });

  describe('routes that take no body', () => {
    it.each([
      ['/api/v1/auth/logout', 204],
      ['/api/v1/auth/logout-all', 204],
    ])('should accept an empty body declared as JSON on POST %s', async (path, status) => {
      const { tokens } = await registerAndLogin(app);

      await sendJson('post', path, '', tokens.accessToken).expect(status);
    });

    it('should accept an empty body declared as JSON on POST /admin/keys/rotate', async () => {
      await sendJson('post', '/api/v1/admin/keys/rotate', '', admin.tokens.accessToken).expect(201);
    });

    it('should still answer an empty JSON body with a 400 on a route that needs one', async () => {
      expectProblem(await sendJson('post', '/api/v1/auth/login', ''), 400);
    });
  });
});

describe('Bodies over the limit (e2e)', () => {
  const TIMES = 20;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const sendLarge = (bodyBytes: number, declared: string, readAfterBody = false) => {
    const { address, port } = app.getHttpServer().address() as { address: string; port: number };
    const head =
      `POST /api/v1/auth/register HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n` + `${declared}\r\n\r\n`;
    return rawExchange(address, port, head, {
      bodyBytes,
      chunked: declared.startsWith('Transfer-Encoding'),
      readAfterBody,
    });
  };

  // A client that reads while it sends (Node, curl) and one that sends the whole body first (Python's http.client).
  describe.each([
    ['reading while it sends', false],
    ['reading once the body is sent', true],
  ])('to a client %s', (_, readAfterBody) => {
    it.each([
      ['5 MiB declared in Content-Length', 5 * 1024 * 1024, false],
      ['1 MiB declared in Content-Length', 1024 * 1024, false],
      ['2 MiB in chunks', 2 * 1024 * 1024, true],
    ])(`should answer a body of %s with a complete 413 problem, ${TIMES} times in a row`, async (_, bytes, chunked) => {
      for (let run = 0; run < TIMES; run++) {
        const response = await sendLarge(
          bytes,
          chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bytes}`,
          readAfterBody,
        );

        expect({ run, status: response.status }).toEqual({ run, status: 413 });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(response.body)).toMatchObject({ status: 413 });
      }
    });
  });
});
