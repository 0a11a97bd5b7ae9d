import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { login, LoggedInUser, registerAndLogin, UserBody } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectFieldErrors, expectProblem } from './utils/http';

describe('Own account: /api/v1/users/me (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const getMe = (accessToken: string) => api(app).get('/api/v1/users/me').set(bearer(accessToken));
  const patchMe = (accessToken: string, body: object) =>
    api(app).patch('/api/v1/users/me').set(bearer(accessToken)).send(body);
  const deleteMe = (accessToken: string, body?: object) => {
    const call = api(app).delete('/api/v1/users/me').set(bearer(accessToken));
    return body === undefined ? call : call.send(body);
  };

  describe('GET', () => {
    it('should answer the caller’s own user, exactly as registration did', async () => {
      const { user, tokens } = await registerAndLogin(app, { displayName: 'Alan Turing' });

      const response = await getMe(tokens.accessToken).expect(200);

      expect(response.body).toEqual(user);
      expect(response.text).not.toMatch(/password|hash/i);
    });

    it('should answer each caller with their own account only', async () => {
      const alice = await registerAndLogin(app);
      const bob = await registerAndLogin(app);

      expect(((await getMe(alice.tokens.accessToken)).body as UserBody).id).toBe(alice.user.id);
      expect(((await getMe(bob.tokens.accessToken)).body as UserBody).id).toBe(bob.user.id);
    });

    it('should need a bearer token', async () => {
      expectProblem(await api(app).get('/api/v1/users/me'), 401);
    });
  });

  describe('PATCH', () => {
    let caller: LoggedInUser;

    beforeAll(async () => {
      caller = await registerAndLogin(app, { displayName: 'Before' });
    });

    it('should change the display name and answer the whole user', async () => {
      const response = await patchMe(caller.tokens.accessToken, { displayName: '  Katherine Johnson  ' }).expect(200);

      expect(response.body).toEqual({
        ...caller.user,
        displayName: 'Katherine Johnson',
        updatedAt: expect.any(String),
      });
      expect(Date.parse((response.body as UserBody).updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(caller.user.createdAt),
      );
      expect((await getMe(caller.tokens.accessToken)).body).toMatchObject({ displayName: 'Katherine Johnson' });
    });

    it('should accept a display name of 100 characters', async () => {
      await patchMe(caller.tokens.accessToken, { displayName: 'n'.repeat(100) }).expect(200);
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['101 characters long', 'n'.repeat(101)],
      ['null', null],
      ['a number', 42],
    ])('should reject a display name that is %s with 400 and change nothing', async (_name, displayName) => {
      await patchMe(caller.tokens.accessToken, { displayName: 'Stable Name' }).expect(200);

      expectFieldErrors(await patchMe(caller.tokens.accessToken, { displayName }), ['displayName']);
      expect((await getMe(caller.tokens.accessToken)).body).toMatchObject({ displayName: 'Stable Name' });
    });

    it('should reject a missing display name with 400', async () => {
      expectFieldErrors(await patchMe(caller.tokens.accessToken, {}), ['displayName']);
    });

    it.each([
      ['roles', { roles: ['admin', 'user'] }],
      ['disabled', { disabled: false }],
      ['email', { email: 'someone-else@example.test' }],
      ['emailVerified', { emailVerified: true }],
      ['mfaEnabled', { mfaEnabled: false }],
      ['id', { id: '00000000-0000-4000-8000-000000000000' }],
    ])('should reject the unknown field %s with 400 and change nothing', async (field, extra) => {
      const before = (await getMe(caller.tokens.accessToken)).body as UserBody;

      expectFieldErrors(await patchMe(caller.tokens.accessToken, { displayName: 'Sneaky', ...extra }), [field]);
      expect((await getMe(caller.tokens.accessToken)).body).toEqual(before);
    });
  });

  describe('DELETE', () => {
    it('should answer 403 to a wrong password and change nothing', async () => {
      const { user, tokens, email, password } = await registerAndLogin(app);

      const response = await deleteMe(tokens.accessToken, { password: `${password}x` });

      expectProblem(response, 403);
      expect((await getMe(tokens.accessToken).expect(200)).body).toEqual(user);
      await api(app).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200);
      await login(app, email, password);
    });

    it('should reject a missing password or an unknown field with 400', async () => {
      const { tokens, password } = await registerAndLogin(app);

      expectFieldErrors(await deleteMe(tokens.accessToken), ['password']);
      expectFieldErrors(await deleteMe(tokens.accessToken, { password, force: true }), ['force']);
      await getMe(tokens.accessToken).expect(200);
    });

    it('should delete the account with 204 for the right password: no login, no refresh, the email free again', async () => {
      const { tokens, email, password } = await registerAndLogin(app);
      const otherSession = await login(app, email, password);

      const response = await deleteMe(tokens.accessToken, { password }).expect(204);

      expect(response.text).toBe('');
      expectProblem(await api(app).post('/api/v1/auth/login').send({ email, password }), 401);
      expectProblem(await api(app).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }), 401);
      expectProblem(await api(app).post('/api/v1/auth/refresh').send({ refreshToken: otherSession.refreshToken }), 401);
      await api(app).post('/api/v1/auth/register').send({ email, password }).expect(201);
    });

    it('should need a bearer token', async () => {
      expectProblem(await api(app).delete('/api/v1/users/me').send({ password: 'whatever-it-is' }), 401);
    });
  });
});
