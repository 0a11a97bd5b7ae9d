import autocannon from 'autocannon';
import { log, PASSWORD } from './common.mjs';
import { cpuMeter, cpuMicros, median, memory, percentileUs } from './measurements.mjs';

// connection i cycles through tokens i, i + connections…, prebuilt: a per-request setupRequest would make the load
// generator, not the server, the bottleneck against the baseline
export function rotatingGet(url, path, tokens, connections) {
  let clients = 0;
  return {
    url,
    setupClient: (client) => {
      const index = clients++ % connections;
      const mine = tokens.filter((_, k) => k % connections === index);
      if (mine.length === 0) {
        mine.push(tokens[index % tokens.length]);
      }
      client.setRequests(mine.map((token) => ({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } })));
    },
  };
}

export function rotatingLogin(url, users, path = '/api/v1/auth/login') {
  let next = 0;
  return {
    url,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: users[next++ % users.length].email, password: PASSWORD }),
        }),
      },
    ],
  };
}

// one live refresh token per connection in a shared pool; autocannon calls onResponse before it builds the
// connection's next request, so each answer's new token is back in the pool in time
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
          if (status === 200) {
            available.push(JSON.parse(body).refreshToken);
          }
        },
      },
    ],
  };
}

// keeps every 2xx latency because autocannon's own histogram has millisecond resolution
export async function cannon(cannonOptions) {
  const samples = [];
  const tracker = autocannon({ timeout: 10, ...cannonOptions });
  tracker.on('response', (_client, statusCode, _bytes, milliseconds) => {
    if (statusCode >= 200 && statusCode < 300) {
      samples.push(milliseconds);
    }
  });
  const result = await tracker;
  return { result, samples: Float64Array.from(samples).sort() };
}

export async function measure(server, cannonOptions, seconds, connections) {
  const meter = cpuMeter([server.pid], server.databasePid);
  const run = await cannon({ ...cannonOptions, connections, duration: seconds });
  const { serverUs, ...cores } = meter();
  return { ...summarise(run, serverUs), ...cores };
}

// a round with any non-2xx answer, error or timeout is invalid and left out of the median
export function summarise({ result, samples }, cpuUs) {
  const total = result.requests.total;
  const problems = [];
  if (result.non2xx > 0) {
    problems.push(`${result.non2xx} non-2xx`);
  }
  if (result.errors > 0) {
    problems.push(`${result.errors} errors`);
  }
  if (result.timeouts > 0) {
    problems.push(`${result.timeouts} timeouts`);
  }
  if (total === 0) {
    problems.push('no answer');
  }
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
  const pick = (key) => median(valid.map((round) => round[key]).filter(Number.isFinite));
  return {
    reqPerSec: pick('reqPerSec'),
    p50Us: pick('p50Us'),
    p99Us: pick('p99Us'),
    cpuUsPerReq: pick('cpuUsPerReq'),
    loadCores: pick('loadCores'),
    databaseCores: pick('databaseCores'),
    otherCores: pick('otherCores'),
    validRounds: valid.length,
    invalidRounds: rounds.length - valid.length,
    rounds,
  };
}

/**
 * Rounds alternate A, B, A, B… after a warm-up of each, so a drift in the machine's load hits every target alike.
 * A target is { name, measure(seconds) → a summary }; the result has each target's aggregate under its name.
 */
export async function interleave(config, label, targets) {
  log(`${label}: warm-up`);
  for (const target of targets) {
    const warm = await target.measure(config.warmupSeconds);
    if (!warm.valid) {
      log(`${label}: ${target.name} warm-up invalid: ${warm.problems}`);
    }
  }
  const rounds = targets.map(() => []);
  for (let index = 0; index < config.rounds; index++) {
    for (const [which, target] of targets.entries()) {
      const result = await target.measure(config.seconds);
      if (!result.valid) {
        log(`${label}: ${target.name} round ${index + 1} INVALID: ${result.problems}`);
      }
      rounds[which].push(result);
    }
  }
  return Object.fromEntries(targets.map((target, which) => [target.name, aggregate(rounds[which])]));
}

// one server per target, named after it, with its memory at the end
async function interleaved(config, label, targets) {
  const results = await interleave(
    config,
    label,
    targets.map(({ server, options, connections }) => ({
      name: server.name,
      measure: (seconds) => measure(server, options(), seconds, connections),
    })),
  );
  for (const { server } of targets) {
    Object.assign(results[server.name], memory(server.pid));
  }
  return results;
}

// /users/me alone alternates with /users/me beside a login storm on a few other connections
async function storm(config, bastion, users) {
  const tokens = users.map((user) => user.accessToken);
  const usersMe = () => rotatingGet(bastion.url, '/api/v1/users/me', tokens, config.connections);
  const login = () => rotatingLogin(bastion.url, users);
  const calm = [];
  const stormy = [];
  const logins = [];
  log('storm: warm-up');
  await Promise.all([
    cannon({ ...usersMe(), connections: config.connections, duration: config.warmupSeconds }),
    cannon({ ...login(), connections: config.stormLoginConnections, duration: config.warmupSeconds }),
  ]);
  for (let index = 0; index < config.rounds; index++) {
    const result = await measure(bastion, usersMe(), config.seconds, config.connections);
    if (!result.valid) {
      log(`storm: calm round ${index + 1} INVALID: ${result.problems}`);
    }
    calm.push(result);
    const cpuBefore = cpuMicros(bastion.pid);
    const [me, loginResult] = await Promise.all([
      cannon({ ...usersMe(), connections: config.connections, duration: config.seconds }),
      cannon({ ...login(), connections: config.stormLoginConnections, duration: config.seconds }),
    ]);
    const cpuUs = cpuMicros(bastion.pid) - cpuBefore;
    const meSummary = summarise(me);
    const loginSummary = summarise(loginResult);
    meSummary.cpuUsPerReq = cpuUs / (me.result.requests.total + loginResult.result.requests.total);
    if (!loginSummary.valid) {
      meSummary.valid = false;
      meSummary.problems = [meSummary.problems, `login: ${loginSummary.problems}`].filter(Boolean).join(', ');
    }
    if (!meSummary.valid) {
      log(`storm: stormy round ${index + 1} INVALID: ${meSummary.problems}`);
    }
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

export async function runScenarios(config, bastion, baseline, users, argon2) {
  const C = config.connections;
  const bastionTokens = users.map((user) => user.accessToken);
  const baselineTokens = users.map((user) => user.baselineTokens[0]);
  const scenarios = {};
  scenarios.usersMe = await interleaved(config, 'GET /users/me', [
    { server: bastion, connections: C, options: () => rotatingGet(bastion.url, '/api/v1/users/me', bastionTokens, C) },
    { server: baseline, connections: C, options: () => rotatingGet(baseline.url, '/users/me', baselineTokens, C) },
  ]);
  scenarios.verify = await interleaved(config, 'GET /auth/verify', [
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
  scenarios.login = await interleaved(config, 'POST /auth/login', [
    { server: bastion, connections: config.loginConnections, options: () => rotatingLogin(bastion.url, users) },
  ]);
  scenarios.login.ratioToArgon2 = scenarios.login.bastion.reqPerSec
    ? scenarios.login.bastion.reqPerSec / argon2.perSecond
    : null;
  scenarios.storm = await storm(config, bastion, users);

  // refresh last: each round (and the warm-up) starts its chains from a fresh slice of the users' refresh tokens
  const refreshConnections = Math.max(1, Math.min(C, Math.floor(users.length / (config.rounds + 1))));
  let slice = 0;
  scenarios.refresh = await interleaved(config, 'POST /auth/refresh', [
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
  return scenarios;
}
