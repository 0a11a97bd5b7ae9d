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

export async function createUsers(bastion, baseline, count, concurrency) {
  const started = performance.now();
  const users = await pool(count, concurrency, async (index) => {
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
  // fail before any round is measured if a fresh token is refused
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
