import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Response } from 'supertest';
import { PasswordsService } from '../src/passwords/passwords.service';
import { ADMIN_ENV, loginAsAdmin, LoggedInUser, registerAndLogin, TokenBody, UserBody } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer } from './utils/http';

/** Logins sent together with one credential change: enough that some are checked against the old hash meanwhile. */
const LOGINS = 30;
const ROUNDS = 8;

/**
 * A login whose password was checked before a password change, a disable or a deletion answered must never come out
 * with a working session; and a user's own password change never undoes an admin's change to the same account.
 */
describe('Credential changes racing logins and admin changes (e2e)', () => {
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
  const login = (email: string, password: string) => api(app).post('/api/v1/auth/login').send({ email, password });
  const changePassword = (user: LoggedInUser, newPassword: string) =>
    api(app)
      .post('/api/v1/auth/password')
      .set(bearer(user.tokens.accessToken))
      .send({ currentPassword: user.password, newPassword });
  const adminUpdate = (id: string, changes: object) =>
    api(app).patch(`/api/v1/users/${id}`).set(asAdmin()).send(changes);

  /** Sends the logins and the change at once; returns the change's answer and the tokens of the logins that got 200. */
  async function loginsDuring(user: LoggedInUser, change: () => Promise<Response>) {
    const [changed, ...logins] = await Promise.all([
      change(),
      ...Array.from({ length: LOGINS }, () => login(user.email, user.password)),
    ]);
    expect(logins.map((response) => response.status).filter((status) => status !== 200 && status !== 401)).toEqual([]);
    const issued = logins.filter((response) => response.status === 200).map((response) => response.body as TokenBody);
    return { changed, issued };
  }

  /** How many of these logins still hold an access token or a refresh token that works. */
  async function stillWorking(issued: TokenBody[]): Promise<number> {
    const working = await Promise.all(
      issued.map(async (tokens) => {
        const me = await api(app).get('/api/v1/users/me').set(bearer(tokens.accessToken));
        const refreshed = await api(app).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken });
        return me.status !== 401 || refreshed.status !== 401;
      }),
    );
    return working.filter(Boolean).length;
  }

  it('should leave no login that raced a password change with a working session', async () => {
    const user = await registerAndLogin(app);

    const { changed, issued } = await loginsDuring(user, () => changePassword(user, 'a brand new passphrase 42'));

    expect(changed.status).toBe(204);
    await expect(stillWorking(issued)).resolves.toBe(0);
    await login(user.email, user.password).expect(401);
    await login(user.email, 'a brand new passphrase 42').expect(200);
  });

  it('should leave no login that raced disabling the account with a working session', async () => {
    const user = await registerAndLogin(app);

    const { changed, issued } = await loginsDuring(user, () => adminUpdate(user.user.id, { disabled: true }));

    expect(changed.status).toBe(200);
    await expect(stillWorking(issued)).resolves.toBe(0);
  });

  it('should leave no login that raced deleting the account with a working session', async () => {
    const user = await registerAndLogin(app);

    const { changed, issued } = await loginsDuring(user, () =>
      api(app).delete(`/api/v1/users/${user.user.id}`).set(asAdmin()),
    );

    expect(changed.status).toBe(204);
    await expect(stillWorking(issued)).resolves.toBe(0);
  });

  describe('a password change racing an admin change of the same account', () => {
    const passwords = ['first passphrase of the round', 'second passphrase of the round'];

    async function getUser(id: string): Promise<UserBody> {
      return (await api(app).get(`/api/v1/users/${id}`).set(asAdmin()).expect(200)).body as UserBody;
    }

    it('should never undo the disabling', async () => {
      let user = await registerAndLogin(app, { password: passwords[0] });
      for (let round = 0; round < ROUNDS; round++) {
        const newPassword = passwords[(round + 1) % 2];
        const [changed] = await Promise.all([
          changePassword(user, newPassword),
          adminUpdate(user.user.id, { disabled: true }).expect(200),
        ]);

        expect([204, 401, 409]).toContain(changed.status);
        expect(await getUser(user.user.id)).toMatchObject({ disabled: true });
        await adminUpdate(user.user.id, { disabled: false }).expect(200);
        const password = changed.status === 204 ? newPassword : user.password;
        user = { ...user, password, tokens: (await login(user.email, password).expect(200)).body as TokenBody };
      }
    });

    it('should never undo the change of roles', async () => {
      let user = await registerAndLogin(app, { password: passwords[0] });
      for (let round = 0; round < ROUNDS; round++) {
        const newPassword = passwords[(round + 1) % 2];
        const [changed] = await Promise.all([
          changePassword(user, newPassword),
          adminUpdate(user.user.id, { roles: ['admin', 'user'] }).expect(200),
        ]);

        expect([204, 401, 409]).toContain(changed.status);
        expect(await getUser(user.user.id)).toMatchObject({ roles: ['admin', 'user'] });
        await adminUpdate(user.user.id, { roles: ['user'] }).expect(200);
        const password = changed.status === 204 ? newPassword : user.password;
        user = { ...user, password, tokens: (await login(user.email, password).expect(200)).body as TokenBody };
      }
    });
  });
});

/** Every login replaces the stored hash here, as after a change of the argon2 parameters. */
class AlwaysRehash extends PasswordsService {
  override needsRehash(): boolean {
    return true;
  }
}

describe('Rehashes on login racing a password change (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({
      override: (builder) => builder.overrideProvider(PasswordsService).useClass(AlwaysRehash),
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should never put the old password back', async () => {
    const user = await registerAndLogin(app);
    const newPassword = 'the one that must stay';

    const [changed] = await Promise.all([
      api(app)
        .post('/api/v1/auth/password')
        .set(bearer(user.tokens.accessToken))
        .send({ currentPassword: user.password, newPassword }),
      ...Array.from({ length: LOGINS }, () =>
        api(app).post('/api/v1/auth/login').send({ email: user.email, password: user.password }),
      ),
    ]);

    expect(changed.status).toBe(204);
    await api(app).post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
    await api(app).post('/api/v1/auth/login').send({ email: user.email, password: newPassword }).expect(200);
  });
});
