import { log } from './common.mjs';
import { interleave, measure, rotatingGet } from './scenarios.mjs';
import { freePort, startBastion, stop } from './processes.mjs';
import { createUsers } from './users.mjs';

const METRICS_TOKEN = 'bench-only-metrics-4Tq9Zx2Lw7Rv5Nk8Hc3Jb6Fp1Dm0Gs';

/**
 * What logs and metrics together cost /auth/verify (issue 11: at most 10 % of its CPU per request): two instances on
 * one database, one as production runs (METRICS_ENABLED=true, LOG_LEVEL=info: a JSON line per request), one with
 * neither (METRICS_ENABLED=false, LOG_LEVEL=silent), pinned to the same CPU and measured in alternating rounds, so a
 * drift in the machine's load hits both alike. They share the signing keys, so every token verifies on both.
 */
export async function metricsCost(config, database) {
  const [onPort, offPort] = [await freePort(), await freePort()];
  log(`observability cost: Bastion with logs and metrics on ${onPort}, with neither on ${offPort} (${database.kind})`);
  const on = await startBastion(onPort, database.url, {
    env: { METRICS_ENABLED: 'true', METRICS_TOKEN, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
  });
  const off = await startBastion(offPort, database.url, { env: { METRICS_ENABLED: 'false', LOG_LEVEL: 'silent' } });
  try {
    log(`creating ${config.users} users`);
    const { users } = await createUsers([on, off], [], config.users, config.setupConcurrency);
    const tokens = users.map((user) => user.accessToken);
    const target = (name, server) => ({
      name,
      measure: (seconds) =>
        measure(
          server,
          rotatingGet(server.url, '/api/v1/auth/verify', tokens, config.connections),
          seconds,
          config.connections,
        ),
    });
    const verify = await interleave(config, 'GET /auth/verify, logs and metrics on/off', [
      target('metricsOn', on),
      target('metricsOff', off),
    ]);
    await expectScrape(on, off);
    const [withMetrics, without] = [verify.metricsOn.cpuUsPerReq, verify.metricsOff.cpuUsPerReq];
    return { verify, cpuRatio: withMetrics && without ? withMetrics / without : null };
  } finally {
    await Promise.all([stop(on.child), stop(off.child)]);
  }
}

// proof that the two instances differ as intended: one serves the scrape with the verify requests in it, one does not
async function expectScrape(on, off) {
  const headers = { authorization: `Bearer ${METRICS_TOKEN}` };
  const scraped = await fetch(`${on.url}/metrics`, { headers });
  if (scraped.status !== 200 || !(await scraped.text()).includes('route="/api/v1/auth/verify"')) {
    throw new Error(`metrics on: GET /metrics answered ${scraped.status} without the verify requests`);
  }
  const refused = await fetch(`${off.url}/metrics`, { headers });
  if (refused.status !== 404) {
    throw new Error(`metrics off: GET /metrics answered ${refused.status}, not 404`);
  }
}
