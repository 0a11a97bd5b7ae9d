// `npm run bench [-- --quick] [-- --no-build] [-- --database sqlite|postgres] [-- --scale]`: Bastion against a bare
// node:http + node:crypto baseline (bench/baseline.js), side by side in the same run. Bastion runs built (the main.js
// of BENCH_DIST, by default dist/), in production mode, on a fresh database (a temporary SQLite file, or a PostgreSQL
// database created on BENCH_POSTGRES_URL and dropped at the end), pinned to CPU 0 (taskset, when available);
// autocannon runs in this process, pinned to CPU 1. Rounds alternate Bastion/baseline after a warm-up; the median of
// the valid rounds is reported, and any round with a non-2xx answer, an error or a timeout is invalid (reported, left
// out of the median). Results go to bench/results/<ISO date>[-mode][-postgres].json.
// --scale runs the scale check instead (bench/lib/scale.mjs): one instance against two, on PostgreSQL and Redis
// (BENCH_REDIS_URL, by default the local server). --compare-metrics runs /auth/verify with logs and metrics on
// (LOG_LEVEL=info, METRICS_ENABLED=true) and with neither instead (bench/lib/metrics-cost.mjs) and reports the CPU per
// request of both.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, ROOT } from './lib/common.mjs';
import { createDatabase, DATABASE_KINDS, dropAllDatabases } from './lib/databases.mjs';
import { argon2Rate, CLK_TCK, coldStartBaseline, coldStartBastion, sampleRss } from './lib/measurements.mjs';
import {
  checkDist,
  DIST,
  distDate,
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
import { metricsCost } from './lib/metrics-cost.mjs';
import {
  gitCommit,
  machine,
  printMetricsCostReport,
  printReport,
  printScaleReport,
  versions,
  writeResults,
} from './lib/report.mjs';
import { LAYOUT, scaleCheck } from './lib/scale.mjs';
import { runScenarios } from './lib/scenarios.mjs';
import { createUsers } from './lib/users.mjs';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    connections: { type: 'string', default: '50' },
    database: { type: 'string' },
    scale: { type: 'boolean', default: false },
    'compare-metrics': { type: 'boolean', default: false },
  },
});
const QUICK = options.quick;
const SCALE = options.scale;
const METRICS = options['compare-metrics'];
const DATABASE = options.database ?? (SCALE ? 'postgres' : 'sqlite');
if (!DATABASE_KINDS.includes(DATABASE)) {
  usage(`--database ${DATABASE}: ${DATABASE_KINDS.join(' or ')}`);
}
if (SCALE && METRICS) {
  usage('--scale and --compare-metrics: one at a time');
}
if (SCALE && DATABASE !== 'postgres') {
  usage('--scale: two instances share one database, so PostgreSQL only');
}
// a prefix of this run alone keeps its instances' channels apart from any other Bastion on the same Redis
const REDIS = { url: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `bench-${randomUUID()}:` };

const CONFIG = SCALE
  ? {
      mode: QUICK ? 'scale-quick' : 'scale',
      users: QUICK ? 50 : 200,
      rounds: QUICK ? 2 : 4,
      seconds: QUICK ? 2 : 4,
      warmupSeconds: QUICK ? 1 : 3,
      connections: Number(options.connections),
      loginConnections: 8,
      setupConcurrency: 8,
    }
  : {
      mode: [METRICS && 'metrics', QUICK ? 'quick' : 'full'].filter(Boolean).join('-'),
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

function usage(problem) {
  console.error(`[bench] ${problem}`);
  process.exit(2);
}

async function harness(database) {
  const [bastionPort, baselinePort] = [await freePort(), await freePort()];
  log(`starting Bastion on ${bastionPort} (${database.kind}) and the baseline on ${baselinePort}`);
  const bastion = { ...(await startBastion(bastionPort, database.url)), databasePid: database.serverPid };
  const baseline = await startBaseline(baselinePort);

  log(`argon2id hash rate (${CONFIG.argon2Seconds} s)`);
  const argon2 = argon2Rate(CONFIG.argon2Seconds);

  log(`creating ${CONFIG.users} users`);
  const setup = await createUsers([bastion], [baseline], CONFIG.users, CONFIG.setupConcurrency);
  const { users } = setup;
  const stopSampling = sampleRss(bastion.pid);
  const scenarios = await runScenarios(CONFIG, bastion, baseline, users, argon2);
  const rssUnderLoadMiB = stopSampling();

  log('cold start');
  await stop(bastion.child);
  const token = users[users.length - 1].accessToken;
  const bastionColdS = await coldStartBastion(bastionPort, database.url, token);
  const fastColdS = existsSync(join(DIST, 'main.fast.js'))
    ? await coldStartBastion(bastionPort, database.url, token, 'main.fast.js')
    : null;
  await stop(baseline.child);
  const baselineColdS = await coldStartBaseline(baselinePort);
  return {
    argon2: { ...argon2, memoryCost: 19456, timeCost: 2, parallelism: 1 },
    setup: { users: users.length, seconds: setup.seconds },
    scenarios,
    rssUnderLoadMiB,
    coldStart: {
      bastionMs: bastionColdS * 1000,
      bastionFastMs: fastColdS === null ? null : fastColdS * 1000,
      baselineMs: baselineColdS * 1000,
    },
  };
}

async function main() {
  if (options['no-build'] || process.env.BENCH_DIST) {
    log(`not building; running ${DIST}`);
  } else {
    log('building (npm run build)');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  }
  checkDist();
  if (!pinLoadGenerator()) {
    log('taskset or a second CPU is missing: servers and load generator share the CPUs');
  }

  const dir = makeTempDir();
  const started = new Date();
  let database;
  try {
    database = await createDatabase(DATABASE, dir, SCALE ? 'scale' : 'run');
    const measured = SCALE
      ? await scaleCheck(CONFIG, database, REDIS)
      : METRICS
        ? await metricsCost(CONFIG, database)
        : await harness(database);
    const results = {
      date: started.toISOString(),
      commit: gitCommit(),
      config: {
        ...CONFIG,
        taskset: HAS_TASKSET,
        clockTicks: CLK_TCK,
        database: database.description,
        dist: DIST,
        distDate: distDate(),
        ...(SCALE && {
          redis: REDIS,
          loadGeneratorOwnCore: { oneInstance: HAS_TASKSET, twoInstances: false },
          layout: LAYOUT,
        }),
      },
      machine: machine(),
      versions: versions(database),
      ...measured,
    };
    const suffix = [CONFIG.mode !== 'full' && CONFIG.mode, !SCALE && DATABASE !== 'sqlite' && DATABASE].filter(Boolean);
    const file = writeResults(results, started, suffix);
    (SCALE ? printScaleReport : METRICS ? printMetricsCostReport : printReport)(results);
    console.log(`written to ${file}`);
  } finally {
    await stopAll();
    await database?.drop();
    removeDir(dir);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    void dropAllDatabases().finally(() => process.exit(130));
  });
}

main().catch((error) => {
  console.error('[bench] failed:', error);
  process.exitCode = 1;
});
