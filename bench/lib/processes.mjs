import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ISSUER, KEY_ENCRYPTION_SECRET, ROOT, sleep } from './common.mjs';

export const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return cpus().length >= 2;
  } catch {
    return false;
  }
})();

const children = new Set();

export function pinLoadGenerator() {
  if (HAS_TASKSET) execFileSync('taskset', ['-apc', '1', String(process.pid)], { stdio: 'ignore' });
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
function spawnNode(script, env) {
  const args = [process.execPath, script];
  const child = HAS_TASKSET
    ? spawn('taskset', ['-c', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
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
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const exited = await Promise.race([child.exited.then(() => true), sleep(5000).then(() => false)]);
  if (!exited) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

export const stopAll = () => Promise.all([...children].map(stop));

export function killAll() {
  for (const child of children) child.kill('SIGKILL');
}

async function waitFor(child, url, name) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${child.stderrTail}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`${name} did not answer ${url} within 30 s: ${child.stderrTail}`);
}

export const spawnBastion = (port, databaseFile) =>
  spawnNode(join(ROOT, 'dist', 'main.js'), {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${databaseFile}`,
    KEY_ENCRYPTION_SECRET,
    RATE_LIMIT_ENABLED: 'false',
    JWT_ISSUER: ISSUER,
    REDIS_URL: '',
  });

export const spawnBaseline = (port) =>
  spawnNode(join(ROOT, 'bench', 'baseline.js'), {
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_ISSUER: ISSUER,
  });

export async function startBastion(port, databaseFile) {
  const child = spawnBastion(port, databaseFile);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(child, `${url}/health`, 'Bastion');
  return { name: 'bastion', child, url, pid: child.pid };
}

export async function startBaseline(port) {
  const child = spawnBaseline(port);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(child, `${url}/health`, 'baseline');
  return { name: 'baseline', child, url, pid: child.pid };
}
