import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect } from 'node:net';
import { HTTP_TIMEOUTS_MS } from '../src/app.setup';
import { DEFAULT_PASSWORD, register } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api } from './utils/http';

const APP_ORIGIN = 'https://app.example.org';

/** A browser's preflight for a cross-origin login from `origin`. */
const preflight = (app: NestFastifyApplication, origin: string) =>
  api(app)
    .options('/api/v1/auth/login')
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'content-type, authorization');

describe('CORS with CORS_ORIGINS unset (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('should let no other site read an answer: no CORS header on a preflight or a request', async () => {
    const answers = [await preflight(app, APP_ORIGIN), await api(app).get('/health').set('Origin', APP_ORIGIN)];

    for (const answer of answers) {
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('CORS with CORS_ORIGINS set (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { CORS_ORIGINS: `${APP_ORIGIN},http://localhost:5173` } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer a listed origin’s preflight with that origin, the Authorization header and no credentials', async () => {
    const answer = await preflight(app, APP_ORIGIN);

    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': APP_ORIGIN,
      'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type, X-Request-Id',
      'access-control-max-age': '600',
    });
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    expect(answer.headers.vary).toMatch(/Origin/);
  });

  it('should let a listed origin read a login’s answer and its request id', async () => {
    const { email } = await register(app);

    const answer = await api(app)
      .post('/api/v1/auth/login')
      .set('Origin', 'http://localhost:5173')
      .send({ email, password: DEFAULT_PASSWORD })
      .expect(200);

    expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(answer.headers['access-control-expose-headers']).toBe('X-Request-Id, Retry-After, WWW-Authenticate');
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it.each(['https://evil.example', 'https://app.example.org.evil.example', 'http://app.example.org', 'null'])(
    'should give the unlisted origin %p no CORS header',
    async (origin) => {
      const answers = [await preflight(app, origin), await api(app).get('/health').set('Origin', origin)];

      for (const answer of answers) {
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      }
    },
  );
});

describe('HTTP timeouts (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it(
    'should answer 408 problem+json and close a connection whose headers never end (slowloris)',
    async () => {
      const { address, port } = app.getHttpServer().address() as { address: string; port: number };
      const socket = connect({ host: address, port });
      let timer: NodeJS.Timeout | undefined;
      try {
        socket.write('GET /health HTTP/1.1\r\nHost: a\r\nX-Slow: 1\r\n');
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        const closed = new Promise<string>((resolve) => socket.once('close', () => resolve('closed')));
        const bound = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('still open'), HTTP_TIMEOUTS_MS.headers + 5000);
        });

        expect(await Promise.race([closed, bound])).toBe('closed');
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(answer).toMatch(/\r\nContent-Type: application\/problem\+json/i);
      } finally {
        // Without the timeout the server would keep this socket, and the app's close would wait for it.
        socket.destroy();
        clearTimeout(timer);
      }
    },
    HTTP_TIMEOUTS_MS.headers + 10_000,
  );
});
