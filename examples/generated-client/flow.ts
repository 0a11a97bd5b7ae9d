// The whole session flow through the generated client: register, login, me, refresh, logout, and the refresh that
// must then fail. Prints one line per step; exits 1 at the first step that does not answer as the contract says.
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

const baseUrl = process.env.BASTION_URL;
if (!baseUrl) {
  throw new Error('BASTION_URL is not set');
}
const client = createClient<paths>({ baseUrl });

function check(step: string, ok: boolean, detail: unknown): asserts ok {
  console.log(`${ok ? 'ok' : 'FAILED'} ${step}`);
  if (!ok) {
    console.error(JSON.stringify(detail));
    process.exit(1);
  }
}

const email = `generated-${Date.now()}@example.org`;
const password = 'a generated-client password';

const registered = await client.POST('/api/v1/auth/register', { body: { email, password } });
const account = registered.data && 'email' in registered.data ? registered.data : undefined;
check('register', registered.response.status === 201 && account?.email === email, registered.error);

const login = await client.POST('/api/v1/auth/login', { body: { email, password } });
const tokens = login.data && 'accessToken' in login.data ? login.data : undefined;
check('login', tokens !== undefined, login.error);

const me = await client.GET('/api/v1/users/me', { headers: { Authorization: `Bearer ${tokens.accessToken}` } });
check('me', me.data?.email === email, me.error);

const refresh = await client.POST('/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
const refreshed = refresh.data;
check('refresh', refreshed?.tokenType === 'Bearer', refresh.error);

const logout = await client.POST('/api/v1/auth/logout', {
  headers: { Authorization: `Bearer ${refreshed.accessToken}` },
});
check('logout', logout.response.status === 204, logout.error);

const after = await client.POST('/api/v1/auth/refresh', { body: { refreshToken: refreshed.refreshToken } });
check('refresh after logout is 401', after.response.status === 401 && after.error?.status === 401, after.data);
