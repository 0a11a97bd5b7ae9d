import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN, ADMIN_ENV, loginAsAdmin, LoggedInUser, register, registerAndLogin, TokenBody } from './factories/users';
import { AuditEventBody, auditPage, getAudit } from './utils/audit';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectFieldErrors, expectProblem } from './utils/http';
import { loginFrom, refresh, sidOf } from './utils/sessions';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const EVENT_KEYS = ['actorId', 'createdAt', 'details', 'id', 'ip', 'sessionId', 'type', 'userAgent', 'userId'];

describe('Audit log: GET /api/v1/admin/audit (e2e)', () => {
  const WRONG_PASSWORD = 'Wr0ng-guess-that-must-never-be-stored';
  const NEW_PASSWORD = 'N3w-passphrase-that-must-never-be-stored';
  const UNKNOWN_EMAIL = 'nobody-here@example.test';

  let app: NestFastifyApplication;
  let admin: LoggedInUser;
  let alice: { user: LoggedInUser['user']; email: string; password: string };
  let bob: LoggedInUser;
  let carol: LoggedInUser;
  let dave: LoggedInUser;
  let alicePhone: TokenBody;
  let aliceLaptop: TokenBody;
  let rotatedKid: string;
  /** Every token and password the scenario used: none may appear in any audit answer. */
  const secrets: string[] = [];

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
    admin = await loginAsAdmin(app);

    alice = await register(app);
    await api(app).post('/api/v1/auth/login').send({ email: alice.email, password: WRONG_PASSWORD }).expect(401);
    await api(app).post('/api/v1/auth/login').send({ email: UNKNOWN_EMAIL, password: WRONG_PASSWORD }).expect(401);
    alicePhone = await loginFrom(app, alice.email, alice.password, 'AuditPhone/1.0');
    aliceLaptop = await loginFrom(app, alice.email, alice.password, 'AuditLaptop/1.0');
    const aliceTablet = await loginFrom(app, alice.email, alice.password, 'AuditTablet/1.0');
    const renewedPhone = (await refresh(app, alicePhone.refreshToken).expect(200)).body as TokenBody;
    await api(app)
      .delete(`/api/v1/auth/sessions/${sidOf(aliceTablet)}`)
      .set(bearer(aliceLaptop.accessToken))
      .expect(204);
    await api(app)
      .post('/api/v1/auth/logout')
      .set(bearer(aliceLaptop.accessToken))
      .set('User-Agent', 'AuditLaptop/1.0')
      .expect(204);
    await api(app)
      .post('/api/v1/auth/password')
      .set(bearer(renewedPhone.accessToken))
      .send({ currentPassword: alice.password, newPassword: NEW_PASSWORD })
      .expect(204);

    bob = await registerAndLogin(app);
    await api(app).post('/api/v1/auth/logout-all').set(bearer(bob.tokens.accessToken)).expect(204);

    carol = await registerAndLogin(app);
    await api(app)
      .patch(`/api/v1/users/${carol.user.id}`)
      .set(bearer(admin.tokens.accessToken))
      .send({ roles: ['admin', 'user'] })
      .expect(200);
    await api(app)
      .patch(`/api/v1/users/${carol.user.id}`)
      .set(bearer(admin.tokens.accessToken))
      .send({ disabled: true })
      .expect(200);

    dave = await registerAndLogin(app);
    await api(app).delete(`/api/v1/users/${dave.user.id}`).set(bearer(admin.tokens.accessToken)).expect(204);

    rotatedKid = (
      (await api(app).post('/api/v1/admin/keys/rotate').set(bearer(admin.tokens.accessToken)).expect(201)).body as {
        kid: string;
      }
    ).kid;

    for (const tokens of [
      admin.tokens,
      alicePhone,
      aliceLaptop,
      aliceTablet,
      renewedPhone,
      bob.tokens,
      carol.tokens,
      dave.tokens,
    ]) {
      secrets.push(tokens.accessToken, tokens.refreshToken);
    }
    secrets.push(WRONG_PASSWORD, NEW_PASSWORD, ADMIN.password, alice.password, bob.password, carol.password);
  });

  afterAll(async () => {
    await app.close();
  });

  const audit = (query: Record<string, string | number> = {}) => auditPage(app, admin.tokens.accessToken, query);
  const eventsOf = async (type: string, userId?: string): Promise<AuditEventBody[]> =>
    (await audit({ type, ...(userId && { userId }) })).items;

  it('should answer 401 without a token and 403 for a user', async () => {
    const anonymous = await api(app).get('/api/v1/admin/audit');
    expectProblem(anonymous, 401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');

    const user = await registerAndLogin(app);
    const forbidden = await getAudit(app, user.tokens.accessToken);
    expectProblem(forbidden, 403);
    expect(forbidden.text).not.toContain(alice.email);
  });

  it('should list events newest first with the documented fields', async () => {
    const page = await audit();

    expect(page).toEqual({ items: expect.any(Array), total: expect.any(Number), page: 1, limit: 100 });
    expect(page.items.length).toBeGreaterThan(10);
    for (const event of page.items) {
      expect(Object.keys(event).sort()).toEqual(EVENT_KEYS);
      expect(event.createdAt).toMatch(ISO_TIME);
    }
    const times = page.items.map((event) => Date.parse(event.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('should record login.succeeded with the user, session, address and user agent', async () => {
    const events = await eventsOf('login.succeeded', alice.user.id);

    expect(events).toHaveLength(3);
    expect(events).toContainEqual(
      expect.objectContaining({
        userId: alice.user.id,
        actorId: null,
        sessionId: sidOf(alicePhone),
        ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/),
        userAgent: 'AuditPhone/1.0',
      }),
    );
  });

  it('should record login.failed with the email tried, for a known and an unknown account, and never the password', async () => {
    const failed = await audit({ type: 'login.failed' });

    expect(failed.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: alice.user.id, sessionId: null, details: { email: alice.email } }),
        expect.objectContaining({ userId: null, sessionId: null, details: { email: UNKNOWN_EMAIL } }),
      ]),
    );
    expect(JSON.stringify(failed)).not.toContain(WRONG_PASSWORD);
  });

  it('should record logout, session.revoked, password.changed and logout-all', async () => {
    expect(await eventsOf('logout', alice.user.id)).toEqual([
      expect.objectContaining({ userId: alice.user.id, sessionId: sidOf(aliceLaptop), userAgent: 'AuditLaptop/1.0' }),
    ]);
    const revoked = await eventsOf('session.revoked', alice.user.id);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ userId: alice.user.id, actorId: null });
    expect(revoked[0].sessionId).not.toBe(sidOf(aliceLaptop));
    expect(await eventsOf('password.changed', alice.user.id)).toEqual([
      expect.objectContaining({ userId: alice.user.id, sessionId: sidOf(alicePhone) }),
    ]);
    expect(await eventsOf('logout-all', bob.user.id)).toEqual([
      expect.objectContaining({ userId: bob.user.id, sessionId: sidOf(bob.tokens) }),
    ]);
  });

  it('should record role changes, disabling and deletion with the admin as the actor', async () => {
    expect(await eventsOf('user.roles-changed', carol.user.id)).toEqual([
      expect.objectContaining({ userId: carol.user.id, actorId: admin.user.id, details: { roles: ['admin', 'user'] } }),
    ]);
    expect(await eventsOf('user.disabled', carol.user.id)).toEqual([
      expect.objectContaining({ userId: carol.user.id, actorId: admin.user.id }),
    ]);
    expect(await eventsOf('user.deleted', dave.user.id)).toEqual([
      expect.objectContaining({ userId: dave.user.id, actorId: admin.user.id }),
    ]);
  });

  it('should record key.rotated with the kid', async () => {
    expect(await eventsOf('key.rotated')).toEqual([
      expect.objectContaining({ actorId: admin.user.id, details: { kid: rotatedKid, via: 'api' } }),
    ]);
  });

  it('should filter by user and by type, together or alone', async () => {
    const forAlice = await audit({ userId: alice.user.id });
    expect(forAlice.items.length).toBeGreaterThan(0);
    expect(forAlice.items.every((event) => event.userId === alice.user.id)).toBe(true);
    expect(new Set(forAlice.items.map((event) => event.type))).toEqual(
      new Set([
        'email.verification-sent',
        'login.failed',
        'login.succeeded',
        'session.revoked',
        'logout',
        'password.changed',
      ]),
    );

    const logins = await audit({ type: 'login.succeeded' });
    expect(logins.items.every((event) => event.type === 'login.succeeded')).toBe(true);
    expect(logins.items.map((event) => event.userId)).toEqual(expect.arrayContaining([alice.user.id, bob.user.id]));

    const none = await audit({ userId: dave.user.id, type: 'logout' });
    expect(none).toEqual({ items: [], total: 0, page: 1, limit: 100 });
  });

  it('should paginate with a stable total', async () => {
    const all = await audit({ userId: alice.user.id });
    const first = await audit({ userId: alice.user.id, page: 1, limit: 2 });
    const second = await audit({ userId: alice.user.id, page: 2, limit: 2 });

    expect(all.total).toBe(all.items.length);
    expect(first).toMatchObject({ total: all.total, page: 1, limit: 2 });
    expect(second).toMatchObject({ total: all.total, page: 2, limit: 2 });
    expect([...first.items, ...second.items].map((event) => event.id)).toEqual(
      all.items.slice(0, 4).map((event) => event.id),
    );
    const beyond = await audit({ userId: alice.user.id, page: 100, limit: 2 });
    expect(beyond).toMatchObject({ items: [], total: all.total });
  });

  it('should reject a bad type, a bad user id, bad paging and unknown parameters with 400', async () => {
    const asAdmin = (query: Record<string, string | number>) => getAudit(app, admin.tokens.accessToken, query);

    expectFieldErrors(await asAdmin({ type: 'login.hacked' }), ['type']);
    expectFieldErrors(await asAdmin({ userId: 'not-a-uuid' }), ['userId']);
    expectFieldErrors(await asAdmin({ limit: 101 }), ['limit']);
    expectFieldErrors(await asAdmin({ page: 0 }), ['page']);
    expectProblem(await asAdmin({ password: 'x' }), 400);
  });

  it('should never contain a token or a password, in any page', async () => {
    const texts: string[] = [];
    const { total } = await audit();
    for (let page = 1; (page - 1) * 100 < total; page++) {
      texts.push((await getAudit(app, admin.tokens.accessToken, { page, limit: 100 }).expect(200)).text);
    }
    const raw = texts.join('\n');

    expect(raw).toContain(alice.user.id);
    for (const secret of secrets) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/);
    expect(raw).not.toMatch(/\$argon2/);
  });

  it('should record refresh.reuse-detected for a replayed refresh token', async () => {
    const user = await registerAndLogin(app);
    const second = (await refresh(app, user.tokens.refreshToken).expect(200)).body as TokenBody;
    await refresh(app, second.refreshToken).expect(200);
    await refresh(app, user.tokens.refreshToken).expect(401);

    expect(await eventsOf('refresh.reuse-detected', user.user.id)).toEqual([
      expect.objectContaining({ userId: user.user.id, sessionId: sidOf(user.tokens) }),
    ]);
  });
});
