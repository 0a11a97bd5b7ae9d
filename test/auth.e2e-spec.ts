import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPublicKey, JsonWebKey, randomBytes } from 'node:crypto';
import { Response } from 'supertest';
import { verify } from 'jsonwebtoken';
import {
  ADMIN_ENV,
  login,
  loginAsAdmin,
  LoggedInUser,
  newUser,
  register,
  registerAndLogin,
  TokenBody,
} from './factories/users';
import { createTestApp, TEST_ISSUER } from './utils/create-test-app';
import { api, bearer, expectFieldErrors, expectProblem } from './utils/http';
import { decodeJwt } from './utils/jwt';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const SEVEN_DAYS = 7 * 24 * 3600;

describe('Auth (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: LoggedInUser;

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
    admin = await loginAsAdmin(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const refresh = (refreshToken: unknown) => api(app).post('/api/v1/auth/refresh').send({ refreshToken });

  describe('POST /api/v1/auth/register', () => {
    it('should create a user and answer with exactly the public user fields', async () => {
      const details = newUser({ displayName: 'Ada Lovelace' });

      const response = await api(app).post('/api/v1/auth/register').send(details).expect(201);

      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        email: details.email,
        displayName: 'Ada Lovelace',
        roles: ['user'],
        emailVerified: false,
        disabled: false,
        mfaEnabled: false,
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
        updatedAt: expect.stringMatching(ISO_TIMESTAMP),
      });
      expect(response.text).not.toMatch(/password|hash|argon/i);
    });

    it('should store the email trimmed and lower-cased, and the display name trimmed', async () => {
      const local = `Mixed.Case-${randomBytes(4).toString('hex')}`;

      const response = await api(app)
        .post('/api/v1/auth/register')
        .send({ email: `  ${local}@Example.TEST  `, password: 'correct horse battery staple', displayName: '  Ada  ' })
        .expect(201);

      expect(response.body).toMatchObject({ email: `${local.toLowerCase()}@example.test`, displayName: 'Ada' });
    });

    it('should set displayName to null when none is given', async () => {
      const { user } = await register(app);

      expect(user.displayName).toBeNull();
    });

    it('should refuse a second account with the same email, whatever its case, with 409', async () => {
      const { email } = await register(app);

      const sameCase = await api(app).post('/api/v1/auth/register').send(newUser({ email }));
      const upperCase = await api(app)
        .post('/api/v1/auth/register')
        .send(newUser({ email: ` ${email.toUpperCase()} ` }));

      expectProblem(sameCase, 409);
      expectProblem(upperCase, 409);
    });

    it('should reject a password of 7 characters with 400 naming the field', async () => {
      const response = await api(app)
        .post('/api/v1/auth/register')
        .send(newUser({ password: 'a'.repeat(7) }));

      expectFieldErrors(response, ['password']);
    });

    it('should reject a password of 129 characters with 400 naming the field', async () => {
      const response = await api(app)
        .post('/api/v1/auth/register')
        .send(newUser({ password: 'a'.repeat(129) }));

      expectFieldErrors(response, ['password']);
    });

    it('should accept a password of 8 and of 128 characters', async () => {
      await api(app)
        .post('/api/v1/auth/register')
        .send(newUser({ password: 'q7#Lm2!x' }))
        .expect(201);
      await api(app)
        .post('/api/v1/auth/register')
        .send(newUser({ password: 'q7#Lm2!x'.repeat(16) }))
        .expect(201);
    });

    it('should use every character of a long password (no truncation at 72 bytes)', async () => {
      const password = `${'p'.repeat(72)}-the-end-matters`;
      const { email } = await register(app, { password });

      const truncated = await api(app)
        .post('/api/v1/auth/login')
        .send({ email, password: password.slice(0, 72) });

      expectProblem(truncated, 401);
      await login(app, email, password);
    });

    it('should reject an invalid email with 400 and errors [{ field, message }]', async () => {
      const response = await api(app)
        .post('/api/v1/auth/register')
        .send(newUser({ email: 'not-an-email' }));

      const body = expectProblem(response, 400);
      expect(body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
    });

    it('should list every invalid field at once', async () => {
      const response = await api(app).post('/api/v1/auth/register').send({ email: 'nope', password: 'short' });

      expectFieldErrors(response, ['email', 'password']);
    });

    it('should reject an unknown field with 400', async () => {
      const response = await api(app)
        .post('/api/v1/auth/register')
        .send({ ...newUser(), nickname: 'x' });

      expectFieldErrors(response, ['nickname']);
    });

    it('should not let a client choose its roles or flags', async () => {
      const details = newUser();

      const response = await api(app)
        .post('/api/v1/auth/register')
        .send({ ...details, roles: ['admin'], emailVerified: true });

      expectFieldErrors(response, ['roles', 'emailVerified']);
      expectProblem(await api(app).post('/api/v1/auth/login').send(details), 401);
    });

    it('should reject wrong types and a missing body with 400', async () => {
      expectFieldErrors(
        await api(app).post('/api/v1/auth/register').send({ email: 'a@example.test', password: 12345678901 }),
        ['password'],
      );
      expectFieldErrors(await api(app).post('/api/v1/auth/register'), ['email', 'password']);
    });
  });

  describe('POST /api/v1/auth/login', () => {
    let account: { email: string; password: string; userId: string };
    let tokens: TokenBody;
    let response: Response;

    beforeAll(async () => {
      const registered = await register(app, { displayName: 'Grace Hopper' });
      account = { email: registered.email, password: registered.password, userId: registered.user.id };
      response = await api(app).post('/api/v1/auth/login').send({ email: account.email, password: account.password });
      tokens = response.body as TokenBody;
    });

    it('should answer 200 with a Bearer token response that no cache keeps', () => {
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        tokenType: 'Bearer',
        accessToken: expect.any(String),
        deviceToken: expect.any(String),
        expiresIn: 900,
        refreshToken: expect.any(String),
        refreshExpiresIn: SEVEN_DAYS,
      });
    });

    it('should issue an opaque refresh token of at least 256 bits, not a JWT', () => {
      expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(tokens.refreshToken).not.toBe(tokens.accessToken);
    });

    it('should issue an access token whose header is exactly { alg: RS256, kid, typ: at+jwt }', () => {
      const { header } = decodeJwt(tokens.accessToken);

      expect(header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'at+jwt' });
    });

    it('should issue an access token with exactly the contract claims and nothing personal', () => {
      const { claims } = decodeJwt(tokens.accessToken);
      const now = Math.floor(Date.now() / 1000);

      expect(claims).toEqual({
        iss: TEST_ISSUER,
        sub: account.userId,
        aud: 'bastion-api',
        iat: expect.any(Number),
        nbf: claims.iat,
        exp: (claims.iat as number) + 900,
        jti: expect.stringMatching(UUID),
        sid: expect.stringMatching(UUID),
        client_id: 'bastion',
        roles: ['user'],
        amr: ['pwd'],
      });
      expect(Math.abs((claims.iat as number) - now)).toBeLessThanOrEqual(60);
      expect(JSON.stringify(claims)).not.toMatch(/grace|hopper|@example/i);
    });

    it('should sign with a key the JWKS publishes, so any client can verify the token', async () => {
      const { header } = decodeJwt(tokens.accessToken);
      const jwks = await api(app).get('/.well-known/jwks.json').expect(200);
      const jwk = (jwks.body as { keys: { kid: string }[] }).keys.find((key) => key.kid === header.kid);

      expect(jwk).toBeDefined();
      const publicKey = createPublicKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' });
      expect(verify(tokens.accessToken, publicKey, { algorithms: ['RS256'], audience: 'bastion-api' })).toMatchObject({
        sub: account.userId,
      });
    });

    it('should give every login its own session and token id', async () => {
      const again = await login(app, account.email, account.password);

      expect(decodeJwt(again.accessToken).claims.sid).not.toBe(decodeJwt(tokens.accessToken).claims.sid);
      expect(decodeJwt(again.accessToken).claims.jti).not.toBe(decodeJwt(tokens.accessToken).claims.jti);
      expect(again.refreshToken).not.toBe(tokens.refreshToken);
    });

    it('should compare the email case-insensitively and trimmed', async () => {
      const response = await api(app)
        .post('/api/v1/auth/login')
        .send({ email: `  ${account.email.toUpperCase()} `, password: account.password })
        .expect(200);

      expect(decodeJwt((response.body as TokenBody).accessToken).claims.sub).toBe(account.userId);
    });

    it('should let the access token reach GET /users/me', async () => {
      const me = await api(app).get('/api/v1/users/me').set(bearer(tokens.accessToken)).expect(200);

      expect(me.body).toMatchObject({ id: account.userId, email: account.email });
    });

    it('should give byte-identical 401s for an unknown email, a wrong password and a disabled account', async () => {
      const disabled = await register(app);
      await api(app)
        .patch(`/api/v1/users/${disabled.user.id}`)
        .set(bearer(admin.tokens.accessToken))
        .send({ disabled: true })
        .expect(200);

      const unknown = await api(app)
        .post('/api/v1/auth/login')
        .send({ email: newUser().email, password: account.password });
      const wrongPassword = await api(app)
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: `${account.password}!` });
      const disabledAccount = await api(app)
        .post('/api/v1/auth/login')
        .send({ email: disabled.email, password: disabled.password });

      expectProblem(unknown, 401);
      expect(wrongPassword.text).toBe(unknown.text);
      expect(disabledAccount.text).toBe(unknown.text);
      expect([wrongPassword.status, disabledAccount.status]).toEqual([401, 401]);
      expect(wrongPassword.headers['www-authenticate']).toBe(unknown.headers['www-authenticate']);
      expect(disabledAccount.headers['www-authenticate']).toBe(unknown.headers['www-authenticate']);
    });

    it('should reject a missing password or an unknown field with 400', async () => {
      expectFieldErrors(await api(app).post('/api/v1/auth/login').send({ email: account.email }), ['password']);
      expectFieldErrors(
        await api(app)
          .post('/api/v1/auth/login')
          .send({ email: account.email, password: account.password, remember: true }),
        ['remember'],
      );
    });
  });

  describe('POST /api/v1/auth/refresh', () => {
    let invalidRefreshBody: string;

    beforeAll(async () => {
      const response = await refresh(randomBytes(32).toString('base64url'));
      invalidRefreshBody = response.text;
    });

    it('should answer an unknown refresh token with a 401 problem', async () => {
      const response = await refresh(randomBytes(32).toString('base64url'));

      expectProblem(response, 401);
      expect(response.text).toBe(invalidRefreshBody);
    });

    it('should exchange a refresh token for new tokens in the same session', async () => {
      const { tokens } = await registerAndLogin(app);

      const response = await refresh(tokens.refreshToken).expect(200);
      const renewed = response.body as TokenBody;

      expect(response.headers['cache-control']).toBe('no-store');
      expect(renewed).toEqual({
        tokenType: 'Bearer',
        accessToken: expect.any(String),
        expiresIn: 900,
        refreshToken: expect.any(String),
        refreshExpiresIn: SEVEN_DAYS,
      });
      expect(renewed.refreshToken).not.toBe(tokens.refreshToken);
      expect(renewed.accessToken).not.toBe(tokens.accessToken);
      const before = decodeJwt(tokens.accessToken).claims;
      const after = decodeJwt(renewed.accessToken).claims;
      expect(after.sid).toBe(before.sid);
      expect(after.sub).toBe(before.sub);
      expect(after.jti).not.toBe(before.jti);
      await api(app).get('/api/v1/users/me').set(bearer(renewed.accessToken)).expect(200);
    });

    it('should refuse the old refresh token once its successor has been used', async () => {
      const { tokens } = await registerAndLogin(app);
      const second = (await refresh(tokens.refreshToken).expect(200)).body as TokenBody;
      await refresh(second.refreshToken).expect(200);

      const replay = await refresh(tokens.refreshToken);

      expectProblem(replay, 401);
      expect(replay.text).toBe(invalidRefreshBody);
    });

    it('should end the whole session when a retired refresh token is presented again', async () => {
      const { tokens } = await registerAndLogin(app);
      const second = (await refresh(tokens.refreshToken).expect(200)).body as TokenBody;
      const third = (await refresh(second.refreshToken).expect(200)).body as TokenBody;

      await refresh(tokens.refreshToken).expect(401);
      const newest = await refresh(third.refreshToken);

      expectProblem(newest, 401);
      expect(newest.text).toBe(invalidRefreshBody);
    });

    it('should give two concurrent refreshes with the same token the same successor, which keeps working', async () => {
      const { tokens } = await registerAndLogin(app);

      const responses = await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)]);

      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      const [first, second] = responses.map((response) => response.body as TokenBody);
      expect(second.refreshToken).toBe(first.refreshToken);
      await refresh(first.refreshToken).expect(200);
    });

    it('should leave the other sessions of the user alone when one session is ended by a replay', async () => {
      const { email, password, tokens } = await registerAndLogin(app);
      const other = await login(app, email, password);
      const second = (await refresh(tokens.refreshToken).expect(200)).body as TokenBody;
      await refresh(second.refreshToken).expect(200);
      await refresh(tokens.refreshToken).expect(401);

      await refresh(other.refreshToken).expect(200);
    });

    it.each([
      ['malformed', 'not a refresh token'],
      ['empty', ''],
      ['an access token', 'ACCESS'],
      ['too long for a refresh token but well-formed', randomBytes(64).toString('base64url')],
    ])('should answer a %s refresh token with the same 401 problem', async (_name, value) => {
      const { tokens } = await registerAndLogin(app);
      const presented = value === 'ACCESS' ? tokens.accessToken.slice(0, 256) : value;

      const response = await refresh(presented);

      expectProblem(response, 401);
      expect(response.text).toBe(invalidRefreshBody);
    });

    it('should reject a missing refresh token with 400, and a non-string one with the same 401', async () => {
      expectFieldErrors(await api(app).post('/api/v1/auth/refresh').send({}), ['refreshToken']);
      expect((await refresh(12345)).text).toBe(invalidRefreshBody);
    });

    it('should refuse the refresh token of a disabled user', async () => {
      const { user, tokens } = await registerAndLogin(app);
      await api(app)
        .patch(`/api/v1/users/${user.id}`)
        .set(bearer(admin.tokens.accessToken))
        .send({ disabled: true })
        .expect(200);

      const response = await refresh(tokens.refreshToken);

      expectProblem(response, 401);
      expect(response.text).toBe(invalidRefreshBody);
    });

    it('should keep refusing the refresh token of a user re-enabled after being disabled (the sessions ended)', async () => {
      const { user, tokens, email, password } = await registerAndLogin(app);
      const patch = (disabled: boolean) =>
        api(app).patch(`/api/v1/users/${user.id}`).set(bearer(admin.tokens.accessToken)).send({ disabled }).expect(200);
      await patch(true);
      await patch(false);

      await refresh(tokens.refreshToken).expect(401);
      await login(app, email, password);
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('should end the session with 204 so its refresh token stops working', async () => {
      const { tokens } = await registerAndLogin(app);

      const response = await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);

      expect(response.text).toBe('');
      expectProblem(await refresh(tokens.refreshToken), 401);
    });

    it('should end only the current session', async () => {
      const { email, password, tokens } = await registerAndLogin(app);
      const other = await login(app, email, password);

      await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);

      await refresh(other.refreshToken).expect(200);
    });

    it('should end a session renewed by refreshes, whichever of its access tokens is used', async () => {
      const { tokens } = await registerAndLogin(app);
      const renewed = (await refresh(tokens.refreshToken).expect(200)).body as TokenBody;

      await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);

      await refresh(renewed.refreshToken).expect(401);
    });

    it('should need a bearer token', async () => {
      const response = await api(app).post('/api/v1/auth/logout');

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('should not accept a refresh token in place of the access token', async () => {
      const { tokens } = await registerAndLogin(app);

      expectProblem(await api(app).post('/api/v1/auth/logout').set(bearer(tokens.refreshToken)), 401);
      await refresh(tokens.refreshToken).expect(200);
    });
  });
});
