import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { KeyRotationService } from '../src/auth/keys/key-rotation.service';
import { ADMIN_ENV, login, loginAsAdmin, registerAndLogin } from './factories/users';
import { createTestApp, TEST_ISSUER } from './utils/create-test-app';
import { api, bearer } from './utils/http';
import { kidOf } from './utils/sessions';

/** Far longer than the test: the verifier below can never fetch the JWKS a second time. */
const NEVER_AGAIN_MS = 24 * 3600 * 1000;

describe('A resource server holding a cached JWKS across a rotation (e2e)', () => {
  let app: NestFastifyApplication;
  let fetches: number;
  let verifyAccessToken: (token: string) => Promise<unknown>;

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
  });

  afterAll(async () => {
    await app.close();
  });

  // A verifier of its own per test, as a resource server started at that moment would hold.
  beforeEach(async () => {
    fetches = 0;
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', await app.getUrl()), {
      cooldownDuration: NEVER_AGAIN_MS,
      cacheMaxAge: NEVER_AGAIN_MS,
      [customFetch]: (...args: Parameters<typeof fetch>) => {
        fetches += 1;
        return fetch(...args);
      },
    });
    verifyAccessToken = async (token) =>
      (await jwtVerify(token, jwks, { issuer: TEST_ISSUER, audience: 'bastion-api', typ: 'at+jwt' })).protectedHeader;
  });

  it.each([
    [
      'POST /admin/keys/rotate',
      async () => {
        const admin = await loginAsAdmin(app);
        const response = await api(app).post('/api/v1/admin/keys/rotate').set(bearer(admin.tokens.accessToken));
        return (response.body as { kid: string }).kid;
      },
    ],
    ['the scheduled or CLI rotation', () => app.get(KeyRotationService).rotate({ actorId: null, via: 'cli' })],
  ])('should verify the first token signed after %s with the JWKS fetched before it', async (_how, rotate) => {
    const user = await registerAndLogin(app);
    // Warms the verifier's cache with a token of the key that signs now: one fetch, and never another.
    await expect(verifyAccessToken(user.tokens.accessToken)).resolves.toMatchObject({ kid: kidOf(user.tokens) });
    expect(fetches).toBe(1);

    const kid = await rotate();
    const first = await login(app, user.email, user.password);

    expect(kidOf(first)).toBe(kid);
    expect(kid).not.toBe(kidOf(user.tokens));
    await expect(verifyAccessToken(first.accessToken)).resolves.toMatchObject({ kid });
    expect(fetches).toBe(1);
  });
});
