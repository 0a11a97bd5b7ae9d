import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ISSUER, KEY_ENCRYPTION_SECRET, ROOT, sleep } from './common.mjs';

// the build whose main.js is started: a copy of dist/ keeps a run safe from a rebuild during it
export const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));

export function checkDist() {
  if (!existsSync(join(DIST, 'main.js'))) {
    throw new Error(`no ${join(DIST, 'main.js')}: build first, or set BENCH_DIST`);
  }
}

// with BENCH_DIST the commit checked out need not be the one built: the date of its main.js tells them apart
export const distDate = () => statSync(join(DIST, 'main.js')).mtime.toISOString();

export const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return cpus().length >= 2;
  } catch {
    return false;
  }
})();

const children = new Set();

/** `cpus` as taskset takes them: '1', '0,1'; every thread of this process moves, autocannon's included. */
export function pinLoadGenerator(cpus = '1') {
  if (HAS_TASKSET) {
    execFileSync('taskset', ['-apc', cpus, String(process.pid)], { stdio: 'ignore' });
  }
  return HAS_TASKSET;
}

export const makeTempDir = () => mkdtempSync(join(tmpdir(), 'bastion-bench-'));
export const removeDir = (dir) => rmSync(dir, { recursive: true, force: true });

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// stderr is kept so that a server that dies can say why
// the options `npm run start:prod` gives node (V8's heap sizing), so that Bastion is measured as it runs in production
export const PRODUCTION_NODE_OPTIONS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  .scripts['start:prod'].split(/\s+/)
  .filter((word) => word.startsWith('--'));

function spawnNode(script, env, cpu, nodeOptions = []) {
  const args = [process.execPath, ...nodeOptions, script];
  const child = HAS_TASKSET
    ? spawn('taskset', ['-c', String(cpu), ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      })
    : spawn(args[0], args.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderrTail = '';
  child.stderr.on('data', (chunk) => {
    child.stderrTail = (child.stderrTail + chunk).slice(-4000);
  });
  child.exited = new Promise((done) => child.once('exit', done));
  children.add(child);
  child.exited.then(() => children.delete(child));
  return child;
}

export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill('SIGTERM');
  const exited = await Promise.race([child.exited.then(() => true), sleep(5000).then(() => false)]);
  if (!exited) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

export const stopAll = () => Promise.all([...children].map(stop));

export function killAll() {
  for (const child of children) {
    child.kill('SIGKILL');
  }
}

async function waitFor(child, url, name) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited (${child.exitCode}): ${child.stderrTail}`);
    }
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`${name} did not answer ${url} within 30 s: ${child.stderrTail}`);
}

/** `redis`: { url, prefix } for instances that share their revocations, or null for one instance alone. */
/** `entry`: main.js (the service as tsc compiled it) or main.fast.js (the bundle with its code cache). */
/** `env`: further variables, e.g. METRICS_ENABLED for the metrics-cost comparison. */
export const spawnBastion = (port, databaseUrl, { cpu = 0, redis = null, entry = 'main.js', env = {} } = {}) =>
  spawnNode(
    join(DIST, entry),
    {
      NODE_ENV: 'production',
      SMTP_URL: 'none',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      KEY_ENCRYPTION_SECRET,
      RATE_LIMIT_ENABLED: 'false',
      JWT_ISSUER: ISSUER,
      REDIS_URL: redis?.url ?? '',
      REDIS_KEY_PREFIX: redis?.prefix ?? '',
      ...env,
    },
    cpu,
    PRODUCTION_NODE_OPTIONS,
  );

export const spawnBaseline = (port, cpu = 0) =>
  spawnNode(join(ROOT, 'bench', 'baseline.js'), { PORT: String(port), HOST: '127.0.0.1', JWT_ISSUER: ISSUER }, cpu);

export async function startBastion(port, databaseUrl, options = {}) {
  const child = spawnBastion(port, databaseUrl, options);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(child, `${url}/health`, 'Bastion');
  return { name: 'bastion', child, url, pid: child.pid };
}

export async function startBaseline(port, cpu = 0) {
  const child = spawnBaseline(port, cpu);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(child, `${url}/health`, 'baseline');
  return { name: 'baseline', child, url, pid: child.pid };
}
