import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './common.mjs';

export function versions() {
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

export function writeResults(results, started, quick) {
  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(
    resultsDir,
    `${started
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z')}${quick ? '-quick' : ''}.json`,
  );
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printReport(results) {
  const { config } = results;
  console.log(
    `Bastion ${results.versions.bastion} (${results.commit ?? 'no commit'}) vs bare baseline — ${config.mode} mode, ${config.rounds} rounds × ${config.seconds} s, ${config.connections} connections, ${results.setup.users} users, ${config.taskset ? 'server on CPU 0, load on CPU 1' : 'no pinning'}; ${results.machine.cpu}, Node ${process.version}`,
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
