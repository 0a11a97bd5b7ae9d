// `npm run bench [-- --quick] [-- --no-build]`: Bastion against a bare node:http + node:crypto baseline
// (bench/baseline.js), side by side in the same run. Bastion runs built, in production mode, on a temporary SQLite
// file, pinned to CPU 0 (taskset, when available); autocannon runs in this process, pinned to CPU 1. Rounds alternate
// Bastion/baseline after a warm-up; the median of the valid rounds is reported, and any round with a non-2xx answer,
// an error or a timeout is invalid (reported, left out of the median). Results go to bench/results/<ISO date>.json.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    connections: { type: 'string', default: '50' },
  },
});
const QUICK = options.quick;
const CONFIG = {
  mode: QUICK ? 'quick' : 'full',
  users: QUICK ? 50 : 1000,
  rounds: QUICK ? 2 : 5,
  seconds: QUICK ? 2 : 5,
  warmupSeconds: QUICK ? 1 : 3,
  argon2Seconds: QUICK ? 2 : 5,
  connections: Number(options.connections),
  loginConnections: 8,
  stormLoginConnections: 4,
  setupConcurrency: 8,
};
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ISSUER = 'https://bastion.bench.local';
const PASSWORD = 'a benchmark password';
const KEY_ENCRYPTION_SECRET = 'bench-only-9Qm2xV7pL4sR8tW1yZ6nB3cF5hJ0kD';

const log = (...parts) => console.error('[bench]', ...parts);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const median = (numbers) => {
  if (numbers.length === 0) return null;
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return cpus().length >= 2;
  } catch {
    return false;
  }
})();
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in microseconds. */
function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

/** Peak and current resident memory of a process, in MiB. */
function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakRssMiB: round1(kib('VmHWM') / 1024), rssMiB: round1(kib('VmRSS') / 1024) };
  } catch {
    return { peakRssMiB: null, rssMiB: null };
  }
}
const round1 = (n) => Math.round(n * 10) / 10;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const children = new Set();

/** Spawns a node script pinned to CPU 0 (when possible); stderr is kept for error messages. */
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

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const exited = await Promise.race([child.exited.then(() => true), sleep(5000).then(() => false)]);
  if (!exited) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

async function request(url, init = {}) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
const postJson = (url, body, headers = {}) =>
  request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

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

function bastionEnv(port, databaseFile) {
  return {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${databaseFile}`,
    KEY_ENCRYPTION_SECRET,
    RATE_LIMIT_ENABLED: 'false',
    JWT_ISSUER: ISSUER,
    REDIS_URL: '',
  };
}

async function startBastion(port, databaseFile) {
  const child = spawnNode(join(ROOT, 'dist', 'main.js'), bastionEnv(port, databaseFile));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(child, `${url}/health`, 'Bastion');
  return { name: 'bastion', child, url, pid: child.pid };
}

async function startBaseline(port) {
  const child = spawnNode(join(ROOT, 'bench', 'baseline.js'), {
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_ISSUER: ISSUER,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(child, `${url}/health`, 'baseline');
  return { name: 'baseline', child, url, pid: child.pid };
}

/** Runs `task(index)` for 0…count-1 with at most `concurrency` in flight. */
async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

async function createUsers(bastion, baseline, count) {
  const started = performance.now();
  const users = await pool(count, CONFIG.setupConcurrency, async (index) => {
    const email = `bench-${index}@example.com`;
    const registered = await postJson(`${bastion.url}/api/v1/auth/register`, { email, password: PASSWORD });
    if (registered.status !== 201)
      throw new Error(`register ${email}: ${registered.status} ${JSON.stringify(registered.body)}`);
    const login = await postJson(`${bastion.url}/api/v1/auth/login`, { email, password: PASSWORD });
    if (login.status !== 200) throw new Error(`login ${email}: ${login.status} ${JSON.stringify(login.body)}`);
    const bare = await postJson(`${baseline.url}/login`, { email, password: PASSWORD });
    if (bare.status !== 200) throw new Error(`baseline login ${email}: ${bare.status}`);
    return {
      email,
      accessToken: login.body.accessToken,
      refreshToken: login.body.refreshToken,
      baselineToken: bare.body.accessToken,
    };
  });
  // sanity: a token of each works where it should
  const check = await request(`${bastion.url}/api/v1/users/me`, {
    headers: { authorization: `Bearer ${users[0].accessToken}` },
  });
  if (check.status !== 200) throw new Error(`GET /users/me with a fresh token: ${check.status}`);
  const bareCheck = await request(`${baseline.url}/users/me`, {
    headers: { authorization: `Bearer ${users[0].baselineToken}` },
  });
  if (bareCheck.status !== 200) throw new Error(`baseline GET /users/me with a fresh token: ${bareCheck.status}`);
  return { users, seconds: (performance.now() - started) / 1000 };
}

/**
 * autocannon options that send GET `path` with the users' tokens in turn: connection i cycles through tokens i,
 * i + connections, i + 2 × connections… as prebuilt requests (a per-request setupRequest would make the load
 * generator, not the server, the bottleneck against the baseline).
 */
function rotatingGet(url, path, tokens, connections) {
  let clients = 0;
  return {
    url,
    setupClient: (client) => {
      const index = clients++ % connections;
      const mine = tokens.filter((_, k) => k % connections === index);
      if (mine.length === 0) mine.push(tokens[index % tokens.length]);
      client.setRequests(mine.map((token) => ({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } })));
    },
  };
}

function rotatingLogin(url, users) {
  let next = 0;
  return {
    url,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/auth/login',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: users[next++ % users.length].email, password: PASSWORD }),
        }),
      },
    ],
  };
}

/**
 * Refresh chains: a shared pool holds one live refresh token per connection; a request takes one, its answer puts
 * the new one back (autocannon calls onResponse before it builds the connection's next request).
 */
function refreshChains(url, refreshTokens) {
  const available = [...refreshTokens];
  return {
    url,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/auth/refresh',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: available.shift() ?? 'the-pool-ran-dry' }),
        }),
        onResponse: (status, body) => {
          if (status === 200) available.push(JSON.parse(body).refreshToken);
        },
      },
    ],
  };
}

/** Runs autocannon, keeping every 2xx latency (autocannon's own histogram has millisecond resolution). */
async function cannon(cannonOptions) {
  const samples = [];
  const tracker = autocannon({ timeout: 10, ...cannonOptions });
  tracker.on('response', (_client, statusCode, _bytes, milliseconds) => {
    if (statusCode >= 200 && statusCode < 300) samples.push(milliseconds);
  });
  const result = await tracker;
  return { result, samples: Float64Array.from(samples).sort() };
}

/** One autocannon run against one server, with the server's CPU time over it. */
async function measure(server, cannonOptions, seconds, connections) {
  const cpuBefore = cpuMicros(server.pid);
  const run = await cannon({ ...cannonOptions, connections, duration: seconds });
  const cpuAfter = cpuMicros(server.pid);
  return summarise(run, cpuAfter - cpuBefore);
}

/** Nearest-rank percentile of sorted milliseconds, in microseconds. */
function percentileUs(sorted, p) {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 1000);
}

function summarise({ result, samples }, cpuUs) {
  const total = result.requests.total;
  const problems = [];
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx`);
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  if (total === 0) problems.push('no answer');
  return {
    valid: problems.length === 0,
    problems: problems.join(', ') || undefined,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
    ),
    requests: total,
    reqPerSec: total / result.duration,
    p50Us: percentileUs(samples, 50),
    p99Us: percentileUs(samples, 99),
    maxUs: percentileUs(samples, 100),
    cpuUsPerReq: cpuUs === undefined || total === 0 ? null : cpuUs / total,
  };
}

function aggregate(rounds) {
  const valid = rounds.filter((round) => round.valid);
  const pick = (key) => median(valid.map((round) => round[key]).filter((value) => value !== null));
  return {
    reqPerSec: pick('reqPerSec'),
    p50Us: pick('p50Us'),
    p99Us: pick('p99Us'),
    cpuUsPerReq: pick('cpuUsPerReq'),
    validRounds: valid.length,
    invalidRounds: rounds.length - valid.length,
    rounds,
  };
}

/** Interleaved rounds over several targets: warm-up each, then target A, B, A, B… */
async function interleaved(label, targets) {
  log(`${label}: warm-up`);
  for (const target of targets) {
    const warm = await measure(target.server, target.options(), CONFIG.warmupSeconds, target.connections);
    if (!warm.valid) log(`${label}: ${target.server.name} warm-up invalid: ${warm.problems}`);
  }
  const rounds = targets.map(() => []);
  for (let index = 0; index < CONFIG.rounds; index++) {
    for (const [which, target] of targets.entries()) {
      const result = await measure(target.server, target.options(), CONFIG.seconds, target.connections);
      if (!result.valid) log(`${label}: ${target.server.name} round ${index + 1} INVALID: ${result.problems}`);
      rounds[which].push(result);
    }
  }
  return Object.fromEntries(
    targets.map((target, which) => [target.server.name, { ...aggregate(rounds[which]), ...memory(target.server.pid) }]),
  );
}

/** /users/me alone, then /users/me with a login storm on a few other connections, alternating. */
async function storm(bastion, users) {
  const tokens = users.map((user) => user.accessToken);
  const usersMe = () => rotatingGet(bastion.url, '/api/v1/users/me', tokens, CONFIG.connections);
  const login = () => rotatingLogin(bastion.url, users);
  const calm = [];
  const stormy = [];
  const logins = [];
  log('storm: warm-up');
  await Promise.all([
    cannon({ ...usersMe(), connections: CONFIG.connections, duration: CONFIG.warmupSeconds }),
    cannon({ ...login(), connections: CONFIG.stormLoginConnections, duration: CONFIG.warmupSeconds }),
  ]);
  for (let index = 0; index < CONFIG.rounds; index++) {
    const result = await measure(bastion, usersMe(), CONFIG.seconds, CONFIG.connections);
    if (!result.valid) log(`storm: calm round ${index + 1} INVALID: ${result.problems}`);
    calm.push(result);
    const cpuBefore = cpuMicros(bastion.pid);
    const [me, loginResult] = await Promise.all([
      cannon({ ...usersMe(), connections: CONFIG.connections, duration: CONFIG.seconds }),
      cannon({ ...login(), connections: CONFIG.stormLoginConnections, duration: CONFIG.seconds }),
    ]);
    const cpuUs = cpuMicros(bastion.pid) - cpuBefore;
    const meSummary = summarise(me);
    const loginSummary = summarise(loginResult);
    meSummary.cpuUsPerReq = cpuUs / (me.result.requests.total + loginResult.result.requests.total);
    if (!loginSummary.valid) {
      meSummary.valid = false;
      meSummary.problems = [meSummary.problems, `login: ${loginSummary.problems}`].filter(Boolean).join(', ');
    }
    if (!meSummary.valid) log(`storm: stormy round ${index + 1} INVALID: ${meSummary.problems}`);
    stormy.push(meSummary);
    logins.push(loginSummary);
  }
  const without = aggregate(calm);
  const during = aggregate(stormy);
  return {
    usersMeWithoutStorm: without,
    usersMeDuringStorm: during,
    loginDuringStorm: aggregate(logins),
    p99Ratio: without.p99Us && during.p99Us ? during.p99Us / without.p99Us : null,
    ...memory(bastion.pid),
  };
}

/** The raw argon2id hash rate, in a child pinned to the server's core while the servers are idle. */
function argon2Rate() {
  const script = join(ROOT, 'bench', 'argon2-rate.mjs');
  const args = [script, String(CONFIG.argon2Seconds), '4'];
  const output = HAS_TASKSET
    ? execFileSync('taskset', ['-c', '0', process.execPath, ...args], { cwd: ROOT, timeout: 60_000 })
    : execFileSync(process.execPath, args, { cwd: ROOT, timeout: 60_000 });
  return JSON.parse(output.toString().trim().split('\n').pop());
}

/** Spawn → first 200 on GET /users/me with a token minted by an earlier instance on the same database. */
async function coldStartBastion(port, databaseFile, token) {
  const started = performance.now();
  const child = spawnNode(join(ROOT, 'dist', 'main.js'), bastionEnv(port, databaseFile));
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`Bastion exited during cold start: ${child.stderrTail}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/users/me`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(2000),
        });
        await response.arrayBuffer();
        if (response.status === 200) return (performance.now() - started) / 1000;
        if (response.status !== 503) throw new Error(`cold start: GET /users/me answered ${response.status}`);
      } catch (error) {
        if (error.message?.startsWith('cold start')) throw error;
      }
      await sleep(5);
    }
    throw new Error('cold start: no 200 within 30 s');
  } finally {
    await stop(child);
  }
}

/** The baseline has no stored keys, so: spawn → a token from its /login → first 200 on /users/me. */
async function coldStartBaseline(port) {
  const started = performance.now();
  const child = spawnNode(join(ROOT, 'bench', 'baseline.js'), {
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_ISSUER: ISSUER,
  });
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const login = await postJson(`http://127.0.0.1:${port}/login`, {
          email: 'cold@example.com',
          password: PASSWORD,
        });
        const me = await request(`http://127.0.0.1:${port}/users/me`, {
          headers: { authorization: `Bearer ${login.body.accessToken}` },
        });
        if (me.status === 200) return (performance.now() - started) / 1000;
      } catch {
        // not listening yet
      }
      await sleep(5);
    }
    throw new Error('baseline cold start: no 200 within 30 s');
  } finally {
    await stop(child);
  }
}

function versions() {
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  return {
    bastion: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    node: process.version,
    '@nestjs/core': version('@nestjs/core'),
    fastify: version('fastify'),
    typeorm: version('typeorm'),
    'better-sqlite3': version('better-sqlite3'),
    '@node-rs/argon2': version('@node-rs/argon2'),
    autocannon: version('autocannon'),
  };
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printTable(results) {
  const rows = [
    ['scenario', 'server', 'req/s', 'p50 µs', 'p99 µs', 'CPU µs/req', 'peak RSS MiB', 'ratio', 'rounds ok'],
  ];
  const add = (scenario, server, s, ratio) =>
    rows.push([
      scenario,
      server,
      fmt(s.reqPerSec),
      fmt(s.p50Us),
      fmt(s.p99Us),
      fmt(s.cpuUsPerReq, 1),
      fmt(s.peakRssMiB, 1),
      ratio === undefined ? '' : fmt(ratio, 2),
      `${s.validRounds}/${s.validRounds + s.invalidRounds}`,
    ]);
  for (const [key, label] of [
    ['usersMe', 'GET /users/me'],
    ['verify', 'GET /auth/verify'],
  ]) {
    const scenario = results.scenarios[key];
    add(label, 'bastion', scenario.bastion, scenario.ratio ?? null);
    add(label, 'baseline', scenario.baseline, 1);
  }
  const loginScenario = results.scenarios.login;
  add('POST /auth/login', 'bastion', loginScenario.bastion, loginScenario.ratioToArgon2);
  add('POST /auth/refresh', 'bastion', results.scenarios.refresh.bastion);
  const stormResult = results.scenarios.storm;
  add('/users/me, no storm', 'bastion', { ...stormResult.usersMeWithoutStorm, peakRssMiB: stormResult.peakRssMiB });
  add('/users/me, login storm', 'bastion', { ...stormResult.usersMeDuringStorm, peakRssMiB: stormResult.peakRssMiB });
  add('  (logins in the storm)', 'bastion', { ...stormResult.loginDuringStorm, peakRssMiB: stormResult.peakRssMiB });
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) =>
          column < 2 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]),
        )
        .join('  '),
    );
  }
  console.log();
  console.log(
    `ratio: to the baseline; for login, to the raw argon2id rate (${fmt(results.argon2.perSecond, 1)} hashes/s, concurrency 4, one core)`,
  );
  console.log(`storm: /users/me p99 during a login storm / without = ${fmt(stormResult.p99Ratio, 2)}`);
  console.log(
    `cold start to first authenticated 200: Bastion ${fmt(results.coldStart.bastionMs)} ms, baseline ${fmt(results.coldStart.baselineMs)} ms`,
  );
  console.log(`setup: ${results.setup.users} users registered and logged in in ${fmt(results.setup.seconds, 1)} s`);
}

async function main() {
  if (!options['no-build']) {
    log('building (npm run build)');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  }
  if (HAS_TASKSET) execFileSync('taskset', ['-apc', '1', String(process.pid)], { stdio: 'ignore' });
  else log('taskset or a second CPU is missing: servers and load generator share the CPUs');

  const dir = mkdtempSync(join(tmpdir(), 'bastion-bench-'));
  const databaseFile = join(dir, 'bench.sqlite');
  const started = new Date();
  try {
    const [bastionPort, baselinePort] = [await freePort(), await freePort()];
    log(`starting Bastion on ${bastionPort} and the baseline on ${baselinePort}`);
    const bastion = await startBastion(bastionPort, databaseFile);
    const baseline = await startBaseline(baselinePort);

    log(`argon2id hash rate (${CONFIG.argon2Seconds} s)`);
    const argon2 = argon2Rate();

    log(`creating ${CONFIG.users} users`);
    const setup = await createUsers(bastion, baseline, CONFIG.users);
    const { users } = setup;
    const bastionTokens = users.map((user) => user.accessToken);
    const baselineTokens = users.map((user) => user.baselineToken);
    const C = CONFIG.connections;

    const scenarios = {};
    scenarios.usersMe = await interleaved('GET /users/me', [
      {
        server: bastion,
        connections: C,
        options: () => rotatingGet(bastion.url, '/api/v1/users/me', bastionTokens, C),
      },
      { server: baseline, connections: C, options: () => rotatingGet(baseline.url, '/users/me', baselineTokens, C) },
    ]);
    scenarios.verify = await interleaved('GET /auth/verify', [
      {
        server: bastion,
        connections: C,
        options: () => rotatingGet(bastion.url, '/api/v1/auth/verify', bastionTokens, C),
      },
      { server: baseline, connections: C, options: () => rotatingGet(baseline.url, '/verify', baselineTokens, C) },
    ]);
    for (const key of ['usersMe', 'verify']) {
      const { bastion: b, baseline: bare } = scenarios[key];
      scenarios[key].ratio = b.reqPerSec && bare.reqPerSec ? b.reqPerSec / bare.reqPerSec : null;
    }
    scenarios.login = await interleaved('POST /auth/login', [
      { server: bastion, connections: CONFIG.loginConnections, options: () => rotatingLogin(bastion.url, users) },
    ]);
    scenarios.login.ratioToArgon2 = scenarios.login.bastion.reqPerSec
      ? scenarios.login.bastion.reqPerSec / argon2.perSecond
      : null;
    scenarios.storm = await storm(bastion, users);

    // refresh last: each round (and the warm-up) starts its chains from a fresh slice of the users' refresh tokens
    const refreshConnections = Math.max(1, Math.min(C, Math.floor(users.length / (CONFIG.rounds + 1))));
    let slice = 0;
    scenarios.refresh = await interleaved('POST /auth/refresh', [
      {
        server: bastion,
        connections: refreshConnections,
        options: () => {
          const tokens = users.slice(slice, slice + refreshConnections).map((user) => user.refreshToken);
          slice += refreshConnections;
          return refreshChains(bastion.url, tokens);
        },
      },
    ]);
    scenarios.refresh.connections = refreshConnections;

    log('cold start');
    await stop(bastion.child);
    const bastionColdS = await coldStartBastion(bastionPort, databaseFile, users[users.length - 1].accessToken);
    await stop(baseline.child);
    const baselineColdS = await coldStartBaseline(baselinePort);

    const results = {
      date: started.toISOString(),
      commit: gitCommit(),
      config: { ...CONFIG, taskset: HAS_TASKSET, clockTicks: CLK_TCK, database: 'sqlite (temporary file)' },
      machine: { cpu: cpus()[0]?.model ?? null, cpus: cpus().length, kernel: release(), platform: process.platform },
      versions: versions(),
      argon2: { ...argon2, memoryCost: 19456, timeCost: 2, parallelism: 1 },
      setup: { users: users.length, seconds: setup.seconds },
      scenarios,
      coldStart: { bastionMs: bastionColdS * 1000, baselineMs: baselineColdS * 1000 },
    };
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(
      resultsDir,
      `${started
        .toISOString()
        .replace(/:/g, '-')
        .replace(/\.\d+Z$/, 'Z')}${QUICK ? '-quick' : ''}.json`,
    );
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `Bastion ${results.versions.bastion} (${results.commit ?? 'no commit'}) vs bare baseline — ${CONFIG.mode} mode, ${CONFIG.rounds} rounds × ${CONFIG.seconds} s, ${C} connections, ${users.length} users, ${HAS_TASKSET ? 'server on CPU 0, load on CPU 1' : 'no pinning'}; ${results.machine.cpu}, Node ${process.version}`,
    );
    printTable(results);
    console.log(`written to ${file}`);
  } finally {
    await Promise.all([...children].map(stop));
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}

main().catch((error) => {
  console.error('[bench] failed:', error);
  process.exitCode = 1;
});
