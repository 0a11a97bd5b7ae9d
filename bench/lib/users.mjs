import { PASSWORD } from './common.mjs';
import { postJson, request } from './http.mjs';

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

async function expectStatus(label, status, call) {
  const response = await call;
  if (response.status !== status) {
    throw new Error(`${label}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

const getMe = (url, token) => request(url, { headers: { authorization: `Bearer ${token}` } });

/**
 * Registers and logs in each user through the Bastion instances in turn (they share one database), and logs it in on
 * every baseline process: each of those keeps its own key and users, so user.baselineTokens[k] works on baselines[k]
 * alone.
 */
export async function createUsers(bastions, baselines, count, concurrency) {
  const started = performance.now();
  const users = await pool(count, concurrency, async (index) => {
    const email = `bench-${index}@example.com`;
    const bastion = bastions[index % bastions.length];
    await expectStatus(
      `register ${email}`,
      201,
      postJson(`${bastion.url}/api/v1/auth/register`, { email, password: PASSWORD }),
    );
    const login = await expectStatus(
      `login ${email}`,
      200,
      postJson(`${bastion.url}/api/v1/auth/login`, { email, password: PASSWORD }),
    );
    const baselineTokens = [];
    for (const baseline of baselines) {
      const bare = await expectStatus(
        `baseline login ${email}`,
        200,
        postJson(`${baseline.url}/login`, { email, password: PASSWORD }),
      );
      baselineTokens.push(bare.accessToken);
    }
    return { email, accessToken: login.accessToken, refreshToken: login.refreshToken, baselineTokens };
  });
  // fail before any round is measured if a fresh token is refused, by any instance whoever minted it
  for (const [which, bastion] of bastions.entries()) {
    for (const user of users.slice(0, bastions.length)) {
      await expectStatus(
        `instance ${which + 1}: GET /users/me with a fresh token`,
        200,
        getMe(`${bastion.url}/api/v1/users/me`, user.accessToken),
      );
    }
  }
  for (const [which, baseline] of baselines.entries()) {
    await expectStatus(
      `baseline ${which + 1}: GET /users/me with a fresh token`,
      200,
      getMe(`${baseline.url}/users/me`, users[0].baselineTokens[which]),
    );
  }
  return { users, seconds: (performance.now() - started) / 1000 };
}
