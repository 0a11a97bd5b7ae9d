import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KeyRing } from '../src/auth/keys/key-ring.service';
import { KeyRotationService } from '../src/auth/keys/key-rotation.service';
import { Clock } from '../src/common/clock';
import { ADMIN_ENV, login, loginAsAdmin, LoggedInUser, registerAndLogin, TokenBody } from './factories/users';
import { auditPage } from './utils/audit';
import { createTestApp, TEST_KEY_ENCRYPTION_SECRET } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { createTestDatabase, TestDatabase } from './utils/test-database';
import { api, bearer, expectProblem } from './utils/http';
import { expectAccessWorks, expectTokenRefused, getMe, kidOf, refresh } from './utils/sessions';

const ACCESS_TOKEN_TTL = 900;
const CLOCK_TOLERANCE = 1;
const CLI = join(__dirname, '..', 'dist', 'cli', 'keys.js');

async function jwksKids(app: NestFastifyApplication): Promise<string[]> {
  const response = await api(app).get('/.well-known/jwks.json').expect(200);
  return (response.body as { keys: { kid: string }[] }).keys.map((key) => key.kid).sort();
}

/** The published key that signs after the next rotation. */
function nextKidOf(app: NestFastifyApplication): string {
  return app.get(KeyRing).nextKey!.kid;
}

function rotate(app: NestFastifyApplication, accessToken?: string) {
  const request = api(app).post('/api/v1/admin/keys/rotate');
  return accessToken === undefined ? request : request.set(bearer(accessToken));
}

describe('Key rotation: POST /api/v1/admin/keys/rotate (e2e)', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;
  let admin: LoggedInUser;

  beforeAll(async () => {
    clock = new FakeClock();
    app = await createTestApp({
      env: ADMIN_ENV,
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    // Keys retired by an earlier test leave the ring once their window has passed...
    clock.set(new Date(Date.now() + 86_400_000));
    await app.get(KeyRotationService).maintain();
    // ...and tokens minted by the app are checked against the real time: every test starts there, as a fresh admin.
    clock.set(new Date());
    admin = await loginAsAdmin(app);
    expect(await jwksKids(app)).toEqual([kidOf(admin.tokens), nextKidOf(app)].sort());
  });

  it('should need a token (401) and the admin role (403)', async () => {
    const { tokens } = await registerAndLogin(app);
    const before = app.get(KeyRing).activeKey.kid;

    const anonymous = await rotate(app);
    expectProblem(anonymous, 401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await rotate(app, tokens.accessToken), 403);

    expect(app.get(KeyRing).activeKey.kid).toBe(before);
  });

  it('should answer 201 { kid }: old tokens keep working, new ones carry the new kid, the JWKS lists both', async () => {
    const user = await registerAndLogin(app);
    const oldKid = kidOf(user.tokens);
    const publishedBefore = await jwksKids(app);

    const response = await rotate(app, admin.tokens.accessToken).expect(201);

    const { kid } = response.body as { kid: string };
    expect(response.body).toEqual({ kid: expect.any(String) });
    expect(kid).not.toBe(oldKid);
    // The key that signs from now on was in the JWKS before the rotation.
    expect(publishedBefore).toContain(kid);
    await expectAccessWorks(app, user.tokens);
    await expectAccessWorks(app, admin.tokens);
    const fresh = await login(app, user.email, user.password);
    expect(kidOf(fresh)).toBe(kid);
    await expectAccessWorks(app, fresh);
    const renewed = (await refresh(app, user.tokens.refreshToken).expect(200)).body as TokenBody;
    expect(kidOf(renewed)).toBe(kid);
    expect(await jwksKids(app)).toEqual([oldKid, kid, nextKidOf(app)].sort());
  });

  it('should drop the old kid from the JWKS after the retirement window, and refuse its tokens', async () => {
    const user = await registerAndLogin(app);
    const oldKid = kidOf(user.tokens);
    const { kid: newKid } = (await rotate(app, admin.tokens.accessToken).expect(201)).body as { kid: string };

    // One second short of the window: the old key still verifies.
    clock.advanceSeconds(ACCESS_TOKEN_TTL + CLOCK_TOLERANCE - 1);
    await app.get(KeyRotationService).maintain();
    expect(await jwksKids(app)).toEqual([oldKid, newKid, nextKidOf(app)].sort());
    await expectAccessWorks(app, user.tokens);

    clock.advanceSeconds(2);
    await app.get(KeyRotationService).maintain();

    expect(await jwksKids(app)).toEqual([newKid, nextKidOf(app)].sort());
    expectTokenRefused(await getMe(app, user.tokens.accessToken));
    // Back at the real time, logins sign with the new key and work.
    clock.set(new Date());
    const fresh = await login(app, user.email, user.password);
    expect(kidOf(fresh)).toBe(newKid);
    await expectAccessWorks(app, fresh);
  });

  it('should keep verifying a key rotated out twice, and sign with the newest', async () => {
    const user = await registerAndLogin(app);
    const first = kidOf(user.tokens);
    const { kid: second } = (await rotate(app, admin.tokens.accessToken).expect(201)).body as { kid: string };
    // The fake clock stands still; two keys made in the same millisecond would tie on createdAt (see the report).
    clock.set(new Date(clock.now().getTime() + 1));
    const { kid: third } = (await rotate(app, admin.tokens.accessToken).expect(201)).body as { kid: string };

    expect(await jwksKids(app)).toEqual([first, second, third, nextKidOf(app)].sort());
    await expectAccessWorks(app, user.tokens);
    expect(kidOf(await login(app, user.email, user.password))).toBe(third);
  });

  it('should record key.rotated with the kid and the admin', async () => {
    const { kid } = (await rotate(app, admin.tokens.accessToken).expect(201)).body as { kid: string };

    const page = await auditPage(app, admin.tokens.accessToken, { type: 'key.rotated' });

    expect(page.items.find((event) => event.details?.kid === kid)).toMatchObject({
      type: 'key.rotated',
      actorId: admin.user.id,
      details: { kid, via: 'api' },
    });
  });
});

describe('Key revocation (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
  });

  afterAll(async () => {
    await app.close();
  });

  const revoke = (kid: string) => app.get(KeyRotationService).revoke(kid, { actorId: null, via: 'cli' });

  it('should refuse a revoked retired key’s tokens at once while new logins work', async () => {
    const user = await registerAndLogin(app);
    const compromised = kidOf(user.tokens);
    const { kid: active } = (await rotate(app, (await loginAsAdmin(app)).tokens.accessToken).expect(201)).body as {
      kid: string;
    };
    await expectAccessWorks(app, user.tokens);

    await revoke(compromised);

    expectTokenRefused(await getMe(app, user.tokens.accessToken));
    expect(await jwksKids(app)).toEqual([active, nextKidOf(app)].sort());
    const fresh = await login(app, user.email, user.password);
    expect(kidOf(fresh)).toBe(active);
    await expectAccessWorks(app, fresh);
    // The session itself is unaffected: its refresh token gives tokens from the active key.
    const renewed = (await refresh(app, user.tokens.refreshToken).expect(200)).body as TokenBody;
    expect(kidOf(renewed)).toBe(active);
    await expectAccessWorks(app, renewed);
  });

  it('should replace a revoked active key: its tokens fail, new tokens carry another kid', async () => {
    const user = await registerAndLogin(app);
    const compromised = app.get(KeyRing).activeKey.kid;
    expect(kidOf(user.tokens)).toBe(compromised);

    await revoke(compromised);

    expectTokenRefused(await getMe(app, user.tokens.accessToken));
    const fresh = await login(app, user.email, user.password);
    expect(kidOf(fresh)).not.toBe(compromised);
    expect(kidOf(fresh)).toBe(app.get(KeyRing).activeKey.kid);
    await expectAccessWorks(app, fresh);
    expect(await jwksKids(app)).not.toContain(compromised);
    expect(await jwksKids(app)).toContain(kidOf(fresh));
  });

  it('should replace a revoked next key: it leaves the JWKS, a new next key is published and signs after a rotation', async () => {
    const active = app.get(KeyRing).activeKey.kid;
    const compromised = nextKidOf(app);

    await revoke(compromised);

    const replacement = nextKidOf(app);
    expect(replacement).not.toBe(compromised);
    expect(await jwksKids(app)).toEqual([active, replacement].sort());
    const { kid } = (await rotate(app, (await loginAsAdmin(app)).tokens.accessToken).expect(201)).body as {
      kid: string;
    };
    expect(kid).toBe(replacement);
    expect(await jwksKids(app)).not.toContain(compromised);
  });

  it('should refuse to revoke an unknown or already revoked kid', async () => {
    const compromised = app.get(KeyRing).activeKey.kid;
    await revoke(compromised);

    await expect(revoke(compromised)).rejects.toThrow(/No usable signing key/);
    await expect(revoke('no-such-kid')).rejects.toThrow(/No usable signing key/);
  });

  it('should record key.revoked with the kid', async () => {
    const compromised = app.get(KeyRing).activeKey.kid;
    await revoke(compromised);

    const page = await auditPage(app, (await loginAsAdmin(app)).tokens.accessToken, { type: 'key.revoked' });

    expect(page.items.find((event) => event.details?.kid === compromised)).toMatchObject({
      type: 'key.revoked',
      actorId: null,
      details: { kid: compromised, via: 'cli' },
    });
  });
});

describe('Key rotation under HS256 (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { ...ADMIN_ENV, JWT_ALGORITHM: 'HS256' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should rotate the secret: old tokens keep working, new ones carry the new kid, the JWKS stays empty', async () => {
    const user = await registerAndLogin(app);
    const admin = await loginAsAdmin(app);

    const { kid } = (await rotate(app, admin.tokens.accessToken).expect(201)).body as { kid: string };

    expect(kid).not.toBe(kidOf(user.tokens));
    await expectAccessWorks(app, user.tokens);
    const fresh = await login(app, user.email, user.password);
    expect(kidOf(fresh)).toBe(kid);
    await expectAccessWorks(app, fresh);
    expect(await jwksKids(app)).toEqual([]);
  });

  it('should refuse the tokens of a revoked HS256 key at once', async () => {
    const user = await registerAndLogin(app);

    await app.get(KeyRotationService).revoke(kidOf(user.tokens), { actorId: null, via: 'cli' });

    expectTokenRefused(await getMe(app, user.tokens.accessToken));
    await expectAccessWorks(app, await login(app, user.email, user.password));
  });
});

describe('Key ring shared by instances on one database (e2e)', () => {
  let database: TestDatabase;
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...ADMIN_ENV, ...database.env };
    first = await createTestApp({ env });
    second = await createTestApp({ env });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await database?.drop();
  });

  it('should accept at once, on the other instance, a token signed with a key rotated in on this one', async () => {
    const user = await registerAndLogin(first);
    await expectAccessWorks(second, user.tokens);
    const { kid } = (await rotate(first, (await loginAsAdmin(first)).tokens.accessToken).expect(201)).body as {
      kid: string;
    };

    const fresh = await login(first, user.email, user.password);

    expect(kidOf(fresh)).toBe(kid);
    // The second instance has not read the ring since; meeting the unknown kid makes it look.
    await expectAccessWorks(second, fresh);
    await expectAccessWorks(second, user.tokens);
    await second.get(KeyRotationService).maintain();
    expect(kidOf(await login(second, user.email, user.password))).toBe(kid);
    expect(await jwksKids(second)).toEqual(await jwksKids(first));
  });

  it('should stop the other instance accepting a revoked key’s tokens at its next ring read', async () => {
    const user = await registerAndLogin(first);
    const compromised = kidOf(user.tokens);
    await expectAccessWorks(second, user.tokens);

    await first.get(KeyRotationService).revoke(compromised, { actorId: null, via: 'cli' });
    await second.get(KeyRotationService).maintain();

    expectTokenRefused(await getMe(second, user.tokens.accessToken));
    expect(kidOf(await login(second, user.email, user.password))).toBe(first.get(KeyRing).activeKey.kid);
  });
});

describe('Changing JWT_ALGORITHM across a restart (e2e)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('should start a key of the new algorithm: old tokens stop verifying, new logins work, HS256 publishes nothing', async () => {
    const rsa = await createTestApp({ env: database.env });
    let user: LoggedInUser;
    try {
      user = await registerAndLogin(rsa);
    } finally {
      await rsa.close();
    }

    const hmac = await createTestApp({ env: { ...database.env, JWT_ALGORITHM: 'HS256' } });
    try {
      expectTokenRefused(await getMe(hmac, user.tokens.accessToken));
      const fresh = await login(hmac, user.email, user.password);
      expect(kidOf(fresh)).not.toBe(kidOf(user.tokens));
      await expectAccessWorks(hmac, fresh);
      expect(await jwksKids(hmac)).toEqual([]);
    } finally {
      await hmac.close();
    }
  });
});

describe('Key rotation CLI: node dist/cli/keys.js (e2e)', () => {
  const built = existsSync(CLI);
  let database: TestDatabase | undefined;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    if (!built) {
      return;
    }
    database = await createTestDatabase();
    app = await createTestApp({ env: { ...ADMIN_ENV, ...database.env } });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  function runCli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          // The app's database (and, on PostgreSQL, its Redis and key prefix).
          ...database?.env,
          KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET,
          RATE_LIMIT_ENABLED: 'false',
        },
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

  // The CLI runs the compiled service; without `npx nest build` there is nothing to run.
  const itWhenBuilt = built ? it : it.skip;
  if (!built) {
    it.todo(`keys:rotate / keys:revoke CLI: skipped because ${CLI} does not exist (run \`npx nest build\` first)`);
  }

  itWhenBuilt(
    'should rotate from the CLI: the running instance signs with the new key, old tokens keep working',
    async () => {
      const user = await registerAndLogin(app);
      const oldKid = kidOf(user.tokens);

      const result = await runCli('rotate');

      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      const newKid = /New signing key: (\S+)/.exec(result.stdout)?.[1];
      expect(newKid).toEqual(expect.any(String));
      expect(newKid).not.toBe(oldKid);
      await app.get(KeyRotationService).maintain();
      const fresh = await login(app, user.email, user.password);
      expect(kidOf(fresh)).toBe(newKid);
      await expectAccessWorks(app, fresh);
      await expectAccessWorks(app, user.tokens);
      expect(await jwksKids(app)).toEqual([oldKid, newKid!, nextKidOf(app)].sort());
      const page = await auditPage(app, (await loginAsAdmin(app)).tokens.accessToken, { type: 'key.rotated' });
      expect(page.items).toEqual([expect.objectContaining({ actorId: null, details: { kid: newKid, via: 'cli' } })]);
    },
    30_000,
  );

  itWhenBuilt(
    'should revoke from the CLI: the running instance refuses that key’s tokens after its next ring read',
    async () => {
      const user = await registerAndLogin(app);
      const compromised = kidOf(user.tokens);

      const result = await runCli('revoke', compromised);

      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain(compromised);
      await app.get(KeyRotationService).maintain();
      expectTokenRefused(await getMe(app, user.tokens.accessToken));
      const fresh = await login(app, user.email, user.password);
      expect(kidOf(fresh)).not.toBe(compromised);
      await expectAccessWorks(app, fresh);
    },
    30_000,
  );
});
