import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_ENV, login, loginAsAdmin, LoggedInUser, registerAndLogin } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { freePort } from './utils/free-port';
import { api, bearer } from './utils/http';
import { decodeJwt, encodePart, signWithAppKey } from './utils/jwt';
import { kidOf } from './utils/sessions';

const EXAMPLE_DIR = join(__dirname, '..', 'examples', 'resource-server');
const WAYS = ['local', 'remote'] as const;
type Way = (typeof WAYS)[number];

interface Example {
  url: string;
  stop(): Promise<void>;
}

/** `node server.js` of the example, pointed at this issuer and nothing else, once it says where it listens. */
async function startExample(issuer: string): Promise<Example> {
  if (!existsSync(join(EXAMPLE_DIR, 'node_modules', 'express-oauth2-jwt-bearer'))) {
    throw new Error('examples/resource-server has no node_modules: run `npm ci --prefix examples/resource-server`');
  }
  const child: ChildProcess = spawn(process.execPath, ['server.js'], {
    cwd: EXAMPLE_DIR,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', BASTION_ISSUER: issuer, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The example did not start within 10 s:\n${output}`)), 10_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/\S+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The example exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

describe('The example resource server against a live Bastion (e2e)', () => {
  let app: NestFastifyApplication;
  let example: Example;

  /** The example's answer to this access token (none: no Authorization header) on its route of `way`. */
  const whoami = (way: Way, accessToken?: string) =>
    fetch(`${example.url}/whoami/${way}`, { headers: accessToken === undefined ? {} : bearer(accessToken) });

  async function expectAccepted(way: Way, accessToken: string, user: LoggedInUser['user']): Promise<void> {
    const response = await whoami(way, accessToken);
    expect({ way, status: response.status, body: await response.json() }).toEqual({
      way,
      status: 200,
      body: { via: way, sub: user.id, roles: user.roles },
    });
  }

  async function expectRefused(way: Way, accessToken?: string): Promise<void> {
    const response = await whoami(way, accessToken);
    expect({ way, status: response.status }).toEqual({ way, status: 401 });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  }

  beforeAll(async () => {
    // The example knows only the issuer URL, so the issuer must be where this Bastion really answers.
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    app = await createTestApp({ port, env: { ...ADMIN_ENV, JWT_ISSUER: issuer } });
    example = await startExample(issuer);
  });

  afterAll(async () => {
    await example?.stop();
    await app?.close();
  });

  it.each(WAYS)('should accept a fresh access token (%s)', async (way) => {
    const { user, tokens } = await registerAndLogin(app);

    await expectAccepted(way, tokens.accessToken, user);
  });

  describe.each(WAYS)('refusing tokens (%s)', (way) => {
    let token: string;

    beforeAll(async () => {
      token = (await registerAndLogin(app)).tokens.accessToken;
    });

    it('should refuse a request without a token', async () => {
      await expectRefused(way);
    });

    it('should refuse a token whose claims were changed after signing', async () => {
      const [header, , signature] = token.split('.');
      const { claims } = decodeJwt(token);

      await expectRefused(way, `${header}.${encodePart({ ...claims, roles: ['user', 'admin'] })}.${signature}`);
    });

    it.each([
      ['expired', (now: number) => ({ iat: now - 1000, nbf: now - 1000, exp: now - 100 })],
      ['for another audience', () => ({ aud: 'another-api' })],
    ])("should refuse a token signed by Bastion's own key but %s", async (_what, change) => {
      const { header, claims } = decodeJwt(token);

      await expectRefused(way, signWithAppKey(app, header, { ...claims, ...change(Math.floor(Date.now() / 1000)) }));
    });
  });

  it('should accept, both ways, the first token signed after a rotation, with the keys it fetched before', async () => {
    const { user, email, password, tokens } = await registerAndLogin(app);
    await expectAccepted('local', tokens.accessToken, user);
    const admin = await loginAsAdmin(app);

    const rotated = await api(app).post('/api/v1/admin/keys/rotate').set(bearer(admin.tokens.accessToken)).expect(201);
    const first = await login(app, email, password);

    expect(kidOf(first)).toBe((rotated.body as { kid: string }).kid);
    expect(kidOf(first)).not.toBe(kidOf(tokens));
    for (const way of WAYS) {
      await expectAccepted(way, first.accessToken, user);
    }
  });

  it('should still accept a logged-out token locally until it expires, while Bastion refuses it at once', async () => {
    const { user, tokens } = await registerAndLogin(app);
    await expectAccepted('remote', tokens.accessToken, user);

    await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);

    await expectAccepted('local', tokens.accessToken, user);
    await expectRefused('remote', tokens.accessToken);
  });
});
