// `npm run bench [-- --quick] [-- --no-build]`: Bastion against a bare node:http + node:crypto baseline
// (bench/baseline.js), side by side in the same run. Bastion runs built, in production mode, on a temporary SQLite
// file, pinned to CPU 0 (taskset, when available); autocannon runs in this process, pinned to CPU 1. Rounds alternate
// Bastion/baseline after a warm-up; the median of the valid rounds is reported, and any round with a non-2xx answer,
// an error or a timeout is invalid (reported, left out of the median). Results go to bench/results/<ISO date>.json.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, ROOT } from './lib/common.mjs';
import { argon2Rate, CLK_TCK, coldStartBaseline, coldStartBastion } from './lib/measurements.mjs';
import {
  freePort,
  HAS_TASKSET,
  killAll,
  makeTempDir,
  pinLoadGenerator,
  removeDir,
  startBaseline,
  startBastion,
  stop,
  stopAll,
} from './lib/processes.mjs';
import { gitCommit, machine, printReport, versions, writeResults } from './lib/report.mjs';
import { runScenarios } from './lib/scenarios.mjs';
import { createUsers } from './lib/users.mjs';

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

async function main() {
  if (!options['no-build']) {
    log('building (npm run build)');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  }
  if (!pinLoadGenerator()) log('taskset or a second CPU is missing: servers and load generator share the CPUs');

  const dir = makeTempDir();
  const databaseFile = join(dir, 'bench.sqlite');
  const started = new Date();
  try {
    const [bastionPort, baselinePort] = [await freePort(), await freePort()];
    log(`starting Bastion on ${bastionPort} and the baseline on ${baselinePort}`);
    const bastion = await startBastion(bastionPort, databaseFile);
    const baseline = await startBaseline(baselinePort);

    log(`argon2id hash rate (${CONFIG.argon2Seconds} s)`);
    const argon2 = argon2Rate(CONFIG.argon2Seconds);

    log(`creating ${CONFIG.users} users`);
    const setup = await createUsers(bastion, baseline, CONFIG.users, CONFIG.setupConcurrency);
    const { users } = setup;
    const scenarios = await runScenarios(CONFIG, bastion, baseline, users, argon2);

    log('cold start');
    await stop(bastion.child);
    const bastionColdS = await coldStartBastion(bastionPort, databaseFile, users[users.length - 1].accessToken);
    await stop(baseline.child);
    const baselineColdS = await coldStartBaseline(baselinePort);

    const results = {
      date: started.toISOString(),
      commit: gitCommit(),
      config: { ...CONFIG, taskset: HAS_TASKSET, clockTicks: CLK_TCK, database: 'sqlite (temporary file)' },
      machine: machine(),
      versions: versions(),
      argon2: { ...argon2, memoryCost: 19456, timeCost: 2, parallelism: 1 },
      setup: { users: users.length, seconds: setup.seconds },
      scenarios,
      coldStart: { bastionMs: bastionColdS * 1000, baselineMs: baselineColdS * 1000 },
    };
    const file = writeResults(results, started, QUICK);
    printReport(results);
    console.log(`written to ${file}`);
  } finally {
    await stopAll();
    removeDir(dir);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

main().catch((error) => {
  console.error('[bench] failed:', error);
  process.exitCode = 1;
});
