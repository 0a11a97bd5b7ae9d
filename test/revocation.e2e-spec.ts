import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN_ENV, login, loginAsAdmin, LoggedInUser, register, registerAndLogin, TokenBody } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { createTestDatabase, TestDatabase } from './utils/test-database';
import { api, bearer, expectFieldErrors, expectProblem } from './utils/http';
import { decodeJwt } from './utils/jwt';
import { expectAccessWorks, expectSessionEnded, expectTokenRefused, getMe, refresh } from './utils/sessions';

describe('Revocation of live access tokens (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: LoggedInUser;

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
    admin = await loginAsAdmin(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const asAdmin = () => bearer(admin.tokens.accessToken);

  /** A registered user logged in on `devices` devices. */
  async function userOnDevices(devices: number) {
    const registered = await register(app);
    const sessions: TokenBody[] = [];
    for (let device = 0; device < devices; device++) {
      sessions.push(await login(app, registered.email, registered.password));
    }
    return { ...registered, sessions };
  }

  describe('POST /api/v1/auth/logout', () => {
    it('should refuse the access token on the very next request, on /users/me and on /auth/verify', async () => {
      const { tokens } = await registerAndLogin(app);
      await expectAccessWorks(app, tokens);

      await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);

      expectTokenRefused(await getMe(app, tokens.accessToken));
      expectTokenRefused(await api(app).get('/api/v1/auth/verify').set(bearer(tokens.accessToken)));
      expectProblem(await refresh(app, tokens.refreshToken), 401);
    });

    it('should refuse every access token of the session, those minted by earlier refreshes included', async () => {
      const { tokens } = await registerAndLogin(app);
      const renewed = (await refresh(app, tokens.refreshToken).expect(200)).body as TokenBody;

      await api(app).post('/api/v1/auth/logout').set(bearer(renewed.accessToken)).expect(204);

      expectTokenRefused(await getMe(app, tokens.accessToken));
      await expectSessionEnded(app, renewed);
    });

    it('should refuse a second logout with the same token and let a fresh login work', async () => {
      const { email, password, tokens } = await registerAndLogin(app);
      await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)).expect(204);

      expectTokenRefused(await api(app).post('/api/v1/auth/logout').set(bearer(tokens.accessToken)));

      await expectAccessWorks(app, await login(app, email, password));
    });
  });

  describe('POST /api/v1/auth/logout-all', () => {
    it('should end every device’s session with 204, while a fresh login right after works', async () => {
      const { email, password, sessions } = await userOnDevices(3);

      await api(app).post('/api/v1/auth/logout-all').set(bearer(sessions[1].accessToken)).expect(204);

      for (const session of sessions) {
        await expectSessionEnded(app, session);
      }
      const fresh = await login(app, email, password);
      await expectAccessWorks(app, fresh);
      await refresh(app, fresh.refreshToken).expect(200);
    });

    it('should leave other users alone', async () => {
      const { sessions } = await userOnDevices(2);
      const bystander = await registerAndLogin(app);

      await api(app).post('/api/v1/auth/logout-all').set(bearer(sessions[0].accessToken)).expect(204);

      await expectAccessWorks(app, bystander.tokens);
      await refresh(app, bystander.tokens.refreshToken).expect(200);
    });

    it('should need a bearer token', async () => {
      const response = await api(app).post('/api/v1/auth/logout-all');

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('POST /api/v1/auth/password', () => {
    const NEW_PASSWORD = 'a brand new passphrase for this test';
    const changePassword = (accessToken: string, body: object) =>
      api(app).post('/api/v1/auth/password').set(bearer(accessToken)).send(body);

    it('should answer 403 for a wrong current password and change nothing', async () => {
      const { email, password, sessions } = await userOnDevices(2);

      const response = await changePassword(sessions[0].accessToken, {
        currentPassword: 'not the current password',
        newPassword: NEW_PASSWORD,
      });

      expectProblem(response, 403);
      for (const session of sessions) {
        await expectAccessWorks(app, session);
      }
      await refresh(app, sessions[1].refreshToken).expect(200);
      await login(app, email, password);
      expectProblem(await api(app).post('/api/v1/auth/login').send({ email, password: NEW_PASSWORD }), 401);
    });

    it('should change the password with 204 and end every device’s session; the new password logs in, the old one not', async () => {
      const { email, password, sessions } = await userOnDevices(3);

      const response = await changePassword(sessions[2].accessToken, {
        currentPassword: password,
        newPassword: NEW_PASSWORD,
      }).expect(204);

      expect(response.text).toBe('');
      for (const session of sessions) {
        await expectSessionEnded(app, session);
      }
      const fresh = await login(app, email, NEW_PASSWORD);
      await expectAccessWorks(app, fresh);
      await refresh(app, fresh.refreshToken).expect(200);
      expectProblem(await api(app).post('/api/v1/auth/login').send({ email, password }), 401);
    });

    it('should validate the body: both fields required, the new password under the password rules', async () => {
      const { password, tokens } = await registerAndLogin(app);

      expectFieldErrors(await changePassword(tokens.accessToken, {}), ['currentPassword', 'newPassword']);
      expectFieldErrors(await changePassword(tokens.accessToken, { currentPassword: password, newPassword: 'short' }), [
        'newPassword',
      ]);
      await expectAccessWorks(app, tokens);
    });

    it('should need a bearer token', async () => {
      const response = await api(app)
        .post('/api/v1/auth/password')
        .send({ currentPassword: 'whatever it is', newPassword: NEW_PASSWORD });

      expectProblem(response, 401);
    });
  });

  describe('admin changes to a user', () => {
    it('should refuse a disabled user’s access token on the next request, and their refresh and login', async () => {
      const { user, email, password, sessions } = await userOnDevices(2);

      await api(app).patch(`/api/v1/users/${user.id}`).set(asAdmin()).send({ disabled: true }).expect(200);

      for (const session of sessions) {
        await expectSessionEnded(app, session);
      }
      expectTokenRefused(await api(app).get('/api/v1/auth/verify').set(bearer(sessions[0].accessToken)));
      expectProblem(await api(app).post('/api/v1/auth/login').send({ email, password }), 401);
    });

    it('should refuse the old token after a role change; a fresh login carries the new roles and reaches admin routes', async () => {
      const { user, email, password, tokens } = await registerAndLogin(app);
      expectProblem(await api(app).get('/api/v1/users').set(bearer(tokens.accessToken)), 403);

      await api(app)
        .patch(`/api/v1/users/${user.id}`)
        .set(asAdmin())
        .send({ roles: ['admin', 'user'] })
        .expect(200);

      await expectSessionEnded(app, tokens);
      const promoted = await login(app, email, password);
      expect(decodeJwt(promoted.accessToken).claims.roles).toEqual(['admin', 'user']);
      await api(app).get('/api/v1/users').set(bearer(promoted.accessToken)).expect(200);
      await api(app).get(`/api/v1/users/${admin.user.id}`).set(bearer(promoted.accessToken)).expect(200);
    });

    it('should refuse the old admin token after a demotion; a fresh login has no admin role', async () => {
      const { user, email, password } = await registerAndLogin(app);
      await api(app)
        .patch(`/api/v1/users/${user.id}`)
        .set(asAdmin())
        .send({ roles: ['admin', 'user'] })
        .expect(200);
      const asPromoted = await login(app, email, password);

      await api(app)
        .patch(`/api/v1/users/${user.id}`)
        .set(asAdmin())
        .send({ roles: ['user'] })
        .expect(200);

      expectTokenRefused(await api(app).get('/api/v1/users').set(bearer(asPromoted.accessToken)));
      const demoted = await login(app, email, password);
      expect(decodeJwt(demoted.accessToken).claims.roles).toEqual(['user']);
      expectProblem(await api(app).get('/api/v1/users').set(bearer(demoted.accessToken)), 403);
    });

    it('should refuse a deleted user’s token with 401, not 404', async () => {
      const { user, tokens } = await registerAndLogin(app);

      await api(app).delete(`/api/v1/users/${user.id}`).set(asAdmin()).expect(204);

      expectTokenRefused(await getMe(app, tokens.accessToken));
      expectTokenRefused(await api(app).get('/api/v1/auth/verify').set(bearer(tokens.accessToken)));
      expectProblem(await refresh(app, tokens.refreshToken), 401);
    });

    it('should refuse the token of a user who deleted their own account with 401, not 404', async () => {
      const { password, tokens, email } = await registerAndLogin(app);
      const other = await login(app, email, password);

      await api(app).delete('/api/v1/users/me').set(bearer(tokens.accessToken)).send({ password }).expect(204);

      expectTokenRefused(await getMe(app, tokens.accessToken));
      await expectSessionEnded(app, other);
    });
  });
});

describe('Revocations survive a restart (e2e)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('should keep refusing revoked tokens after a restart on the same database, and keep the surviving session', async () => {
    const env = { ...ADMIN_ENV, ...database.env };
    const first = await createTestApp({ env });
    let loggedOut: TokenBody;
    let survivor: TokenBody;
    let everywhere: TokenBody[];
    let carolAtLogin: TokenBody;
    let renewedBeforeRestart: TokenBody;
    try {
      const alice = await register(first);
      loggedOut = await login(first, alice.email, alice.password);
      survivor = await login(first, alice.email, alice.password);
      await api(first).post('/api/v1/auth/logout').set(bearer(loggedOut.accessToken)).expect(204);

      const bob = await register(first);
      everywhere = [await login(first, bob.email, bob.password), await login(first, bob.email, bob.password)];
      await api(first).post('/api/v1/auth/logout-all').set(bearer(everywhere[0].accessToken)).expect(204);

      // A refresh before the restart: the rotated-away refresh token must stay retired.
      const carol = await registerAndLogin(first);
      const carolSecond = (await refresh(first, carol.tokens.refreshToken).expect(200)).body as TokenBody;
      // Her second token is used too, so her first one is no retry within REFRESH_TOKEN_REUSE_INTERVAL.
      renewedBeforeRestart = (await refresh(first, carolSecond.refreshToken).expect(200)).body as TokenBody;
      carolAtLogin = carol.tokens;

      const dave = await registerAndLogin(first);
      const admin = await loginAsAdmin(first);
      await api(first)
        .patch(`/api/v1/users/${dave.user.id}`)
        .set(bearer(admin.tokens.accessToken))
        .send({ roles: ['admin', 'user'] })
        .expect(200);
      everywhere.push(dave.tokens);

      expectTokenRefused(await getMe(first, loggedOut.accessToken));
      await expectAccessWorks(first, survivor);
    } finally {
      await first.close();
    }

    const second = await createTestApp({ env });
    try {
      await expectSessionEnded(second, loggedOut);
      for (const tokens of everywhere) {
        await expectSessionEnded(second, tokens);
      }
      await expectAccessWorks(second, survivor);
      await refresh(second, survivor.refreshToken).expect(200);
      // Carol's rotated-away refresh token is a replay after the restart too: her session ends.
      await expectAccessWorks(second, renewedBeforeRestart);
      expectProblem(await refresh(second, carolAtLogin.refreshToken), 401);
      await expectSessionEnded(second, renewedBeforeRestart);
    } finally {
      await second.close();
    }
  });
});
