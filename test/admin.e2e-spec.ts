import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { Response } from 'supertest';
import {
  ADMIN,
  ADMIN_ENV,
  login,
  loginAsAdmin,
  LoggedInUser,
  register,
  registerAndLogin,
  TokenBody,
  UserBody,
} from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { createTestDatabase, TestDatabase } from './utils/test-database';
import { api, bearer, expectFieldErrors, expectProblem } from './utils/http';
import { decodeJwt } from './utils/jwt';

interface UserPage {
  items: UserBody[];
  total: number;
  page: number;
  limit: number;
}

const USER_KEYS = [
  'createdAt',
  'disabled',
  'displayName',
  'email',
  'emailVerified',
  'id',
  'mfaEnabled',
  'roles',
  'updatedAt',
];

describe('Admin: /api/v1/users (e2e)', () => {
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
  const listUsers = (query: string, accessToken = admin.tokens.accessToken) =>
    api(app).get(`/api/v1/users${query}`).set(bearer(accessToken));
  const patchUser = (id: string, body: object, accessToken = admin.tokens.accessToken) =>
    api(app).patch(`/api/v1/users/${id}`).set(bearer(accessToken)).send(body);
  const refresh = (refreshToken: string) => api(app).post('/api/v1/auth/refresh').send({ refreshToken });

  it('should create the admin named by ADMIN_EMAIL with the roles admin and user', () => {
    expect(admin.user).toMatchObject({ email: ADMIN.email, roles: ['admin', 'user'], disabled: false });
    expect(decodeJwt(admin.tokens.accessToken).claims.roles).toEqual(['admin', 'user']);
  });

  describe('a caller without the admin role', () => {
    let caller: LoggedInUser;
    let other: LoggedInUser;

    beforeAll(async () => {
      caller = await registerAndLogin(app);
      other = await registerAndLogin(app, { displayName: 'Private Person' });
    });

    const expectForbidden = (response: Response) => {
      const body = expectProblem(response, 403);
      expect(response.text).not.toContain(other.user.email);
      expect(response.text).not.toContain('Private Person');
      return body;
    };

    it('should get 403 on GET /users', async () => {
      expectForbidden(await listUsers('', caller.tokens.accessToken));
    });

    it('should get 403 on GET /users/:id, for another user and for themselves', async () => {
      expectForbidden(await api(app).get(`/api/v1/users/${other.user.id}`).set(bearer(caller.tokens.accessToken)));
      expectForbidden(await api(app).get(`/api/v1/users/${caller.user.id}`).set(bearer(caller.tokens.accessToken)));
    });

    it('should get 403 on PATCH /users/:id and not be able to promote themselves', async () => {
      expectForbidden(await patchUser(caller.user.id, { roles: ['admin', 'user'] }, caller.tokens.accessToken));
      expectForbidden(await patchUser(other.user.id, { disabled: true }, caller.tokens.accessToken));

      const me = await api(app).get('/api/v1/users/me').set(bearer(caller.tokens.accessToken)).expect(200);
      expect((me.body as UserBody).roles).toEqual(['user']);
      await login(app, other.email, other.password);
    });

    it('should get 403 on DELETE /users/:id and delete nobody', async () => {
      expectForbidden(await api(app).delete(`/api/v1/users/${other.user.id}`).set(bearer(caller.tokens.accessToken)));

      await login(app, other.email, other.password);
    });

    it('should get 403 even for an id that does not exist (no probing)', async () => {
      expectForbidden(await api(app).get(`/api/v1/users/${randomUUID()}`).set(bearer(caller.tokens.accessToken)));
    });

    it('should get 401, not 403, on admin routes without any token', async () => {
      expectProblem(await api(app).get('/api/v1/users'), 401);
      expectProblem(await api(app).get(`/api/v1/users/${other.user.id}`), 401);
      expectProblem(await api(app).patch(`/api/v1/users/${other.user.id}`).send({ disabled: true }), 401);
      expectProblem(await api(app).delete(`/api/v1/users/${other.user.id}`), 401);
    });
  });

  describe('GET /api/v1/users', () => {
    const tag = `pg${randomBytes(4).toString('hex')}`;
    const ids: string[] = [];

    beforeAll(async () => {
      for (let n = 0; n < 3; n++) {
        ids.push((await register(app, { email: `${tag}-${n}@example.test` })).user.id);
      }
    });

    it('should answer page 1 of 20 by default, with public user bodies only', async () => {
      const response = await listUsers('').expect(200);
      const page = response.body as UserPage;

      expect(page).toEqual({ items: expect.any(Array), total: expect.any(Number), page: 1, limit: 20 });
      expect(page.total).toBeGreaterThanOrEqual(4);
      expect(page.items.length).toBe(Math.min(page.total, 20));
      for (const item of page.items) {
        expect(Object.keys(item).sort()).toEqual(USER_KEYS);
      }
      expect(response.text).not.toMatch(/password|hash/i);
    });

    it('should page through the matches without losing or repeating anyone', async () => {
      const first = (await listUsers(`?search=${tag}&limit=2&page=1`).expect(200)).body as UserPage;
      const second = (await listUsers(`?search=${tag}&limit=2&page=2`).expect(200)).body as UserPage;
      const beyond = (await listUsers(`?search=${tag}&limit=2&page=3`).expect(200)).body as UserPage;

      expect({ ...first, items: first.items.length }).toEqual({ items: 2, total: 3, page: 1, limit: 2 });
      expect({ ...second, items: second.items.length }).toEqual({ items: 1, total: 3, page: 2, limit: 2 });
      expect(beyond).toEqual({ items: [], total: 3, page: 3, limit: 2 });
      expect([...first.items, ...second.items].map((user) => user.id).sort()).toEqual([...ids].sort());
    });

    it('should accept limit=100 and limit=1', async () => {
      expect(((await listUsers('?limit=100').expect(200)).body as UserPage).limit).toBe(100);
      expect(((await listUsers(`?search=${tag}&limit=1`).expect(200)).body as UserPage).items).toHaveLength(1);
    });

    it('should search a substring of the email, ignoring case', async () => {
      const page = (await listUsers(`?search=${tag.slice(1).toUpperCase()}-1@EXAMPLE`).expect(200)).body as UserPage;

      expect(page.total).toBe(1);
      expect(page.items.map((user) => user.id)).toEqual([ids[1]]);
    });

    it('should search a substring of the display name, ignoring case', async () => {
      const word = `Quartz${randomBytes(3).toString('hex')}`;
      const { user } = await register(app, { displayName: `Ms ${word} Jones` });

      const page = (await listUsers(`?search=${encodeURIComponent(word.toLowerCase())}%20JONES`).expect(200))
        .body as UserPage;

      expect(page.total).toBe(1);
      expect(page.items.map((item) => item.id)).toEqual([user.id]);
    });

    it('should treat % and _ in the search as plain characters', async () => {
      const { user } = await register(app, { displayName: '100% sure_thing' });

      const percent = (await listUsers(`?search=${encodeURIComponent('%')}`).expect(200)).body as UserPage;
      const underscore = (await listUsers('?search=_').expect(200)).body as UserPage;

      expect(percent.items.map((item) => item.id)).toEqual([user.id]);
      expect(underscore.items.map((item) => item.id)).toEqual([user.id]);
    });

    it('should answer an empty page when nothing matches', async () => {
      expect((await listUsers(`?search=nobody-${randomUUID()}`).expect(200)).body).toEqual({
        items: [],
        total: 0,
        page: 1,
        limit: 20,
      });
    });

    it.each([
      ['limit=101', 'limit'],
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=2.5', 'limit'],
      ['page=0', 'page'],
      ['page=-1', 'page'],
      ['page=one', 'page'],
      ['sort=email', 'sort'],
      ['role=admin', 'role'],
    ])('should reject ?%s with 400 naming %s', async (query, field) => {
      expectFieldErrors(await listUsers(`?${query}`), [field]);
    });
  });

  describe('GET /api/v1/users/:id', () => {
    it('should answer the user', async () => {
      const { user } = await register(app, { displayName: 'Looked Up' });

      const response = await api(app).get(`/api/v1/users/${user.id}`).set(asAdmin()).expect(200);

      expect(response.body).toEqual(user);
    });

    it('should reject an id that is not a UUID with 400 naming the field', async () => {
      const response = await api(app).get('/api/v1/users/not-a-uuid').set(asAdmin());

      expect(expectProblem(response, 400).errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      expectProblem(await api(app).get('/api/v1/users/1%20OR%201=1').set(asAdmin()), 400);
    });

    it('should answer 404 for an unknown UUID', async () => {
      expectProblem(await api(app).get(`/api/v1/users/${randomUUID()}`).set(asAdmin()), 404);
    });
  });

  describe('PATCH /api/v1/users/:id', () => {
    it('should change the display name without ending the user’s sessions', async () => {
      const { user, tokens } = await registerAndLogin(app);

      const response = await patchUser(user.id, { displayName: 'Renamed By Admin' }).expect(200);

      expect(response.body).toEqual({ ...user, displayName: 'Renamed By Admin', updatedAt: expect.any(String) });
      await refresh(tokens.refreshToken).expect(200);
    });

    it('should promote a user to admin, end their sessions, and give their next login the admin role', async () => {
      const { user, tokens, email, password } = await registerAndLogin(app);

      const response = await patchUser(user.id, { roles: ['user', 'admin'] }).expect(200);

      expect(response.body).toMatchObject({ id: user.id, roles: ['admin', 'user'] });
      expectProblem(await refresh(tokens.refreshToken), 401);
      const promoted = await login(app, email, password);
      expect(decodeJwt(promoted.accessToken).claims.roles).toEqual(['admin', 'user']);
      await listUsers('', promoted.accessToken).expect(200);
    });

    it('should demote an admin, end their sessions, and take the admin role from their next login', async () => {
      const { user, email, password } = await registerAndLogin(app);
      await patchUser(user.id, { roles: ['admin', 'user'] }).expect(200);
      const asPromoted = await login(app, email, password);

      const response = await patchUser(user.id, { roles: ['user'] }).expect(200);

      expect(response.body).toMatchObject({ id: user.id, roles: ['user'] });
      expectProblem(await refresh(asPromoted.refreshToken), 401);
      const demoted = await login(app, email, password);
      expect(decodeJwt(demoted.accessToken).claims.roles).toEqual(['user']);
      expectProblem(await listUsers('', demoted.accessToken), 403);
    });

    it('should keep the sessions when the roles sent are the ones the user has', async () => {
      const { user, tokens } = await registerAndLogin(app);

      await patchUser(user.id, { roles: ['user'] }).expect(200);

      await refresh(tokens.refreshToken).expect(200);
    });

    it('should disable a user: sessions end, login fails like a wrong password; enabling lets them log in again', async () => {
      const { user, tokens, email, password } = await registerAndLogin(app);

      const response = await patchUser(user.id, { disabled: true }).expect(200);

      expect(response.body).toMatchObject({ id: user.id, disabled: true });
      expectProblem(await refresh(tokens.refreshToken), 401);
      expectProblem(await api(app).post('/api/v1/auth/login').send({ email, password }), 401);
      expect(((await patchUser(user.id, { disabled: false }).expect(200)).body as UserBody).disabled).toBe(false);
      await login(app, email, password);
    });

    it.each([
      ['an unknown role', { roles: ['root'] }],
      ['no role at all', { roles: [] }],
      ['a repeated role', { roles: ['user', 'user'] }],
      ['roles that are not a list', { roles: 'admin' }],
      ['disabled as a string', { disabled: 'true' }],
      ['an unknown field', { email: 'new@example.test' }],
      ['an empty display name', { displayName: '' }],
    ])('should reject %s with 400 and change nothing', async (_name, body) => {
      const { user } = await register(app);

      expectProblem(await patchUser(user.id, body), 400);
      expect((await api(app).get(`/api/v1/users/${user.id}`).set(asAdmin()).expect(200)).body).toEqual(user);
    });

    it('should answer 400 for a non-UUID id and 404 for an unknown one', async () => {
      expectProblem(await patchUser('nope', { disabled: true }), 400);
      expectProblem(await patchUser(randomUUID(), { disabled: true }), 404);
    });
  });

  describe('DELETE /api/v1/users/:id', () => {
    it('should delete the user with 204: no login, no refresh, and 404 afterwards', async () => {
      const { user, tokens, email, password } = await registerAndLogin(app);

      const response = await api(app).delete(`/api/v1/users/${user.id}`).set(asAdmin()).expect(204);

      expect(response.text).toBe('');
      expectProblem(await api(app).post('/api/v1/auth/login').send({ email, password }), 401);
      expectProblem(await refresh(tokens.refreshToken), 401);
      expectProblem(await api(app).get(`/api/v1/users/${user.id}`).set(asAdmin()), 404);
      expectProblem(await api(app).delete(`/api/v1/users/${user.id}`).set(asAdmin()), 404);
    });

    it('should answer 400 for a non-UUID id', async () => {
      expectProblem(await api(app).delete('/api/v1/users/nope').set(asAdmin()), 400);
    });
  });
});

describe('Admin: the last admin (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: LoggedInUser;

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
    admin = await loginAsAdmin(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const patchUser = (id: string, body: object, tokens: TokenBody = admin.tokens) =>
    api(app).patch(`/api/v1/users/${id}`).set(bearer(tokens.accessToken)).send(body);

  const expectStillAdmin = async () => {
    const tokens = await login(app, ADMIN.email, ADMIN.password);
    expect(decodeJwt(tokens.accessToken).claims.roles).toEqual(['admin', 'user']);
    await api(app).get('/api/v1/users').set(bearer(tokens.accessToken)).expect(200);
  };

  it('should refuse to demote the last admin with 409', async () => {
    expectProblem(await patchUser(admin.user.id, { roles: ['user'] }), 409);
    await expectStillAdmin();
  });

  it('should refuse to disable the last admin with 409', async () => {
    expectProblem(await patchUser(admin.user.id, { disabled: true }), 409);
    await expectStillAdmin();
  });

  it('should refuse to delete the last admin with 409, through the admin route or their own', async () => {
    expectProblem(await api(app).delete(`/api/v1/users/${admin.user.id}`).set(bearer(admin.tokens.accessToken)), 409);
    expectProblem(
      await api(app)
        .delete('/api/v1/users/me')
        .set(bearer(admin.tokens.accessToken))
        .send({ password: ADMIN.password }),
      409,
    );
    await expectStillAdmin();
  });

  it('should count only enabled admins, and allow the change once another admin exists', async () => {
    const second = await register(app);
    await patchUser(second.user.id, { roles: ['admin', 'user'] }).expect(200);
    await patchUser(second.user.id, { disabled: true }).expect(200);

    expectProblem(await patchUser(admin.user.id, { roles: ['user'] }), 409);

    await patchUser(second.user.id, { disabled: false }).expect(200);
    const secondTokens = await login(app, second.email, second.password);
    await patchUser(admin.user.id, { roles: ['user'] }).expect(200);
    expectProblem(await patchUser(second.user.id, { roles: ['user'] }, secondTokens), 409);
    await patchUser(admin.user.id, { roles: ['admin', 'user'] }, secondTokens).expect(200);
  });
});

describe('Admin bootstrap across restarts (e2e)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('should create the ADMIN_EMAIL account once and find it again after a restart', async () => {
    const env = { ...ADMIN_ENV, ...database.env };
    const first = await createTestApp({ env });
    let adminId: string;
    let userEmail: string;
    try {
      adminId = (await loginAsAdmin(first)).user.id;
      userEmail = (await register(first)).email;
    } finally {
      await first.close();
    }

    const second = await createTestApp({ env });
    try {
      const again = await loginAsAdmin(second);
      expect(again.user.id).toBe(adminId);
      const admins = (
        await api(second)
          .get(`/api/v1/users?search=${encodeURIComponent(ADMIN.email)}`)
          .set(bearer(again.tokens.accessToken))
          .expect(200)
      ).body as UserPage;
      expect(admins.total).toBe(1);
      const all = (await api(second).get('/api/v1/users').set(bearer(again.tokens.accessToken)).expect(200))
        .body as UserPage;
      expect(all.items.map((user) => user.email).sort()).toEqual([ADMIN.email, userEmail].sort());
    } finally {
      await second.close();
    }
  });
});
