import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Database from 'better-sqlite3';
import { verify } from 'jsonwebtoken';
import { createPublicKey, generateKeyPairSync, JsonWebKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { KeyRing } from '../src/auth/keys/key-ring.service';
import { JwtAlgorithm } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { login, register, registerAndLogin, TokenBody } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectProblem } from './utils/http';
import { decodeJwt, signJwt, signWithAppKey } from './utils/jwt';
import { createTestDatabase, TestDatabase } from './utils/test-database';

type Jwk = JsonWebKey & { kid: string; alg: string; use: string };

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

async function jwksOf(app: NestFastifyApplication): Promise<Jwk[]> {
  const response = await api(app).get('/.well-known/jwks.json').expect(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return (response.body as { keys: Jwk[] }).keys;
}

describe('JWKS (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('should publish the active and the next RS256 key with kid, kty, alg and use, and nothing private', async () => {
    const keys = await jwksOf(app);

    const ring = app.get(KeyRing);
    expect(keys.map((key) => key.kid).sort()).toEqual([ring.activeKey.kid, ring.nextKey!.kid].sort());
    for (const key of keys) {
      expect(key).toEqual({ kid: key.kid, kty: 'RSA', alg: 'RS256', use: 'sig', n: expect.any(String), e: 'AQAB' });
      for (const member of PRIVATE_MEMBERS) {
        expect(key).not.toHaveProperty(member);
      }
    }
  });

  it('should be public and cacheable', async () => {
    const response = await api(app).get('/.well-known/jwks.json').expect(200);

    expect(response.headers['cache-control']).toMatch(/\bpublic\b/);
  });
});

describe.each<[JwtAlgorithm, Partial<Jwk>]>([
  ['ES256', { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) }],
  ['PS256', { kty: 'RSA', n: expect.any(String), e: 'AQAB' }],
])('JWT_ALGORITHM=%s (e2e)', (algorithm, publicMembers) => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { JWT_ALGORITHM: algorithm } });
  });

  afterAll(async () => {
    await app.close();
  });

  it(`should sign access tokens with ${algorithm} and accept them on GET /users/me`, async () => {
    const { user, tokens } = await registerAndLogin(app);

    expect(decodeJwt(tokens.accessToken).header).toEqual({ alg: algorithm, kid: expect.any(String), typ: 'at+jwt' });
    expect((await api(app).get('/api/v1/users/me').set(bearer(tokens.accessToken)).expect(200)).body).toEqual(user);
  });

  it(`should publish a ${algorithm} key in the JWKS that verifies the tokens, and nothing private`, async () => {
    const { tokens } = await registerAndLogin(app);
    const keys = await jwksOf(app);

    // The signing key and the next key, published before it signs.
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toEqual({ kid: key.kid, alg: algorithm, use: 'sig', ...publicMembers });
      for (const member of PRIVATE_MEMBERS) {
        expect(key).not.toHaveProperty(member);
      }
    }
    const signing = keys.find((key) => key.kid === decodeJwt(tokens.accessToken).header.kid);
    expect(signing).toBeDefined();
    const publicKey = createPublicKey({ key: signing!, format: 'jwk' });
    expect(verify(tokens.accessToken, publicKey, { algorithms: [algorithm] })).toMatchObject({ roles: ['user'] });
  });

  it('should accept a token re-signed unchanged with the ring key (the signer below is sound)', async () => {
    const { tokens } = await registerAndLogin(app);
    const { header, claims } = decodeJwt(tokens.accessToken);

    await api(app)
      .get('/api/v1/users/me')
      .set(bearer(signWithAppKey(app, header, claims)))
      .expect(200);
  });

  it('should refuse an RS256 token even when its kid is the ring’s', async () => {
    const { tokens } = await registerAndLogin(app);
    const { header, claims } = decodeJwt(tokens.accessToken);
    // Under PS256 the ring key is itself RSA: only the algorithm differs from a token the ring would accept.
    const rsaKey =
      algorithm === 'PS256'
        ? app.get(KeyRing).activeKey.signingKey
        : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

    const response = await api(app)
      .get('/api/v1/users/me')
      .set(bearer(signJwt({ ...header, alg: 'RS256' }, claims, rsaKey)));

    expectProblem(response, 401);
  });
});

describe('JWT_ALGORITHM=HS256 (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { JWT_ALGORITHM: 'HS256' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should sign access tokens with HS256 and accept them on GET /users/me', async () => {
    const { user, tokens } = await registerAndLogin(app);

    expect(decodeJwt(tokens.accessToken).header).toEqual({ alg: 'HS256', kid: expect.any(String), typ: 'at+jwt' });
    expect((await api(app).get('/api/v1/users/me').set(bearer(tokens.accessToken)).expect(200)).body).toEqual(user);
  });

  it('should publish an empty JWK set: the secret never leaves the service', async () => {
    const response = await api(app).get('/.well-known/jwks.json').expect(200);

    expect(response.body).toEqual({ keys: [] });
  });

  it('should refuse an HS256 token made with another secret', async () => {
    const { tokens } = await registerAndLogin(app);
    const { header, claims } = decodeJwt(tokens.accessToken);

    const response = await api(app)
      .get('/api/v1/users/me')
      .set(bearer(signJwt(header, claims, randomBytes(32))));

    expectProblem(response, 401);
  });
});

describe('Key ring persistence across restarts (e2e)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  /** The rows of signing_keys as stored, read straight from the database the apps used. */
  async function storedKeys(): Promise<{ kid: string; stored: string }[]> {
    const url = database.env.DATABASE_URL;
    const sql = 'SELECT kid, encrypted_private_key AS stored FROM signing_keys';
    if (!url.startsWith('sqlite:')) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<{ kid: string; stored: string }>(sql)).rows;
      } finally {
        await client.end();
      }
    }
    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(sql).all() as { kid: string; stored: string }[];
    } finally {
      db.close();
    }
  }

  it('should keep verifying tokens issued before a restart, store the private key only encrypted, and refuse another secret', async () => {
    const env = database.env;
    const first = await createTestApp({ env });
    let tokens: TokenBody;
    let kid: string;
    let nextKid: string;
    let privateDer: Buffer;
    try {
      const registered = await register(first);
      tokens = await login(first, registered.email, registered.password);
      kid = first.get(KeyRing).activeKey.kid;
      nextKid = first.get(KeyRing).nextKey!.kid;
      privateDer = first.get(KeyRing).activeKey.signingKey.export({ format: 'der', type: 'pkcs8' });
    } finally {
      await first.close();
    }

    // At rest: the row holds ciphertext, and (on SQLite) the private key appears nowhere in the file.
    if (env.DATABASE_URL.startsWith('sqlite:')) {
      const file = readFileSync(env.DATABASE_URL.slice('sqlite:'.length));
      expect(file.includes(privateDer)).toBe(false);
      expect(file.includes(Buffer.from(privateDer.toString('base64')))).toBe(false);
    }
    const rows = await storedKeys();
    expect(rows.map((row) => row.kid).sort()).toEqual([kid, nextKid].sort());
    for (const row of rows) {
      // A PEM or base64 DER key would start with its header; "MII" inside random ciphertext is mere chance.
      expect(row.stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(row.stored).not.toMatch(/PRIVATE KEY|^MII/);
      expect(row.stored).not.toContain(privateDer.toString('hex'));
      expect(row.stored).not.toContain(privateDer.toString('base64'));
      expect(row.stored).not.toContain(privateDer.toString('base64url'));
    }

    const second = await createTestApp({ env });
    try {
      await api(second).get('/api/v1/users/me').set(bearer(tokens.accessToken)).expect(200);
      expect((await jwksOf(second)).map((key) => key.kid).sort()).toEqual([kid, nextKid].sort());
      expect(second.get(KeyRing).activeKey.kid).toBe(kid);
      await api(second).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200);
    } finally {
      await second.close();
    }

    // A secret the configuration accepts, so the start can only fail on decrypting the stored key.
    const otherSecret = 'an0ther-k3y-encrypti0n-value-7a6b5c4d3e2f1';
    expect(loadConfig({ KEY_ENCRYPTION_SECRET: otherSecret }).keyEncryptionSecret).toBe(otherSecret);
    await expect(createTestApp({ env: { ...env, KEY_ENCRYPTION_SECRET: otherSecret } })).rejects.toThrow(
      /decrypt.*KEY_ENCRYPTION_SECRET/,
    );
  });
});
