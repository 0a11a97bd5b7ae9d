import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Database from 'better-sqlite3';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_MIGRATIONS } from '../src/database/migrations/sqlite';
import { COMMON_PASSWORD_PROBLEM } from '../src/passwords/password-policy';
import { newUser, TokenBody, UserBody } from './factories/users';
import { createTestApp, TEST_ISSUER, TEST_KEY_ENCRYPTION_SECRET } from './utils/create-test-app';
import { api } from './utils/http';
import { pollUntil } from './utils/poll';
import { onPostgres } from './utils/test-database';
import { freePort } from './utils/free-port';

const DIST = join(__dirname, '..', 'dist');
const BUNDLE = join(DIST, 'main.bundle.js');
const built = existsSync(BUNDLE);
// On PostgreSQL and Redis, the graceful-shutdown spec runs the built service.
const describeOnSqlite = onPostgres() ? describe.skip : describe;

// `npm run build` bundles the service and its dependencies into dist/main.bundle.js, which dist/main.fast.js starts
// with its code cache: this runs it as `npm run start:fast` does.
describeOnSqlite('The built service bundle: node dist/main.fast.js (e2e)', () => {
  if (!built) {
    it.todo(
      `the built service bundle: skipped because ${BUNDLE} does not exist (run \`npm run build\` first; CI builds)`,
    );
    return;
  }

  let workDir: string;
  let databaseFile: string;
  let child: ChildProcess;
  let exited: Promise<unknown>;
  let output = '';
  let baseUrl: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'bastion-bundle-'));
    databaseFile = join(workDir, 'app.sqlite');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [join(DIST, 'main.fast.js')], {
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        SMTP_URL: 'none',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: `sqlite:${databaseFile}`,
        KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET,
        JWT_ISSUER: TEST_ISSUER,
        SWAGGER_ENABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => child.once('exit', resolve));
    await pollUntil(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`The service exited with ${child.exitCode}:\n${output}`);
        }
        return (await fetch(`${baseUrl}/health/live`).catch(() => null))?.status === 200;
      },
      { deadlineMs: 20_000, intervalMs: 50, what: 'the built service answering GET /health/live' },
      () => output,
    );
  }, 30_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    await exited;
    rmSync(workDir, { recursive: true, force: true });
  });

  it('should have applied every migration at start-up', () => {
    const database = new Database(databaseFile, { readonly: true });
    try {
      const applied = database.prepare('SELECT name FROM migrations ORDER BY id').pluck().all();
      const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();

      expect(applied).toEqual(SQLITE_MIGRATIONS.map((migration) => migration.name));
      expect(tables).toEqual(
        expect.arrayContaining(['users', 'sessions', 'refresh_tokens', 'signing_keys', 'revocations', 'audit_events']),
      );
    } finally {
      database.close();
    }
  });

  it('should register, log in and answer GET /api/v1/users/me with the access token', async () => {
    const user = newUser();
    const post = (path: string, body: unknown) =>
      fetch(`${baseUrl}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await post('/auth/register', user)).status).toBe(201);
    const login = await post('/auth/login', { email: user.email, password: user.password });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as TokenBody;
    const me = await fetch(`${baseUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });

    expect(me.status).toBe(200);
    expect(((await me.json()) as UserBody).email).toBe(user.email);
  });

  it('should refuse a common password: the list is in the bundle', async () => {
    const response = await fetch(`${baseUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(newUser({ password: 'Password123' })),
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown }).errors).toEqual([
      { field: 'password', message: `password ${COMMON_PASSWORD_PROBLEM}` },
    ]);
  });

  it('should serve Swagger UI at /docs with its assets, which are read from node_modules', async () => {
    const page = await fetch(`${baseUrl}/docs`);
    const script = await fetch(`${baseUrl}/docs/swagger-ui-bundle.js`);
    const styles = await fetch(`${baseUrl}/docs/swagger-ui.css`);

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    expect([script.status, script.headers.get('content-type')]).toEqual([200, expect.stringContaining('javascript')]);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect([styles.status, styles.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/css')]);
  });

  it('should serve at /docs-json the OpenAPI document the app serves from its sources', async () => {
    let app: NestFastifyApplication | undefined;
    try {
      app = await createTestApp({ env: { SWAGGER_ENABLED: 'true' } });
      const fromSources = (await api(app).get('/docs-json').expect(200)).body as unknown;
      const bundled = await fetch(`${baseUrl}/docs-json`);

      expect(bundled.status).toBe(200);
      expect(await bundled.json()).toEqual(fromSources);
    } finally {
      await app?.close();
    }
  });
});
