import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, TEST_ISSUER } from './utils/create-test-app';
import { api } from './utils/http';

const DOCUMENTS = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];

describe('Discovery: GET /.well-known/oauth-authorization-server and /.well-known/openid-configuration (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { JWT_ALGORITHM: 'ES256' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it.each(DOCUMENTS)('should answer %s to anyone, cacheable like the JWKS', async (path) => {
    const response = await api(app).get(path).expect(200);

    expect(response.headers['content-type']).toMatch(/^application\/json\b/);
    expect(response.headers['cache-control']).toBe('public, max-age=60');
  });

  it.each(DOCUMENTS)('should name the issuer of the tokens, their keys and their algorithm at %s', async (path) => {
    const response = await api(app).get(path).expect(200);

    expect(response.body).toEqual({
      issuer: TEST_ISSUER,
      jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
      response_types_supported: [],
      grant_types_supported: [],
      token_endpoint_auth_methods_supported: [],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
  });

  it('should serve the metadata at the root only, like the JWKS', async () => {
    for (const path of DOCUMENTS) {
      await api(app).get(`/api/v1${path}`).expect(404);
    }
  });
});
