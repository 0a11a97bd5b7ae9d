import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './common.mjs';

export function versions(database) {
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
    pg: version('pg'),
    ...(database.serverVersion && { postgres: database.serverVersion }),
    '@node-rs/argon2': version('@node-rs/argon2'),
    autocannon: version('autocannon'),
  };
}

export function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

export const machine = () => ({
  cpu: cpus()[0]?.model ?? null,
  cpus: cpus().length,
  kernel: release(),
  platform: process.platform,
});

/** `suffix`: the parts after the date in the file name, e.g. ['quick', 'postgres']. */
export function writeResults(results, started, suffix) {
  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const date = started
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const file = join(resultsDir, `${[date, ...suffix].join('-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

const buildLabel = ({ commit, config }) =>
  `${commit ?? 'no commit'}${config.dist === join(ROOT, 'dist') ? '' : `; ran ${config.dist}, main.js of ${config.distDate}`}`;

// beyond this, something other than the bench competed for the two cores
const OTHER_WORK_WARNING_CORES = 0.2;

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printReport(results) {
  const { config } = results;
  console.log(
    `Bastion ${results.versions.bastion} (${buildLabel(results)}) vs bare baseline — ${config.mode} mode, ${config.database}, ${config.rounds} rounds × ${config.seconds} s, ${config.connections} connections, ${results.setup.users} users, ${config.taskset ? 'server on CPU 0, load on CPU 1' : 'no pinning'}; ${results.machine.cpu}, Node ${process.version}`,
  );
  printTable(results);
}

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
  printRows(rows, 2);
  console.log();
  console.log(
    `ratio: to the baseline; for login, to the raw argon2id rate (${fmt(results.argon2.perSecond, 1)} hashes/s, concurrency ${results.argon2.concurrency}, one core)`,
  );
  console.log(
    `memory under load: Bastion's RSS peaked at ${fmt(results.rssUnderLoadMiB, 1)} MiB while the scenarios ran`,
  );
  console.log(`storm: /users/me p99 during a login storm / without = ${fmt(stormResult.p99Ratio, 2)}`);
  console.log(
    `cold start to first authenticated 200: Bastion ${fmt(results.coldStart.bastionMs)} ms (main.js), ${fmt(results.coldStart.bastionFastMs)} ms (main.fast.js), baseline ${fmt(results.coldStart.baselineMs)} ms`,
  );
  console.log(`setup: ${results.setup.users} users registered and logged in in ${fmt(results.setup.seconds, 1)} s`);
}

// the first `textColumns` columns left-aligned, the numbers right-aligned
function printRows(rows, textColumns) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) =>
          column < textColumns ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]),
        )
        .join('  '),
    );
  }
}

export function printScaleReport(results) {
  const { config, scale } = results;
  const postgres = results.versions.postgres ? `PostgreSQL ${results.versions.postgres}` : config.database;
  console.log(
    `Scale check: Bastion ${results.versions.bastion} (${buildLabel(results)}) and the bare baseline, 1 vs 2 instances — ${config.mode} mode, ${postgres} + Redis, ${config.rounds} rounds × ${config.seconds} s, ${config.connections} connections (login ${config.loginConnections}), ${results.setup.users} users; ${results.machine.cpu}, Node ${process.version}`,
  );
  console.log(
    config.taskset
      ? `1 instance: ${config.layout.oneInstance}.\n2 instances: ${config.layout.twoInstances}: only ${results.machine.cpus} cores, so the load generator has no core of its own.\n${config.layout.always}.`
      : 'no pinning (taskset or a second CPU is missing): servers and load generator share the CPUs in both cases.',
  );
  const header = ['scenario', 'server', 'instances', 'req/s', 'p50 µs', 'p99 µs', 'CPU µs/req'];
  const rows = [[...header, 'load cores', 'db cores', 'other cores', '2/1', 'rounds ok']];
  const targets = [];
  for (const [key, label] of [
    ['usersMe', 'GET /users/me'],
    ['verify', 'GET /auth/verify'],
    ['login', 'POST /auth/login'],
  ]) {
    for (const kind of ['bastion', 'baseline']) {
      for (const count of [1, 2]) {
        const s = scale[key][`${kind}${count}`];
        targets.push(s);
        rows.push([
          label,
          kind,
          count,
          fmt(s.reqPerSec),
          fmt(s.p50Us),
          fmt(s.p99Us),
          fmt(s.cpuUsPerReq, 1),
          fmt(s.loadCores, 2),
          kind === 'bastion' ? fmt(s.databaseCores, 2) : '',
          fmt(s.otherCores, 2),
          count === 2 ? fmt(scale[key][`${kind}Ratio`], 2) : '',
          `${s.validRounds}/${s.validRounds + s.invalidRounds}`,
        ]);
      }
    }
  }
  printRows(rows, 3);
  console.log();
  console.log('CPU µs/req: of the server processes, summed. cores: CPU time / wall time of the load generator (this');
  console.log(
    'process), of PostgreSQL (all its processes), and of everything else (Redis, idle bench processes, others)',
  );
  console.log('baseline login mints a token (an RSA signature) without hashing any password');
  const busiest = Math.max(...targets.map((s) => s.otherCores ?? 0));
  if (busiest > OTHER_WORK_WARNING_CORES) {
    console.log(`WARNING: other work took up to ${fmt(busiest, 2)} cores in a target's median round: figures are low`);
  }
  console.log(`setup: ${results.setup.users} users registered and logged in in ${fmt(results.setup.seconds, 1)} s`);
}

export function printMetricsCostReport(results) {
  const { config, verify, cpuRatio } = results;
  console.log(
    `Bastion ${results.versions.bastion} (${buildLabel(results)}): GET /auth/verify with logs and metrics on, and with neither — ${config.mode} mode, ${config.database}, ${config.rounds} rounds × ${config.seconds} s, ${config.connections} connections, ${config.users} users, ${config.taskset ? 'servers on CPU 0, load on CPU 1' : 'no pinning'}; ${results.machine.cpu}, Node ${process.version}`,
  );
  const rows = [['logs and metrics', 'req/s', 'p50 µs', 'p99 µs', 'CPU µs/req', 'rounds ok']];
  for (const [label, s] of [
    ['on (LOG_LEVEL=info, METRICS_ENABLED=true)', verify.metricsOn],
    ['off (LOG_LEVEL=silent, METRICS_ENABLED=false)', verify.metricsOff],
  ]) {
    rows.push([
      label,
      fmt(s.reqPerSec),
      fmt(s.p50Us),
      fmt(s.p99Us),
      fmt(s.cpuUsPerReq, 1),
      `${s.validRounds}/${s.validRounds + s.invalidRounds}`,
    ]);
  }
  printRows(rows, 1);
  console.log();
  console.log(`CPU per request, logs and metrics on / off = ${fmt(cpuRatio, 3)} (issue 11: at most 1.10)`);
}
