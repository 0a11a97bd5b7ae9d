// A/B throughput of one authenticated route between two builds of Bastion, in the same run on the same machine.
//   node bench/ab.mjs <distA> <distB> [--path /api/v1/users/me] [--rounds 5] [--seconds 5] [--connections 50]
// Each build runs in production mode on its own SQLite file; rounds alternate A, B, A, B… after a warm-up, and the
// medians are compared. The server is pinned to CPU 0 and the load generator runs on CPU 1 when taskset exists.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    path: { type: 'string', default: '/api/v1/users/me' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
  },
});
if (positionals.length !== 2) {
  console.error('usage: node bench/ab.mjs <distA> <distB> [--path P] [--rounds N] [--seconds S] [--connections C]');
  process.exit(2);
}

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
})();

async function startServer(dist, port) {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-bench-'));
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    KEY_ENCRYPTION_SECRET: 'bench-only-9Qm2xV7pL4sR8tW1yZ6nB3cF5hJ0kD',
    RATE_LIMIT_ENABLED: 'false',
  };
  const main = join(resolve(dist), 'main.js');
  const child = hasTaskset
    ? spawn('taskset', ['-c', '0', process.execPath, main], { env, stdio: 'ignore' })
    : spawn(process.execPath, [main], { env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${url}/health`)).ok) {
        return { child, url, dir };
      }
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${dist} did not start`);
}

async function tokenFor(url) {
  const credentials = { email: 'bench@example.com', password: 'a benchmark password' };
  const post = (path, body) =>
    fetch(`${url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await post('/auth/register', credentials);
  return (await (await post('/auth/login', credentials)).json()).accessToken;
}

async function round(server, seconds) {
  const result = await autocannon({
    url: `${server.url}${values.path}`,
    headers: { authorization: `Bearer ${server.token}` },
    connections: Number(values.connections),
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`a round had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return result.requests.average;
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

if (hasTaskset) {
  execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
}
const servers = [await startServer(positionals[0], 4101), await startServer(positionals[1], 4102)];
try {
  for (const server of servers) {
    server.token = await tokenFor(server.url);
    await round(server, 2);
  }
  const samples = [[], []];
  for (let index = 0; index < Number(values.rounds); index++) {
    for (const [which, server] of servers.entries()) {
      samples[which].push(await round(server, Number(values.seconds)));
    }
  }
  const [a, b] = samples.map(median);
  console.log(`GET ${values.path}, ${values.connections} connections, ${values.rounds} rounds of ${values.seconds} s`);
  console.log(`A ${positionals[0]}: ${a.toFixed(0)} req/s (rounds: ${samples[0].map((n) => n.toFixed(0)).join(', ')})`);
  console.log(`B ${positionals[1]}: ${b.toFixed(0)} req/s (rounds: ${samples[1].map((n) => n.toFixed(0)).join(', ')})`);
  console.log(`B/A = ${(b / a).toFixed(3)}`);
} finally {
  for (const server of servers) {
    server.child.kill();
    rmSync(server.dir, { recursive: true, force: true });
  }
}
