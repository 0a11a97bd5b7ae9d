import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { Response } from 'supertest';
import { KeyRing } from '../src/auth/keys/key-ring.service';
import { Clock } from '../src/common/clock';
import { login, register } from './factories/users';
import { createTestApp, TEST_ISSUER } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { api, bearer, expectProblem } from './utils/http';
import { decodeJwt, encodePart, JwtClaims, JwtHeader, signJwt, signWithAppKey, unsignedJwt } from './utils/jwt';

describe('Access token verification (e2e)', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;
  let account: { email: string; password: string };
  let accessToken: string;
  let refreshToken: string;
  let header: JwtHeader;
  let claims: JwtClaims;
  let rejection: Response;

  const getMe = (authorization?: string) => {
    const call = api(app).get('/api/v1/users/me');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  /** The same claims and header as a real token, re-signed by the app's key after `change`. */
  const forged = (change: { header?: JwtHeader; claims?: JwtClaims; drop?: string[] }) => {
    const newClaims: JwtClaims = { ...claims, ...change.claims };
    for (const name of change.drop ?? []) {
      delete newClaims[name];
    }
    return signWithAppKey(app, { ...header, ...change.header }, newClaims);
  };

  /** Asserts the one 401 every bad token gets: same body, and a challenge naming invalid_token. */
  const expectRejected = (response: Response) => {
    expectProblem(response, 401);
    expect(response.text).toBe(rejection.text);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  };

  beforeAll(async () => {
    clock = new FakeClock();
    app = await createTestApp({ override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
    const registered = await register(app);
    account = { email: registered.email, password: registered.password };
    ({ accessToken, refreshToken } = await login(app, account.email, account.password));
    ({ header, claims } = decodeJwt(accessToken));
    rejection = await getMe();
  });

  afterAll(async () => {
    await app.close();
  });

  describe('a request without a token', () => {
    it('should get 401 problem+json with a bare Bearer challenge', () => {
      const body = expectProblem(rejection, 401);

      expect(rejection.headers['www-authenticate']).toBe('Bearer');
      expect(body).toEqual({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: expect.any(String),
      });
    });
  });

  describe('a valid token', () => {
    it('should be accepted as issued', async () => {
      await getMe(`Bearer ${accessToken}`).expect(200);
    });

    it('should be accepted when re-signed unchanged by the app key (so every forgery below differs only in what it changes)', async () => {
      await getMe(`Bearer ${forged({})}`).expect(200);
    });

    it.each(['bearer', 'BEARER', 'BeArEr'])('should be accepted with the scheme written %s', async (scheme) => {
      await getMe(`${scheme} ${accessToken}`).expect(200);
    });

    it('should be accepted with typ application/at+jwt', async () => {
      await getMe(`Bearer ${forged({ header: { typ: 'application/at+jwt' } })}`).expect(200);
    });

    it('should be accepted until exp and refused a few seconds after it', async () => {
      const now = Math.floor(Date.now() / 1000);
      const fresh = forged({ claims: { iat: now - 895, nbf: now - 895, exp: now + 5 } });
      const stale = forged({ claims: { iat: now - 905, nbf: now - 905, exp: now - 5 } });

      await getMe(`Bearer ${fresh}`).expect(200);
      expectRejected(await getMe(`Bearer ${stale}`));
    });
  });

  describe('a token that must be refused', () => {
    it('should refuse an unsigned token (alg none)', async () => {
      expectRejected(await getMe(`Bearer ${unsignedJwt(claims)}`));
      expectRejected(await getMe(`Bearer ${unsignedJwt(claims, { alg: 'none', kid: header.kid, typ: 'at+jwt' })}`));
    });

    it('should refuse a token whose payload was changed after signing (roles raised to admin)', async () => {
      const [encodedHeader, , signature] = accessToken.split('.');
      const tampered = `${encodedHeader}.${encodePart({ ...claims, roles: ['admin', 'user'] })}.${signature}`;

      expectRejected(await getMe(`Bearer ${tampered}`));
    });

    it('should refuse a token signed by another key under the same kid', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

      expectRejected(await getMe(`Bearer ${signJwt(header, claims, privateKey)}`));
    });

    it('should refuse a token carrying its own key in a jwk header', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = publicKey.export({ format: 'jwk' });

      expectRejected(await getMe(`Bearer ${signJwt({ ...header, jwk }, claims, privateKey)}`));
    });

    it('should refuse a token of another audience', async () => {
      expectRejected(await getMe(`Bearer ${forged({ claims: { aud: 'some-other-api' } })}`));
      expectRejected(await getMe(`Bearer ${forged({ claims: { aud: ['some-other-api'] } })}`));
    });

    it('should refuse a token of another issuer', async () => {
      expectRejected(await getMe(`Bearer ${forged({ claims: { iss: 'https://evil.example' } })}`));
      expectRejected(await getMe(`Bearer ${forged({ claims: { iss: `${TEST_ISSUER}/` } })}`));
    });

    it('should refuse an expired token (minted by the app an hour ago)', async () => {
      clock.advanceSeconds(-3600);
      let old: string;
      try {
        old = (await login(app, account.email, account.password)).accessToken;
      } finally {
        clock.advanceSeconds(3600);
      }

      expect((decodeJwt(old).claims.exp as number) * 1000).toBeLessThan(Date.now());
      expectRejected(await getMe(`Bearer ${old}`));
    });

    it('should refuse a token that is not valid yet (nbf in the future)', async () => {
      clock.advanceSeconds(120);
      let early: string;
      try {
        early = (await login(app, account.email, account.password)).accessToken;
      } finally {
        clock.advanceSeconds(-120);
      }

      expect((decodeJwt(early).claims.nbf as number) * 1000).toBeGreaterThan(Date.now());
      expectRejected(await getMe(`Bearer ${early}`));
    });

    it.each(['sid', 'jti', 'exp', 'sub', 'roles', 'nbf', 'iat'])(
      'should refuse a token without the %s claim',
      async (claim) => {
        expectRejected(await getMe(`Bearer ${forged({ drop: [claim] })}`));
      },
    );

    it('should refuse a token that lives longer than the access-token TTL', async () => {
      const exp = (claims.iat as number) + 24 * 3600;

      expectRejected(await getMe(`Bearer ${forged({ claims: { exp } })}`));
    });

    it('should refuse a token with a role that does not exist', async () => {
      expectRejected(await getMe(`Bearer ${forged({ claims: { roles: ['superuser'] } })}`));
    });

    it.each([
      ['typ JWT', { typ: 'JWT' }],
      ['typ jwt', { typ: 'jwt' }],
      ['typ application/jwt', { typ: 'application/jwt' }],
      ['no typ', {}],
    ])('should refuse a token with %s', async (_name, typ) => {
      const token = signWithAppKey(app, { alg: header.alg, kid: header.kid, ...typ }, claims);

      expectRejected(await getMe(`Bearer ${token}`));
    });

    it.each([
      ['jku', 'https://evil.example/jwks.json'],
      ['x5u', 'https://evil.example/cert.pem'],
      ['x5c', ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA']],
      ['crit', ['exp']],
      ['jwk', { kty: 'oct', k: 'c2VjcmV0' }],
    ])('should refuse a token whose header carries %s', async (member, value) => {
      expectRejected(await getMe(`Bearer ${forged({ header: { [member]: value } })}`));
    });

    it('should refuse a token with an unknown kid or none', async () => {
      expectRejected(await getMe(`Bearer ${forged({ header: { kid: 'no-such-key' } })}`));
      const withoutKid = signWithAppKey(app, { alg: header.alg, typ: 'at+jwt' }, claims);
      expectRejected(await getMe(`Bearer ${withoutKid}`));
    });

    it('should refuse an HS256 token whose HMAC secret is the public key (algorithm confusion)', async () => {
      const publicKey = app.get(KeyRing).verificationKey(header.kid as string) as KeyObject;
      const pem = publicKey.export({ format: 'pem', type: 'spki' });
      const der = publicKey.export({ format: 'der', type: 'spki' });
      const hsHeader = { alg: 'HS256', kid: header.kid, typ: 'at+jwt' };

      expectRejected(await getMe(`Bearer ${signJwt(hsHeader, claims, pem)}`));
      expectRejected(await getMe(`Bearer ${signJwt(hsHeader, claims, der)}`));
    });

    it('should refuse a token signed with another asymmetric algorithm than the configured one', async () => {
      const ringKey = app.get(KeyRing).activeKey.signingKey;

      expectRejected(await getMe(`Bearer ${signJwt({ ...header, alg: 'PS256' }, claims, ringKey)}`));
    });

    it('should refuse a refresh token used as a Bearer token', async () => {
      expectRejected(await getMe(`Bearer ${refreshToken}`));
    });

    it.each([
      ['garbage', () => 'not-a-jwt'],
      ['a token without its signature part', () => accessToken.split('.').slice(0, 2).join('.')],
      ['a token with an empty signature', () => `${accessToken.split('.').slice(0, 2).join('.')}.`],
      ['a random UUID', () => randomUUID()],
    ])('should refuse %s', async (_name, token) => {
      expectRejected(await getMe(`Bearer ${token()}`));
    });

    it('should refuse a token sent under another scheme', async () => {
      const response = await getMe(`Token ${accessToken}`);

      expectProblem(response, 401);
      expect(response.text).toBe(rejection.text);
    });

    it('should refuse a token in the query string instead of using it', async () => {
      const response = await api(app).get(`/api/v1/users/me?access_token=${accessToken}`);

      expectProblem(response, 401);
      expect(response.text).toBe(rejection.text);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('should refuse an access_token query parameter even next to a valid Authorization header', async () => {
      const response = await api(app).get(`/api/v1/users/me?access_token=${accessToken}`).set(bearer(accessToken));

      expectProblem(response, 400);
    });
  });
});
