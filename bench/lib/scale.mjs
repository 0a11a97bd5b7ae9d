// The scale check (issue 5): one instance on one core against two instances on two cores, for Bastion and for the
// baseline. The two Bastion instances share one PostgreSQL database and, through Redis, their revocations; the two
// baseline processes share nothing (each has its own key and users). Both pairs stay up for the whole check, and the
// one-instance rounds load only the first of each pair, so that both cases run on the same warmed-up processes.
import { log, sleep } from './common.mjs';
import { request } from './http.mjs';
import { cpuMeter } from './measurements.mjs';
import { freePort, pinLoadGenerator, startBaseline, startBastion } from './processes.mjs';
import { cannon, interleave, rotatingGet, rotatingLogin, summarise } from './scenarios.mjs';
import { createUsers } from './users.mjs';

// only two cores exist, so with two instances the load generator cannot have one of its own
export const LAYOUT = {
  oneInstance: 'server on CPU 0; load generator on CPU 1, beside the idle second instance',
  twoInstances: 'servers on CPU 0 and CPU 1; load generator unpinned, sharing both CPUs with the servers',
  always: 'PostgreSQL and Redis unpinned',
};
const LOAD_CPUS = { 1: '1', 2: '0,1' };

/** Two Bastion instances and two baseline processes, one of each pinned to each CPU. */
async function startPairs(database, redis) {
  const bastions = [];
  const baselines = [];
  // one after the other: the first Bastion migrates the database and makes the signing key, the second loads them
  for (const cpu of [0, 1]) {
    const bastion = await startBastion(await freePort(), database.url, { cpu, redis });
    bastions.push({ ...bastion, cpu, databasePid: database.serverPid });
    baselines.push({ ...(await startBaseline(await freePort(), cpu)), cpu });
  }
  for (const bastion of bastions) {
    await expectRedisUp(bastion, redis.url);
  }
  return { bastions, baselines };
}

async function expectRedisUp(bastion, redisUrl) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { body } = await request(`${bastion.url}/health`);
    if (body?.checks?.redis === 'up') {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${bastion.url}: Redis at ${redisUrl} is ${body?.checks?.redis}`);
    }
    await sleep(100);
  }
}

// autocannon's results of parallel runs as one, so that one invalid part invalidates the round
function merge(runs) {
  const results = runs.map((run) => run.result);
  const sum = (pick) => results.reduce((total, result) => total + (pick(result) ?? 0), 0);
  const statusCodeStats = {};
  for (const result of results) {
    for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
      statusCodeStats[code] = { count: (statusCodeStats[code]?.count ?? 0) + count };
    }
  }
  return {
    result: {
      requests: { total: sum((result) => result.requests.total) },
      duration: Math.max(...results.map((result) => result.duration)),
      non2xx: sum((result) => result.non2xx),
      errors: sum((result) => result.errors),
      timeouts: sum((result) => result.timeouts),
      statusCodeStats,
    },
    samples: Float64Array.from(runs.flatMap((run) => [...run.samples])).sort(),
  };
}

// one autocannon per server, side by side in this process, each with its share of the connections
async function measureSpread(servers, optionsFor, connections, seconds) {
  const share = Math.max(1, Math.round(connections / servers.length));
  const meter = cpuMeter(
    servers.map((server) => server.pid),
    servers[0].databasePid,
  );
  const runs = await Promise.all(
    servers.map((server, which) =>
      cannon({ ...optionsFor(server, which, share), connections: share, duration: seconds }),
    ),
  );
  const { serverUs, ...cores } = meter();
  return {
    ...summarise(merge(runs), serverUs),
    ...cores,
    reqPerSecByCpu: Object.fromEntries(
      runs.map(({ result }, which) => [`cpu${servers[which].cpu}`, result.requests.total / result.duration]),
    ),
  };
}

function endpoints(config, users) {
  const bastionTokens = users.map((user) => user.accessToken);
  const baselineTokens = (which) => users.map((user) => user.baselineTokens[which]);
  const get = (bastionPath, baselinePath) => ({
    connections: config.connections,
    bastion: (server, _which, share) => rotatingGet(server.url, bastionPath, bastionTokens, share),
    baseline: (server, which, share) => rotatingGet(server.url, baselinePath, baselineTokens(which), share),
  });
  return [
    { key: 'usersMe', label: 'GET /users/me', ...get('/api/v1/users/me', '/users/me') },
    { key: 'verify', label: 'GET /auth/verify', ...get('/api/v1/auth/verify', '/verify') },
    {
      key: 'login',
      label: 'POST /auth/login',
      connections: config.loginConnections,
      bastion: (server) => rotatingLogin(server.url, users),
      baseline: (server) => rotatingLogin(server.url, users, '/login'),
    },
  ];
}

const ratio = (two, one) => (two.reqPerSec && one.reqPerSec ? two.reqPerSec / one.reqPerSec : null);

/** Rounds interleave bastion ×1, ×2, baseline ×1, ×2 for each endpoint; the ratio is ×2 over ×1. */
async function measureEndpoints(config, pairs, users) {
  const scenarios = {};
  for (const endpoint of endpoints(config, users)) {
    const targets = [];
    for (const kind of ['bastion', 'baseline']) {
      for (const count of [1, 2]) {
        const servers = pairs[`${kind}s`].slice(0, count);
        targets.push({
          name: `${kind}${count}`,
          measure: (seconds) => {
            pinLoadGenerator(LOAD_CPUS[count]);
            return measureSpread(servers, endpoint[kind], endpoint.connections, seconds);
          },
        });
      }
    }
    const scenario = await interleave(config, `scale ${endpoint.label}`, targets);
    scenario.connections = endpoint.connections;
    scenario.bastionRatio = ratio(scenario.bastion2, scenario.bastion1);
    scenario.baselineRatio = ratio(scenario.baseline2, scenario.baseline1);
    scenarios[endpoint.key] = scenario;
  }
  return scenarios;
}

export async function scaleCheck(config, database, redis) {
  log('starting two Bastion instances and two baseline processes, one of each on each CPU');
  const pairs = await startPairs(database, redis);
  log(`creating ${config.users} users through both instances`);
  const setup = await createUsers(pairs.bastions, pairs.baselines, config.users, config.setupConcurrency);
  const scale = await measureEndpoints(config, pairs, setup.users);
  return { setup: { users: setup.users.length, seconds: setup.seconds }, scale };
}
