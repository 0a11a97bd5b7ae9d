// A/B throughput between two setups of Bastion (two builds, or one build on two databases), in the same run.
//   node bench/ab.mjs <distA> <distB> [--scenario users-me|login] [--database-a sqlite|postgres]
//        [--database-b sqlite|postgres] [--rounds 5] [--seconds 5] [--connections 50]
// Each setup runs in production mode on its own database (bench/lib/databases.mjs: a temporary SQLite file, or a
// temporary PostgreSQL database on BENCH_POSTGRES_URL, by default the local server); rounds alternate A, B, A, B…
// after a warm-up, and the medians are compared. The server is pinned to CPU 0 and the load generator runs on CPU 1
// when taskset exists.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase } from './lib/databases.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: 'string', default: 'users-me' },
    'database-a': { type: 'string', default: 'sqlite' },
    'database-b': { type: 'string', default: 'sqlite' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
  },
});
if (positionals.length !== 2) {
  console.error(
    'usage: node bench/ab.mjs <distA> <distB> [--scenario users-me|login] [--database-a|-b sqlite|postgres] …',
  );
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

async function startServer(dist, port, databaseKind) {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-bench-'));
  const database = await createDatabase(databaseKind, dir, port);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    // Registration mails are queued after the answer; the benchmark measures the service without them.
    SMTP_URL: 'none',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
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
        return { child, url, dir, database };
      }
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${dist} did not start`);
}

async function tokenFor(url) {
  const credentials = { email: 'bench@example.com', password: 'a password for load tests' };
  const post = (path, body) =>
    fetch(`${url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await post('/auth/register', credentials);
  return (await (await post('/auth/login', credentials)).json()).accessToken;
}

const SCENARIOS = {
  'users-me': (server) => ({
    url: `${server.url}/api/v1/users/me`,
    headers: { authorization: `Bearer ${server.token}` },
  }),
  login: (server) => ({
    url: `${server.url}/api/v1/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'a password for load tests' }),
  }),
};
const scenario = SCENARIOS[values.scenario];
if (!scenario) {
  console.error(`unknown scenario ${values.scenario}: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

async function round(server, seconds) {
  const result = await autocannon({ ...scenario(server), connections: Number(values.connections), duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`a round had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return result.requests.average;
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

if (hasTaskset) {
  execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
}
const servers = [
  await startServer(positionals[0], 4101, values['database-a']),
  await startServer(positionals[1], 4102, values['database-b']),
];
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
  console.log(`${values.scenario}, ${values.connections} connections, ${values.rounds} rounds of ${values.seconds} s`);
  const label = (which) => `${positionals[which]} on ${values[which === 0 ? 'database-a' : 'database-b']}`;
  console.log(`A ${label(0)}: ${a.toFixed(0)} req/s (rounds: ${samples[0].map((n) => n.toFixed(0)).join(', ')})`);
  console.log(`B ${label(1)}: ${b.toFixed(0)} req/s (rounds: ${samples[1].map((n) => n.toFixed(0)).join(', ')})`);
  console.log(`B/A = ${(b / a).toFixed(3)}`);
} finally {
  for (const server of servers) {
    server.child.kill();
    await new Promise((done) => server.child.once('exit', done));
    await server.database.drop();
    rmSync(server.dir, { recursive: true, force: true });
  }
}
