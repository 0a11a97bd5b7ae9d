import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createTestApp } from './utils/create-test-app';
import { api, expectProblem } from './utils/http';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; schema: { type?: string; format?: string } }[];
  responses: Record<
    string,
    { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }
  >;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, unknown>;
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
}

// Every route of api.md, and whether it needs a bearer token.
const ROUTES: [method: string, path: string, needsToken: boolean][] = [
  ['post', '/api/v1/auth/register', false],
  ['post', '/api/v1/auth/login', false],
  ['post', '/api/v1/auth/refresh', false],
  ['post', '/api/v1/auth/logout', true],
  ['get', '/api/v1/users/me', true],
  ['patch', '/api/v1/users/me', true],
  ['delete', '/api/v1/users/me', true],
  ['get', '/api/v1/users', true],
  ['get', '/api/v1/users/{id}', true],
  ['patch', '/api/v1/users/{id}', true],
  ['delete', '/api/v1/users/{id}', true],
  ['post', '/api/v1/auth/logout-all', true],
  ['get', '/api/v1/auth/verify', true],
  ['get', '/api/v1/auth/sessions', true],
  ['delete', '/api/v1/auth/sessions/{id}', true],
  ['post', '/api/v1/auth/password', true],
  ['post', '/api/v1/auth/email/verify', false],
  ['post', '/api/v1/auth/email/resend', false],
  ['post', '/api/v1/auth/password/forgot', false],
  ['post', '/api/v1/auth/password/reset', false],
  ['post', '/api/v1/admin/keys/rotate', true],
  ['post', '/api/v1/auth/mfa/totp/setup', true],
  ['post', '/api/v1/auth/mfa/totp/confirm', true],
  ['delete', '/api/v1/auth/mfa/totp', true],
  ['post', '/api/v1/auth/mfa/recovery-codes', true],
  ['post', '/api/v1/auth/mfa/verify', false],
  ['get', '/api/v1/admin/audit', true],
  ['get', '/.well-known/jwks.json', false],
  ['get', '/.well-known/oauth-authorization-server', false],
  ['get', '/.well-known/openid-configuration', false],
  ['get', '/health', false],
  ['get', '/health/live', false],
];
const PUBLIC_OPERATIONS = ROUTES.filter(([, , needsToken]) => !needsToken).map(([method, path]) => `${method} ${path}`);

function operations(document: OpenApiDocument): [method: string, path: string, operation: Operation][] {
  return Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]): [string, string, Operation] => [method, path, operation]),
  );
}

describe('OpenAPI (e2e)', () => {
  let app: NestFastifyApplication;
  let document: OpenApiDocument;

  beforeAll(async () => {
    app = await createTestApp();
    document = (await api(app).get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await app.close();
  });

  it('should serve Swagger UI as HTML at /docs', async () => {
    const response = await api(app).get('/docs').expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toMatch(/swagger/i);
  });

  it('should serve an OpenAPI 3 document at /docs-json', () => {
    expect(document.openapi).toMatch(/^3\./);
  });

  it.each(ROUTES)('should document %s %s', (method, path) => {
    expect(document.paths[path]?.[method]).toBeDefined();
  });

  it('should give every operation a unique camelCase operationId named for what it does', () => {
    const ids = operations(document).map(([, , operation]) => operation.operationId);

    expect(ids.filter((id) => !/^[a-z][a-zA-Z]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.paths['/api/v1/auth/login'].post.operationId).toBe('login');
    expect(document.paths['/api/v1/users/{id}'].get.operationId).toBe('getUser');
  });

  it('should declare the bearer security scheme', () => {
    expect(Object.values(document.components.securitySchemes)).toContainEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
  });

  it('should mark every operation as needing the bearer token, except the public ones', () => {
    const schemeNames = Object.keys(document.components.securitySchemes);
    for (const [method, path, operation] of operations(document)) {
      const isPublic = PUBLIC_OPERATIONS.includes(`${method} ${path}`);
      expect({ operation: `${method} ${path}`, security: operation.security }).toEqual({
        operation: `${method} ${path}`,
        security: isPublic ? [] : [{ [schemeNames[0]]: [] }],
      });
    }
  });

  it('should tell the truth about security: every secured operation answers 401 without a token, no public one does', async () => {
    for (const [method, path, operation] of operations(document)) {
      const url = path.replace('{id}', randomUUID());
      const response = await api(app)[method as 'get' | 'post' | 'patch' | 'delete'](url).send({});
      const name = `${method.toUpperCase()} ${path}`;
      if (operation.security?.length) {
        expect({ name, status: response.status }).toEqual({ name, status: 401 });
        expectProblem(response, 401);
      } else {
        expect({ name, unauthorized: response.status === 401 }).toEqual({ name, unauthorized: false });
      }
    }
  });

  it.each([
    ['post', '/api/v1/auth/register', ['email', 'password', 'displayName'], ['email', 'password']],
    ['post', '/api/v1/auth/login', ['email', 'password', 'deviceToken'], ['email', 'password']],
    ['post', '/api/v1/auth/refresh', ['refreshToken'], ['refreshToken']],
    ['patch', '/api/v1/users/me', ['displayName'], ['displayName']],
    ['delete', '/api/v1/users/me', ['password'], ['password']],
    ['post', '/api/v1/auth/mfa/totp/confirm', ['password', 'code'], ['password', 'code']],
    ['delete', '/api/v1/auth/mfa/totp', ['password', 'code'], ['password', 'code']],
    ['post', '/api/v1/auth/mfa/recovery-codes', ['password', 'code'], ['password', 'code']],
    ['post', '/api/v1/auth/mfa/verify', ['mfaToken', 'code', 'recoveryCode'], ['mfaToken']],
    ['patch', '/api/v1/users/{id}', ['displayName', 'roles', 'disabled'], []],
  ])('should describe the request body of %s %s with its properties', (method, path, properties, required) => {
    const ref = document.paths[path][method].requestBody?.content['application/json'].schema.$ref;
    expect(ref).toMatch(/^#\/components\/schemas\//);
    const schema = document.components.schemas[(ref as string).split('/').pop() as string];

    expect(Object.keys(schema.properties ?? {}).sort()).toEqual([...properties].sort());
    expect([...(schema.required ?? [])].sort()).toEqual([...required].sort());
  });

  it.each([
    ['post', '/api/v1/auth/register', '201', 'UserResponseDto'],
    ['post', '/api/v1/auth/refresh', '200', 'TokenResponseDto'],
    ['post', '/api/v1/auth/logout', '204', null],
    ['get', '/api/v1/users/me', '200', 'UserResponseDto'],
    ['patch', '/api/v1/users/me', '200', 'UserResponseDto'],
    ['delete', '/api/v1/users/me', '204', null],
    ['get', '/api/v1/users', '200', 'UserPageDto'],
    ['get', '/api/v1/users/{id}', '200', 'UserResponseDto'],
    ['patch', '/api/v1/users/{id}', '200', 'UserResponseDto'],
    ['delete', '/api/v1/users/{id}', '204', null],
    ['get', '/.well-known/jwks.json', '200', 'JwksDto'],
    ['get', '/health', '200', 'HealthDto'],
    ['get', '/health/live', '200', 'LivenessDto'],
    ['post', '/api/v1/auth/logout-all', '204', null],
    ['get', '/api/v1/auth/verify', '200', 'VerifyResponseDto'],
    ['delete', '/api/v1/auth/sessions/{id}', '204', null],
    ['post', '/api/v1/auth/password', '204', null],
    ['post', '/api/v1/admin/keys/rotate', '201', 'RotatedKeyDto'],
    ['get', '/api/v1/admin/audit', '200', 'AuditPageDto'],
    ['post', '/api/v1/auth/mfa/totp/setup', '200', 'TotpSetupResponseDto'],
    ['post', '/api/v1/auth/mfa/totp/confirm', '200', 'RecoveryCodesResponseDto'],
    ['delete', '/api/v1/auth/mfa/totp', '204', null],
    ['post', '/api/v1/auth/mfa/recovery-codes', '200', 'RecoveryCodesResponseDto'],
    ['post', '/api/v1/auth/mfa/verify', '200', 'TokenResponseDto'],
  ])('should document the success answer of %s %s: %s %s', (method, path, status, schemaName) => {
    const response = document.paths[path][method].responses[status];

    expect(response).toBeDefined();
    const ref = response.content?.['application/json'].schema.$ref;
    expect(ref).toBe(schemaName === null ? undefined : `#/components/schemas/${schemaName}`);
  });

  it('should document both answers of a login: tokens, or the two-factor step', () => {
    const schema = document.paths['/api/v1/auth/login'].post.responses['200'].content?.['application/json'].schema as {
      oneOf?: { $ref: string }[];
    };

    expect(schema.oneOf).toEqual([
      { $ref: '#/components/schemas/TokenResponseDto' },
      { $ref: '#/components/schemas/MfaRequiredResponseDto' },
    ]);
    expect(document.components.schemas.MfaRequiredResponseDto.required?.sort()).toEqual([
      'expiresIn',
      'mfaRequired',
      'mfaToken',
    ]);
  });

  it('should document page, limit and search of GET /users as optional query parameters', () => {
    const parameters = document.paths['/api/v1/users'].get.parameters ?? [];

    expect(parameters.map(({ name, in: location, required }) => ({ name, location, required }))).toEqual([
      { name: 'page', location: 'query', required: false },
      { name: 'limit', location: 'query', required: false },
      { name: 'search', location: 'query', required: false },
    ]);
  });

  it('should declare every error answer as application/problem+json with the ProblemDto schema', () => {
    for (const [method, path, operation] of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status.startsWith('4') || (status === '503' && path !== '/health')) {
          expect({ at: `${method} ${path} ${status}`, content: response.content }).toEqual({
            at: `${method} ${path} ${status}`,
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
          });
        }
      }
    }
  });

  it('should declare the 400 of unknown query parameters everywhere, and 413/415 wherever a body is read', () => {
    for (const [method, path, operation] of operations(document)) {
      const statuses = Object.keys(operation.responses);
      const expected = operation.requestBody ? ['400', '413', '415'] : ['400'];
      expect({ at: `${method} ${path}`, missing: expected.filter((status) => !statuses.includes(status)) }).toEqual({
        at: `${method} ${path}`,
        missing: [],
      });
    }
  });

  it('should declare WWW-Authenticate on the 401 of bearer routes and Retry-After on every 429', () => {
    for (const [method, path, operation] of operations(document)) {
      const at = `${method} ${path}`;
      if (operation.security?.length) {
        expect({ at, headers: Object.keys(operation.responses['401'].headers ?? {}) }).toEqual({
          at,
          headers: ['WWW-Authenticate'],
        });
      }
      if (operation.responses['429']) {
        expect({ at, headers: Object.keys(operation.responses['429'].headers ?? {}) }).toEqual({
          at,
          headers: ['Retry-After'],
        });
      }
    }
    expect(document.paths['/api/v1/auth/login'].post.responses['429']).toBeDefined();
    expect(Object.keys(document.paths['/api/v1/auth/verify'].get.responses['200'].headers ?? {})).toEqual([
      'X-Auth-User-Id',
      'X-Auth-Roles',
      'X-Auth-Session-Id',
      'X-Auth-Amr',
    ]);
  });

  it('should type path ids as uuids and counts as integers', () => {
    const idParameters = operations(document).flatMap(([, , operation]) =>
      (operation.parameters ?? []).filter((parameter) => parameter.in === 'path'),
    );

    expect(idParameters.length).toBeGreaterThan(0);
    expect(idParameters.map((parameter) => parameter.schema)).toEqual(
      idParameters.map(() => ({ type: 'string', format: 'uuid' })),
    );
    expect(document.components.schemas.UserPageDto.properties?.total).toEqual(
      expect.objectContaining({ type: 'integer' }),
    );
  });

  it('should describe both kinds of public key of the JWKS', () => {
    expect(Object.keys(document.components.schemas.JwkDto.properties ?? {})).toEqual(
      expect.arrayContaining(['kid', 'kty', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y']),
    );
  });

  it('should give an example for every property of every request body', () => {
    const missing = operations(document).flatMap(([method, path, operation]) => {
      const ref = operation.requestBody?.content['application/json'].schema.$ref;
      const schema = ref ? document.components.schemas[ref.split('/').pop() as string] : { properties: {} };
      return Object.entries(schema.properties ?? {})
        .filter(([, property]) => (property as { example?: unknown }).example === undefined)
        .map(([name]) => `${method} ${path} ${name}`);
    });

    expect(missing).toEqual([]);
  });

  it('should leave out /metrics, which Prometheus scrapes with its own token', () => {
    expect(document.paths['/metrics']).toBeUndefined();
  });

  it('should never mention a password hash', () => {
    expect(JSON.stringify(document)).not.toMatch(/passwordHash|password_hash/);
  });
});

describe('OpenAPI in production (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({
      env: {
        NODE_ENV: 'production',
        SMTP_URL: 'none',
        KEY_ENCRYPTION_SECRET: 'Pr0d-grade-k3y-encrypti0n-value-4f3e2d1c0b9a8',
      },
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it.each(['/docs', '/docs-json', '/docs-yaml'])('should not serve %s (404 problem)', async (path) => {
    expectProblem(await api(app).get(path), 404);
  });

  it.each([
    ['without KEY_ENCRYPTION_SECRET', ''],
    ['with a short KEY_ENCRYPTION_SECRET', 'short-but-not-empty'],
    ['with a placeholder KEY_ENCRYPTION_SECRET', 'change-me-change-me-change-me-change-me'],
  ])('should refuse to start %s', async (_name, secret) => {
    await expect(createTestApp({ env: { NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: secret } })).rejects.toThrow(
      /KEY_ENCRYPTION_SECRET/,
    );
  });

  it('should still serve the API', async () => {
    await api(app).get('/health').expect(200);
    await api(app).get('/.well-known/jwks.json').expect(200);
  });
});
