import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Response } from 'supertest';
import { ADMIN_ENV, loginAsAdmin, LoggedInUser, register } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer } from './utils/http';

const ATTEMPTS = 5;

/** A login sent together with an admin change must not come out with what the change took away. */
describe('A login racing an admin change (e2e)', () => {
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
  const accessTokenOf = (response: Response): string | null =>
    response.status === 200 ? (response.body as { accessToken: string }).accessToken : null;

  it('should never leave a demoted admin with a token that still opens admin routes', async () => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { user, email, password } = await register(app);
      await api(app)
        .patch(`/api/v1/users/${user.id}`)
        .set(asAdmin())
        .send({ roles: ['admin', 'user'] })
        .expect(200);

      const [loggedIn] = await Promise.all([
        login(email, password),
        api(app)
          .patch(`/api/v1/users/${user.id}`)
          .set(asAdmin())
          .send({ roles: ['user'] })
          .expect(200),
      ]);

      const token = accessTokenOf(loggedIn);
      if (token !== null) {
        // Either the token is revoked (401) or it carries the new roles (403): never the old admin rights.
        const listed = await api(app).get('/api/v1/users').set(bearer(token));
        expect([401, 403]).toContain(listed.status);
      }
    }
  });

  it('should never leave a disabled user with a working token', async () => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { user, email, password } = await register(app);

      const [loggedIn] = await Promise.all([
        login(email, password),
        api(app).patch(`/api/v1/users/${user.id}`).set(asAdmin()).send({ disabled: true }).expect(200),
      ]);

      const token = accessTokenOf(loggedIn);
      expect([200, 401]).toContain(loggedIn.status);
      if (token !== null) {
        await api(app).get('/api/v1/users/me').set(bearer(token)).expect(401);
      }
    }
  });

  it('should answer 401, never 500, to a login whose user is deleted meanwhile', async () => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { user, email, password } = await register(app);

      const [loggedIn] = await Promise.all([
        login(email, password),
        api(app).delete(`/api/v1/users/${user.id}`).set(asAdmin()).expect(204),
      ]);

      expect([200, 401]).toContain(loggedIn.status);
      const token = accessTokenOf(loggedIn);
      if (token !== null) {
        await api(app).get('/api/v1/users/me').set(bearer(token)).expect(401);
      }
    }
  });
});
