import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newUser } from './factories/users';
import { TEST_KEY_ENCRYPTION_SECRET } from './utils/create-test-app';
import { freePort } from './utils/free-port';
import { totpCode } from './utils/mfa';
import { pollUntil } from './utils/poll';
import { SmtpSink } from './utils/smtp-sink';
import { createTestDatabase, TestDatabase } from './utils/test-database';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const FAST = join(__dirname, '..', 'dist', 'main.fast.js');
const built = existsSync(MAIN) && existsSync(FAST);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const REQUEST_LINE_FIELDS = ['durationMs', 'level', 'method', 'msg', 'requestId', 'route', 'status', 'time', 'userId'];

interface Answer {
  status: number;
  body: Record<string, unknown>;
  requestId: string | null;
}

/**
 * The built service as production runs it (NODE_ENV=production, LOG_FORMAT left to its default), its stdout and
 * stderr captured: the log is tested as an operator's aggregator would receive it.
 */
describe('Logs (e2e)', () => {
  let child: ChildProcess;
  let database: TestDatabase;
  let sink: SmtpSink;
  let base: string;
  let stdout = '';
  let stderr = '';
  /** Every credential the flow below sends or receives; none may reach the log. */
  const secrets = new Set<string>();

  async function call(
    method: string,
    path: string,
    { body, token, headers = {} }: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    if (token) {
      secrets.add(`Bearer ${token}`);
    }
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      requestId: response.headers.get('x-request-id'),
    };
  }

  function keep(...values: unknown[]): void {
    for (const value of values) {
      expect(typeof value).toBe('string');
      secrets.add(value as string);
    }
  }

  function logLines(): Record<string, unknown>[] {
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The request line with this id, once the service has written it (onResponse runs after the answer is sent). */
  async function requestLine(requestId: string): Promise<Record<string, unknown>> {
    const find = () => logLines().find((line) => line.requestId === requestId);
    await pollUntil(() => Promise.resolve(find() !== undefined), { deadlineMs: 5000, what: `log line ${requestId}` });
    return find()!;
  }

  /** The token of the link to this page in a mail the sink received. */
  async function mailedToken(to: string, page: string): Promise<string> {
    const pattern = new RegExp(`/${page}#token=([^\\s"<]+)`);
    const find = () => sink.mailsTo(to).find((mail) => pattern.test(mail.text));
    await pollUntil(() => Promise.resolve(find() !== undefined), { deadlineMs: 10_000, what: `a ${page} mail` });
    return decodeURIComponent(pattern.exec(find()!.text)![1]);
  }

  beforeAll(async () => {
    if (!built) {
      return;
    }
    sink = await SmtpSink.start();
    database = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET,
        JWT_ISSUER: base,
        SMTP_URL: sink.url,
        RATE_LIMIT_ENABLED: 'false',
        // The most the service can say: a secret in any debug line would show here.
        LOG_LEVEL: 'trace',
        ...database.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await pollUntil(
      async () => child.exitCode === null && (await fetch(`${base}/health/live`).catch(() => null))?.status === 200,
      { deadlineMs: 30_000, what: 'the service answering /health/live' },
      () => stdout + stderr,
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await sink?.close();
    await database?.drop();
  });

  (built ? it : it.skip)(
    'should write no password, token, code or secret of a full flow, in JSON lines only',
    async () => {
      const user = newUser();
      keep(user.password);
      expect((await call('POST', '/api/v1/auth/register', { body: user })).status).toBe(201);

      const login = await call('POST', '/api/v1/auth/login', { body: user });
      expect(login.status).toBe(200);
      keep(login.body.accessToken, login.body.refreshToken, login.body.deviceToken);

      const refreshed = await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      expect(refreshed.status).toBe(200);
      keep(refreshed.body.accessToken, refreshed.body.refreshToken);
      const me = await call('GET', '/api/v1/users/me', { token: refreshed.body.accessToken as string });
      expect(me.status).toBe(200);
      const verificationToken = await mailedToken(user.email, 'verify-email');
      keep(verificationToken);
      const verify = await call('POST', '/api/v1/auth/email/verify', { body: { token: verificationToken } });
      expect(verify.status).toBe(204);

      const changedPassword = `${user.password} changed`;
      keep(changedPassword);
      const change = await call('POST', '/api/v1/auth/password', {
        token: refreshed.body.accessToken as string,
        body: { currentPassword: user.password, newPassword: changedPassword },
      });
      expect(change.status).toBe(204);

      expect((await call('POST', '/api/v1/auth/password/forgot', { body: { email: user.email } })).status).toBe(202);
      const resetToken = await mailedToken(user.email, 'reset-password');
      const resetPassword = `${user.password} reset`;
      keep(resetToken, resetPassword);
      const reset = await call('POST', '/api/v1/auth/password/reset', {
        body: { token: resetToken, newPassword: resetPassword },
      });
      expect(reset.status).toBe(204);

      const again = await call('POST', '/api/v1/auth/login', {
        body: { email: user.email, password: resetPassword, deviceToken: login.body.deviceToken },
      });
      expect(again.status).toBe(200);
      keep(again.body.accessToken, again.body.refreshToken, again.body.deviceToken);
      const setup = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: again.body.accessToken as string });
      expect(setup.status).toBe(200);
      keep(setup.body.secret, setup.body.otpauthUri);
      const code = totpCode(setup.body.secret as string, new Date());
      keep(code);
      const confirmed = await call('POST', '/api/v1/auth/mfa/totp/confirm', {
        token: again.body.accessToken as string,
        body: { password: resetPassword, code },
      });
      expect(confirmed.status).toBe(200);
      const recoveryCodes = confirmed.body.recoveryCodes as string[];
      keep(...recoveryCodes);

      const step = await call('POST', '/api/v1/auth/login', {
        body: { email: user.email, password: resetPassword },
      });
      expect(step.body.mfaRequired).toBe(true);
      keep(step.body.mfaToken);
      const verified = await call('POST', '/api/v1/auth/mfa/verify', {
        body: { mfaToken: step.body.mfaToken, recoveryCode: recoveryCodes[0] },
      });
      expect(verified.status).toBe(200);
      keep(verified.body.accessToken, verified.body.refreshToken, verified.body.deviceToken);

      // Refused credentials and a token in a query string must not show either.
      const wrong = 'a wrong password 12345';
      keep(wrong);
      expect((await call('POST', '/api/v1/auth/login', { body: { email: user.email, password: wrong } })).status).toBe(
        401,
      );
      const forged = `forged.${randomUUID()}.token`;
      keep(forged);
      expect((await call('GET', '/api/v1/users/me', { token: forged })).status).toBe(401);
      expect((await call('GET', `/health/live?token=${resetToken}`)).status).toBe(400);

      const lastId = (await call('GET', '/health/live')).requestId!;
      await requestLine(lastId);
      const log = stdout + stderr;
      const leaked = [...secrets].filter((secret) => log.includes(secret) || log.includes(encodeURIComponent(secret)));
      expect(leaked).toEqual([]);
      expect(stderr).toBe('');
      expect(() => logLines()).not.toThrow();
      expect(log).not.toContain('\u001b[');
    },
  );

  (built ? it : it.skip)('should write one line per request with exactly the fields of the contract', async () => {
    const user = newUser();
    await call('POST', '/api/v1/auth/register', { body: user });
    const login = await call('POST', '/api/v1/auth/login', { body: user });
    const me = await call('GET', '/api/v1/users/me', { token: login.body.accessToken as string });

    const line = await requestLine(me.requestId!);

    expect(Object.keys(line).sort()).toEqual(REQUEST_LINE_FIELDS);
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/api/v1/users/me',
      status: 200,
      userId: me.body.id,
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(logLines().filter((entry) => entry.requestId === me.requestId)).toHaveLength(1);
  });

  (built ? it : it.skip)('should keep a safe incoming X-Request-Id and replace any other', async () => {
    const kept = await call('GET', '/health/live', { headers: { 'X-Request-Id': 'client-7:retry.2_a' } });
    const tooLong = await call('GET', '/health/live', { headers: { 'X-Request-Id': 'x'.repeat(129) } });
    const unsafe = await call('GET', '/nowhere', { headers: { 'X-Request-Id': 'id"} {"level":"fatal' } });
    const none = await call('GET', '/health/live');

    expect(kept.requestId).toBe('client-7:retry.2_a');
    for (const made of [tooLong, unsafe, none]) {
      expect(made.requestId).toMatch(UUID);
    }
    expect(unsafe.status).toBe(404);
    expect(await requestLine(kept.requestId!)).toMatchObject({ route: '/health/live', status: 200 });
    expect(await requestLine(unsafe.requestId!)).toMatchObject({ route: null, status: 404 });
    expect(stdout).not.toContain('level":"fatal');
  });

  (built ? it : it.skip)('should name the address it is bound to', () => {
    expect(logLines()).toContainEqual(
      expect.objectContaining({ context: 'Bastion', msg: expect.stringMatching(`^Listening on ${base}$`) }),
    );
  });
});

/** The bundle loads pino-pretty itself (it is required only for LOG_FORMAT=pretty) and names the address it binds. */
describe('Pretty logs from the bundle (e2e)', () => {
  (built ? it : it.skip)('should write plain text and name 0.0.0.0 when bound to it', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const child = spawn(process.execPath, [FAST], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        HOST: '0.0.0.0',
        PORT: String(port),
        KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET,
        ...database.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await pollUntil(
        () => Promise.resolve(output.includes('Listening on') || child.exitCode !== null),
        { deadlineMs: 30_000, what: 'the start-up line' },
        () => output,
      );
      const request = await fetch(`http://127.0.0.1:${port}/health/live`);
      await pollUntil(() => Promise.resolve(output.includes('GET /health/live 200')), {
        deadlineMs: 5000,
        what: 'the request line',
      });

      expect(output).toMatch(
        new RegExp(`INFO: \\[Bastion\\] Listening on http://0\\.0\\.0\\.0:${port} \\(Swagger UI at /docs\\)\n`),
      );
      expect(output).toContain(`"requestId":"${request.headers.get('x-request-id')}"`);
      expect(output).not.toContain('\u001b[');
      expect(output).not.toMatch(/^\{"level"/m);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await database.drop();
    }
  });
});
