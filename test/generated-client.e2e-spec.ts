import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp } from './utils/create-test-app';

const run = promisify(execFile);
const EXAMPLE_DIR = join(__dirname, '..', 'examples', 'generated-client');
// Generation and a type check of the client take a few seconds each on a busy machine.
const TIMEOUT_MS = 120_000;

/** `npm run <script>` of the example, as a consumer of openapi.json runs it. */
function npmRun(script: string, env: Record<string, string> = {}): Promise<{ stdout: string }> {
  return run('npm', ['run', '--silent', script], {
    cwd: EXAMPLE_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: TIMEOUT_MS,
  });
}

describe('A client generated from openapi.json (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    if (!existsSync(join(EXAMPLE_DIR, 'node_modules', 'openapi-typescript'))) {
      throw new Error('examples/generated-client has no node_modules: run `npm ci --prefix examples/generated-client`');
    }
    app = await createTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it(
    'should generate with openapi-typescript, compile under --strict and run the session flow with openapi-fetch',
    async () => {
      await npmRun('generate');
      await npmRun('build');
      const { stdout } = await npmRun('flow', { BASTION_URL: await app.getUrl() });

      expect(stdout.trim().split('\n')).toEqual([
        'ok register',
        'ok login',
        'ok me',
        'ok refresh',
        'ok logout',
        'ok refresh after logout is 401',
      ]);
    },
    TIMEOUT_MS,
  );
});
