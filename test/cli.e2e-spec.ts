import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRing } from '../src/auth/keys/key-ring.service';
import { Clock } from '../src/common/clock';
import { LOGIN_LIMITS } from '../src/throttle/limits';
import { FakeClock } from './doubles/fake-clock';
import {
  ADMIN_ENV,
  DEFAULT_PASSWORD,
  login,
  loginAsAdmin,
  register,
  registerAndLogin,
  UserBody,
} from './factories/users';
import { auditPage } from './utils/audit';
import { createTestApp, TEST_KEY_ENCRYPTION_SECRET } from './utils/create-test-app';
import { api, bearer, expectProblem, fromAddress } from './utils/http';
import { pollUntil } from './utils/poll';
import { loginToMfaStep, mfa, totpCode } from './utils/mfa';
import { getMe, kidOf, refresh } from './utils/sessions';
import { createTestDatabase, onPostgres, TestDatabase } from './utils/test-database';
import { SmtpSink } from './utils/smtp-sink';

const LAUNCHER = join(__dirname, '..', 'scripts', 'cli.mjs');
const BUILT = existsSync(join(__dirname, '..', 'dist', 'cli', 'keys-list.js'));
const NEW_PASSWORD = 'a new and rather long passphrase';
/** Nothing listens on port 1: the connection is refused at once. */
const UNREACHABLE_DATABASE = 'postgres://postgres@127.0.0.1:1/bastion';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node scripts/cli.mjs <command> …`, as `npm run` starts it, with stdin that is not a terminal. */
function runCli(launcher: string, env: Record<string, string>, command: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, command, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A failure as an operator must see it: exit 1, nothing on stdout, one line on stderr, no stack trace. */
function expectOneLineFailure(result: CliResult, says: string | RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
  expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(says)]);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('The operations CLI: node scripts/cli.mjs (e2e)', () => {
  it('should say to build first, in one line, when dist/ holds no build', async () => {
    const checkout = mkdtempSync(join(tmpdir(), 'bastion-unbuilt-'));
    try {
      mkdirSync(join(checkout, 'scripts'));
      copyFileSync(LAUNCHER, join(checkout, 'scripts', 'cli.mjs'));

      const result = await runCli(join(checkout, 'scripts', 'cli.mjs'), {}, 'keys', 'rotate');

      expectOneLineFailure(result, /run npm run build first$/);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});

(BUILT ? describe : describe.skip)('The operations CLI against a running instance (e2e)', () => {
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let cliEnv: Record<string, string>;

  const cli = (command: string, ...args: string[]) => runCli(LAUNCHER, cliEnv, command, ...args);
  const cliWithPassword = (password: string, command: string, email: string) =>
    runCli(LAUNCHER, { ...cliEnv, BASTION_PASSWORD: password }, command, email);

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createTestApp({ env: { ...ADMIN_ENV, ...database.env } });
    cliEnv = {
      NODE_ENV: 'test',
      ...database.env,
      KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET,
      RATE_LIMIT_ENABLED: 'false',
    };
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  async function auditOf(type: string, userId: string) {
    const admin = await loginAsAdmin(app);
    return (await auditPage(app, admin.tokens.accessToken, { type, userId })).items;
  }

  async function expectAccessRefusedSoon(accessToken: string): Promise<void> {
    // Another process made the change: Redis tells this instance at once, without it the next read (2 s) does.
    await pollUntil(async () => (await getMe(app, accessToken)).status === 401, {
      deadlineMs: 5000,
      what: 'the access token of an ended session is refused',
    });
  }

  it('should list the active and the next key, as a table and as JSON', async () => {
    const signing = kidOf((await registerAndLogin(app)).tokens);
    const next = app.get(KeyRing).nextKey!.kid;

    const table = await cli('keys-list');
    const json = await cli('keys-list', '--json');

    expect({ code: table.code, stderr: table.stderr }).toEqual({ code: 0, stderr: '' });
    expect(table.stdout.split('\n')[0]).toMatch(/^KID\s+ALGORITHM\s+STATE\s+CREATED\s+RETIRES AT$/);
    expect(table.stdout).toMatch(
      new RegExp(`^${signing}\\s+RS256\\s+active\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\\s+-$`, 'm'),
    );
    expect(table.stdout).toMatch(new RegExp(`^${next}\\s+RS256\\s+next\\s+\\S+\\s+-$`, 'm'));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(
      expect.arrayContaining([
        { kid: signing, algorithm: 'RS256', state: 'active', createdAt: expect.any(String), retiresAt: null },
        { kid: next, algorithm: 'RS256', state: 'next', createdAt: expect.any(String), retiresAt: null },
      ]),
    );
  }, 30_000);

  it('should create an admin who can log in, and record it', async () => {
    const email = `ops-admin-${Date.now()}@example.test`;

    const result = await cliWithPassword(NEW_PASSWORD, 'create-admin', email.toUpperCase());

    expect(result).toEqual({ code: 0, stdout: `Created the admin account ${email}.\n`, stderr: '' });
    const tokens = await login(app, email, NEW_PASSWORD);
    const me = (await getMe(app, tokens.accessToken).expect(200)).body as UserBody;
    expect(me.roles).toEqual(['admin', 'user']);
    expect(await auditOf('user.admin-created', me.id)).toEqual([
      expect.objectContaining({ actorId: null, details: { via: 'cli', roles: ['admin', 'user'] } }),
    ]);
  }, 30_000);

  it('should make an existing account admin only with its own password, and never enable it', async () => {
    const user = await registerAndLogin(app);

    const wrong = await cliWithPassword(NEW_PASSWORD, 'create-admin', user.email);
    expectOneLineFailure(wrong, /^users:create-admin: an account with the email .* is not its password/);
    expect(((await getMe(app, user.tokens.accessToken)).body as UserBody).roles).toEqual(['user']);

    const admin = await loginAsAdmin(app);
    await api(app)
      .patch(`/api/v1/users/${user.user.id}`)
      .set(bearer(admin.tokens.accessToken))
      .send({ disabled: true })
      .expect(200);
    const promoted = await cliWithPassword(DEFAULT_PASSWORD, 'create-admin', user.email);

    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toMatch(new RegExp(`^Made ${user.email} an admin.*disabled and stays so`));
    const after = await api(app).get(`/api/v1/users/${user.user.id}`).set(bearer(admin.tokens.accessToken));
    expect(after.body).toMatchObject({ roles: ['admin', 'user'], disabled: true });
    expect(await auditOf('user.roles-changed', user.user.id)).toEqual([
      expect.objectContaining({ actorId: null, details: { via: 'cli', roles: ['admin', 'user'] } }),
    ]);
  }, 30_000);

  it('should set a password: the old one fails, live sessions end, the new one logs in, the owner is told', async () => {
    const user = await registerAndLogin(app);
    const sink = await SmtpSink.start();
    try {
      const result = await runCli(
        LAUNCHER,
        { ...cliEnv, SMTP_URL: sink.url, BASTION_PASSWORD: NEW_PASSWORD },
        'set-password',
        user.email,
      );

      expect(result).toEqual({
        code: 0,
        stdout:
          `Set a new password for ${user.email} and ended every session of the account. ` +
          `A notice is mailed to its owner. ${throttleOutcome()}\n`,
        stderr: '',
      });
      const notice = await sink.waitForMail(user.email, 1, 'Your password was changed');
      expect(notice.text).toContain('was just set by an administrator');
    } finally {
      await sink.close();
    }
    expectProblem(await refresh(app, user.tokens.refreshToken), 401);
    await expectAccessRefusedSoon(user.tokens.accessToken);
    expectProblem(await api(app).post('/api/v1/auth/login').send({ email: user.email, password: user.password }), 401);
    await login(app, user.email, NEW_PASSWORD);
    expect(await auditOf('password.changed', user.user.id)).toEqual([
      expect.objectContaining({ actorId: null, details: { via: 'cli' } }),
    ]);
  }, 30_000);

  /** What users:set-password says of the account's failed logins: in Redis it can forget them, in memory it cannot. */
  function throttleOutcome(): string {
    return database.env.REDIS_URL
      ? 'The failed logins against the account were forgotten.'
      : "Failed logins are counted in the service's memory (no REDIS_URL): any delay they cause runs out by itself.";
  }

  it('should turn two-factor sign-in off for an owner who lost every factor, end its sessions, tell the owner', async () => {
    const user = await registerAndLogin(app);
    const { secret } = (await mfa.setup(app, user.tokens.accessToken).expect(200)).body as { secret: string };
    await mfa.confirm(app, user.tokens.accessToken, totpCode(secret, new Date()), user.password).expect(200);
    await loginToMfaStep(app, user.email, user.password);
    const sink = await SmtpSink.start();
    try {
      const result = await runCli(LAUNCHER, { ...cliEnv, SMTP_URL: sink.url }, 'disable-mfa', user.email);

      expect(result).toEqual({
        code: 0,
        stdout:
          `Turned two-factor sign-in off for ${user.email} and ended every session of the account. ` +
          'A notice is mailed to its owner.\n',
        stderr: '',
      });
      const notice = await sink.waitForMail(user.email, 1, 'Two-factor sign-in was turned off');
      expect(notice.text).toContain('An administrator just turned two-factor sign-in off');
    } finally {
      await sink.close();
    }
    expectProblem(await refresh(app, user.tokens.refreshToken), 401);
    await expectAccessRefusedSoon(user.tokens.accessToken);
    expect(await login(app, user.email, user.password)).toHaveProperty('accessToken');
    expect(await auditOf('mfa.disabled', user.user.id)).toEqual([
      expect.objectContaining({ actorId: null, details: { via: 'cli' } }),
    ]);
    expectOneLineFailure(
      await cli('disable-mfa', user.email),
      `users:disable-mfa: two-factor sign-in is not on for ${user.email}; nothing was changed`,
    );
  }, 30_000);

  it('should end every session of a user at once, and record it', async () => {
    const user = await registerAndLogin(app);
    const second = await login(app, user.email, user.password);

    const result = await cli('revoke-user-sessions', user.email);

    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      `Ended every session of ${user.email}: its refresh and access tokens stop working at once.\n`,
    );
    expectProblem(await refresh(app, user.tokens.refreshToken), 401);
    expectProblem(await refresh(app, second.refreshToken), 401);
    await expectAccessRefusedSoon(second.accessToken);
    await login(app, user.email, user.password);
    expect(await auditOf('logout-all', user.user.id)).toEqual([
      expect.objectContaining({ actorId: null, details: { via: 'cli' } }),
    ]);
  }, 30_000);

  it('should fail in one line for an unknown user, a refused or missing password and a usage error', async () => {
    const unknown = 'nobody-at-all@example.test';

    expectOneLineFailure(
      await cli('revoke-user-sessions', unknown),
      `sessions:revoke-user: no account has the email ${unknown}`,
    );
    expectOneLineFailure(
      await cliWithPassword(NEW_PASSWORD, 'set-password', unknown),
      `users:set-password: no account has the email ${unknown}`,
    );
    expectOneLineFailure(
      await cliWithPassword('password', 'create-admin', unknown),
      /^users:create-admin: the password is one of the 10 000 most common passwords/,
    );
    expectOneLineFailure(await cli('set-password', unknown), /^users:set-password: no password: set BASTION_PASSWORD/);
    expectOneLineFailure(await cli('create-admin'), /^users:create-admin: usage: /);
    expectOneLineFailure(await cli('keys', 'revoke', 'no-such-kid'), /^keys:revoke: No usable signing key/);
  }, 60_000);

  it('should fail in one line, naming DATABASE_URL, when the database is unreachable', async () => {
    const result = await runCli(LAUNCHER, { ...cliEnv, DATABASE_URL: UNREACHABLE_DATABASE }, 'keys-list');

    expectOneLineFailure(result, /^keys:list: DATABASE_URL: cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
  }, 30_000);
});

// Its own app, last: every app made in this process replaces the one passport strategy that all of them use.
(BUILT && onPostgres() ? describe : describe.skip)('users:set-password and the login throttle in Redis (e2e)', () => {
  const cliEnv = { NODE_ENV: 'test', KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET };

  it('should let an owner held back by failed logins from many clients sign in once a password is set', async () => {
    // A frozen clock keeps the account's delay from running out while the command runs.
    const clock = new FakeClock();
    const own = await createTestDatabase();
    const throttled = await createTestApp({
      env: { ...own.env, RATE_LIMIT_ENABLED: 'true' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    try {
      const { email } = await register(throttled);
      const loginFrom = (address: string, password: string) =>
        api(throttled).post('/api/v1/auth/login').agent(fromAddress(address)).send({ email, password });
      for (let client = 1; client <= 12; client += 1) {
        for (let guess = 0; guess < LOGIN_LIMITS.pair; guess += 1) {
          await loginFrom(`127.0.0.${100 + client}`, 'a guess at the password');
        }
      }
      expectProblem(await loginFrom('127.0.0.150', DEFAULT_PASSWORD), 429);

      const result = await runCli(
        LAUNCHER,
        { ...cliEnv, ...own.env, BASTION_PASSWORD: NEW_PASSWORD },
        'set-password',
        email,
      );

      expect(result.stdout).toContain('The failed logins against the account were forgotten.');
      await loginFrom('127.0.0.150', NEW_PASSWORD).expect(200);
    } finally {
      await throttled.close();
      await own.drop();
    }
  }, 60_000);
});
