import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_KEY_ENCRYPTION_SECRET } from './utils/create-test-app';
import { onPostgres } from './utils/test-database';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const built = existsSync(MAIN);
/** A liveness bound for a process that must give up on its own, far above what it needs. */
const EXIT_WITHIN_MS = 20_000;
// Nest's logger colours its output.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const TIMEOUT = EXIT_WITHIN_MS + 5000;

interface Outcome {
  code: number | null;
  stderr: string[];
  stdout: string;
  ms: number;
}

/** `node dist/main.js` with only these variables (and PATH), until it exits on its own or prints `stopAt`. */
function run(env: Record<string, string>, stopAt?: string): Promise<Outcome> {
  const workDir = mkdtempSync(join(tmpdir(), 'bastion-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', DATA_DIR: workDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stopAt && stdout.includes(stopAt)) {
      child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Still running after ${EXIT_WITHIN_MS} ms:\n${stdout}\n${stderr}`));
    }, EXIT_WITHIN_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rmSync(workDir, { recursive: true, force: true });
      const lines = stderr.replace(ANSI, '').split('\n').filter(Boolean);
      resolve({ code, stderr: lines, stdout, ms: performance.now() - started });
    });
  });
}

/** A file of plain text, where a database is expected. */
function textFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bastion-not-a-db-')), 'notes.txt');
  writeFileSync(file, 'not a database, only some notes\n'.repeat(100));
  return file;
}

/** Asserts exit 1 with exactly one line on stderr, no stack, and returns that line. */
function oneLine(outcome: Outcome): string {
  expect({ code: outcome.code, lines: outcome.stderr.length }).toEqual({ code: 1, lines: 1 });
  expect(outcome.stderr[0]).not.toMatch(/\n\s+at |node_modules|\.js:\d+/);
  return outcome.stderr[0];
}

async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

// The built service is the same on both targets; these run once, on the SQLite project.
const describeBuilt = built && !onPostgres() ? describe : describe.skip;

describeBuilt('Start-up errors of the built service: one line naming the variable (e2e)', () => {
  it(
    'should start with REFRESH_TOKEN_TTL=1d alone, the idle default following it',
    async () => {
      const outcome = await run({ REFRESH_TOKEN_TTL: '1d', DATABASE_URL: 'sqlite::memory:' }, 'Listening on');

      expect(outcome.stdout).toContain('Listening on');
      expect(outcome.stderr).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'should refuse a JWT_ALGORITHM typo, suggesting the real name',
    async () => {
      const line = oneLine(await run({ JWT_ALGORTHM: 'ES256' }));

      expect(line).toContain('JWT_ALGORTHM: not a variable of this service; did you mean JWT_ALGORITHM?');
    },
    TIMEOUT,
  );

  it(
    'should refuse NODE_ENV=prod, naming the allowed values',
    async () => {
      const line = oneLine(await run({ NODE_ENV: 'prod', KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET }));

      expect(line).toContain('NODE_ENV: "prod" is not one of production, development, test (or unset)');
    },
    TIMEOUT,
  );

  it(
    'should refuse an explicit REFRESH_TOKEN_IDLE_TTL longer than REFRESH_TOKEN_TTL, naming both',
    async () => {
      const line = oneLine(await run({ REFRESH_TOKEN_TTL: '1d', REFRESH_TOKEN_IDLE_TTL: '2d' }));

      expect(line).toMatch(/REFRESH_TOKEN_IDLE_TTL: .*REFRESH_TOKEN_TTL/);
    },
    TIMEOUT,
  );

  it(
    'should give up on an unreachable DATABASE_URL within seconds, naming it and host:port, not the password',
    async () => {
      const { server, port } = await occupiedPort();
      server.close();
      const outcome = await run({ DATABASE_URL: `postgres://bastion:s3cret-Pa55@127.0.0.1:${port}/bastion` });

      const line = oneLine(outcome);
      console.log(`Unreachable DATABASE_URL: exit ${outcome.code} after ${outcome.ms.toFixed(0)} ms`);
      expect(line).toContain(`DATABASE_URL: cannot connect to PostgreSQL at 127.0.0.1:${port}`);
      expect(line).not.toContain('s3cret-Pa55');
    },
    TIMEOUT,
  );

  it.each([
    ['a directory the system refuses (below /proc)', () => '/proc/bastion-data/app.sqlite', /ENOENT/],
    ['a file that is not a database', () => textFile(), /file is not a database/],
  ])(
    'should refuse as the SQLite file %s with one line naming DATABASE_URL, within seconds',
    async (_what, path, reason) => {
      const file = path();
      const outcome = await run({ DATABASE_URL: `sqlite:${file}` });

      const line = oneLine(outcome);
      expect(line).toContain(`DATABASE_URL: cannot use ${file} as the SQLite database`);
      expect(line).toMatch(reason);
    },
    TIMEOUT,
  );

  it(
    'should refuse a port in use with one line naming PORT, before Nest starts',
    async () => {
      const { server, port } = await occupiedPort();
      try {
        const outcome = await run({ PORT: String(port), DATABASE_URL: 'sqlite::memory:' });

        expect(oneLine(outcome)).toContain(`PORT: 127.0.0.1:${port} is already in use`);
        expect(outcome.stdout).not.toContain('successfully started');
      } finally {
        server.close();
      }
    },
    TIMEOUT,
  );
});
