import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { ADMIN_ENV, login, loginAsAdmin, LoggedInUser, register, registerAndLogin, TokenBody } from './factories/users';
import { auditPage } from './utils/audit';
import { createTestApp } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { api, bearer, expectFieldErrors, expectProblem } from './utils/http';
import { decodeJwt } from './utils/jwt';
import {
  expectAccessWorks,
  expectSessionEnded,
  expectTokenRefused,
  getMe,
  loginFrom,
  refresh,
  sidOf,
} from './utils/sessions';

interface SessionBody {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$/;

// Strict: every retired token is reuse at once (test/refresh-reuse.e2e-spec.ts covers the default interval).
describe('Refresh-token rotation and reuse detection, REFRESH_TOKEN_REUSE_INTERVAL=0 (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: LoggedInUser;

  beforeAll(async () => {
    app = await createTestApp({ env: { ...ADMIN_ENV, REFRESH_TOKEN_REUSE_INTERVAL: '0' } });
    admin = await loginAsAdmin(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer a refresh with a new pair in the same session, after which the old refresh token fails', async () => {
    const { tokens } = await registerAndLogin(app);

    const renewed = (await refresh(app, tokens.refreshToken).expect(200)).body as TokenBody;

    expect(renewed.refreshToken).not.toBe(tokens.refreshToken);
    expect(renewed.accessToken).not.toBe(tokens.accessToken);
    expect(sidOf(renewed)).toBe(sidOf(tokens));
    expect(decodeJwt(renewed.accessToken).claims.jti).not.toBe(decodeJwt(tokens.accessToken).claims.jti);
    await expectAccessWorks(app, renewed);
    expectProblem(await refresh(app, tokens.refreshToken), 401);
  });

  it('should keep the same sid through a chain of refreshes', async () => {
    const { tokens } = await registerAndLogin(app);
    let current = tokens;

    for (let step = 0; step < 3; step++) {
      current = (await refresh(app, current.refreshToken).expect(200)).body as TokenBody;
      expect(sidOf(current)).toBe(sidOf(tokens));
    }
    await expectAccessWorks(app, current);
  });

  describe('replay of a rotated refresh token', () => {
    let victim: LoggedInUser;
    let otherDevice: TokenBody;
    let newest: TokenBody;
    let replay: Awaited<ReturnType<typeof refresh>>;

    beforeAll(async () => {
      victim = await registerAndLogin(app);
      otherDevice = await login(app, victim.email, victim.password);
      newest = (await refresh(app, victim.tokens.refreshToken).expect(200)).body as TokenBody;
      // The legitimate client works with the newest pair until the stolen, rotated token is presented.
      await expectAccessWorks(app, newest);

      replay = await refresh(app, victim.tokens.refreshToken);
    });

    it('should refuse the replayed token with the usual 401', () => {
      expectProblem(replay, 401);
    });

    it('should end the session: the newer refresh token and the session’s access tokens are refused', async () => {
      expectProblem(await refresh(app, newest.refreshToken), 401);
      expectTokenRefused(await getMe(app, newest.accessToken));
      expectTokenRefused(await getMe(app, victim.tokens.accessToken));
      expectTokenRefused(await api(app).get('/api/v1/auth/verify').set(bearer(newest.accessToken)));
    });

    it('should leave another session of the same user alone', async () => {
      await expectAccessWorks(app, otherDevice);
      const renewed = (await refresh(app, otherDevice.refreshToken).expect(200)).body as TokenBody;
      await expectAccessWorks(app, renewed);
    });

    it('should record refresh.reuse-detected for the user and the session', async () => {
      const page = await auditPage(app, admin.tokens.accessToken, {
        userId: victim.user.id,
        type: 'refresh.reuse-detected',
      });

      expect(page.total).toBe(1);
      expect(page.items[0]).toMatchObject({
        type: 'refresh.reuse-detected',
        userId: victim.user.id,
        sessionId: sidOf(victim.tokens),
      });
    });
  });

  it('should give exactly one success to 20 concurrent refreshes with one token', async () => {
    const { tokens } = await registerAndLogin(app);

    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(app, tokens.refreshToken)));

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(19);
    responses.filter((response) => response.status === 401).forEach((response) => expectProblem(response, 401));
    // The others were replays: the session has ended, so the winner's refresh token is dead too.
    const winner = responses.find((response) => response.status === 200)?.body as TokenBody;
    expect(sidOf(winner)).toBe(sidOf(tokens));
    expectProblem(await refresh(app, winner.refreshToken), 401);
  });
});

describe('Sessions API: /api/v1/auth/sessions (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const listSessions = async (accessToken: string): Promise<SessionBody[]> =>
    (await api(app).get('/api/v1/auth/sessions').set(bearer(accessToken)).expect(200)).body as SessionBody[];
  const deleteSession = (id: string, accessToken: string) =>
    api(app).delete(`/api/v1/auth/sessions/${id}`).set(bearer(accessToken));

  /** A user signed in on a phone, a laptop and a tablet. */
  async function userWithThreeDevices() {
    const registered = await register(app);
    const phone = await loginFrom(app, registered.email, registered.password, 'Phone/1.0');
    const laptop = await loginFrom(app, registered.email, registered.password, 'Laptop/2.0');
    const tablet = await loginFrom(app, registered.email, registered.password, 'Tablet/3.0');
    return { ...registered, phone, laptop, tablet };
  }

  it('should list the live sessions, current only for the caller’s, with user agent and address', async () => {
    const { phone, laptop, tablet } = await userWithThreeDevices();

    const sessions = await listSessions(laptop.accessToken);

    expect(sessions).toHaveLength(3);
    const byId = new Map(sessions.map((session) => [session.id, session]));
    expect([...byId.keys()].sort()).toEqual([sidOf(phone), sidOf(laptop), sidOf(tablet)].sort());
    expect(byId.get(sidOf(phone))).toMatchObject({ userAgent: 'Phone/1.0', current: false });
    expect(byId.get(sidOf(laptop))).toMatchObject({ userAgent: 'Laptop/2.0', current: true });
    expect(byId.get(sidOf(tablet))).toMatchObject({ userAgent: 'Tablet/3.0', current: false });
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual(
        ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'userAgent'].sort(),
      );
      expect(session.ip).toMatch(LOOPBACK);
      expect(session.createdAt).toMatch(ISO_TIME);
      expect(session.lastUsedAt).toMatch(ISO_TIME);
      expect(session.expiresAt).toMatch(ISO_TIME);
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.parse(session.createdAt));
    }
    // Another device sees the same list with its own session marked.
    const fromPhone = await listSessions(phone.accessToken);
    expect(fromPhone.filter((session) => session.current).map((session) => session.id)).toEqual([sidOf(phone)]);
  });

  it('should keep the session id across a refresh and drop sessions that ended', async () => {
    const { phone, laptop, tablet } = await userWithThreeDevices();
    const renewedLaptop = (await refresh(app, laptop.refreshToken).expect(200)).body as TokenBody;
    await api(app).post('/api/v1/auth/logout').set(bearer(tablet.accessToken)).expect(204);

    const sessions = await listSessions(renewedLaptop.accessToken);

    expect(sessions.map((session) => session.id).sort()).toEqual([sidOf(phone), sidOf(laptop)].sort());
    expect(sessions.find((session) => session.current)?.id).toBe(sidOf(laptop));
  });

  it('should list nobody else’s sessions', async () => {
    const mine = await registerAndLogin(app);
    await registerAndLogin(app);

    const sessions = await listSessions(mine.tokens.accessToken);

    expect(sessions.map((session) => session.id)).toEqual([sidOf(mine.tokens)]);
  });

  it('should need a bearer token', async () => {
    const response = await api(app).get('/api/v1/auth/sessions');

    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('should end another of my sessions with 204: its tokens stop working while mine keep working', async () => {
    const { phone, laptop, tablet } = await userWithThreeDevices();

    const response = await deleteSession(sidOf(phone), laptop.accessToken).expect(204);

    expect(response.text).toBe('');
    await expectSessionEnded(app, phone);
    await expectAccessWorks(app, laptop);
    await expectAccessWorks(app, tablet);
    const remaining = await listSessions(laptop.accessToken);
    expect(remaining.map((session) => session.id).sort()).toEqual([sidOf(laptop), sidOf(tablet)].sort());
    await refresh(app, laptop.refreshToken).expect(200);
  });

  it('should answer 404 for another user’s session id, which keeps working', async () => {
    const me = await registerAndLogin(app);
    const someoneElse = await registerAndLogin(app);

    expectProblem(await deleteSession(sidOf(someoneElse.tokens), me.tokens.accessToken), 404);

    await expectAccessWorks(app, someoneElse.tokens);
    await refresh(app, someoneElse.tokens.refreshToken).expect(200);
  });

  it('should answer 404 for an unknown id and for a session of mine that already ended', async () => {
    const { phone, laptop } = await userWithThreeDevices();
    await api(app).post('/api/v1/auth/logout').set(bearer(phone.accessToken)).expect(204);

    expectProblem(await deleteSession(randomUUID(), laptop.accessToken), 404);
    expectProblem(await deleteSession(sidOf(phone), laptop.accessToken), 404);
  });

  it('should answer 400 naming the id for one that is not a UUID', async () => {
    const { tokens } = await registerAndLogin(app);

    expectFieldErrors(await deleteSession('not-a-uuid', tokens.accessToken), ['id']);
  });

  it('should treat ending my current session as a logout', async () => {
    const { phone, laptop } = await userWithThreeDevices();

    await deleteSession(sidOf(laptop), laptop.accessToken).expect(204);

    await expectSessionEnded(app, laptop);
    await expectAccessWorks(app, phone);
  });

  it('should need a bearer token to end a session', async () => {
    const { tokens } = await registerAndLogin(app);

    expectProblem(await api(app).delete(`/api/v1/auth/sessions/${sidOf(tokens)}`), 401);
    await expectAccessWorks(app, tokens);
  });
});

describe('Idle and absolute session expiry with an injected clock (e2e)', () => {
  const IDLE = 3600;
  const ABSOLUTE = 3 * 3600;
  let app: NestFastifyApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock();
    app = await createTestApp({
      env: { REFRESH_TOKEN_IDLE_TTL: '1h', REFRESH_TOKEN_TTL: '3h' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    // Every test starts at the real time, so the tokens a login mints are valid for jsonwebtoken's real clock.
    clock.set(new Date());
  });

  // Only tokens minted at the real time verify; the ones a refresh mints after a jump are "not yet valid", and unused.
  const listSessions = async (accessToken: string): Promise<SessionBody[]> =>
    (await api(app).get('/api/v1/auth/sessions').set(bearer(accessToken)).expect(200)).body as SessionBody[];

  it('should answer a login with refreshExpiresIn equal to the idle limit', async () => {
    const { tokens } = await registerAndLogin(app);

    expect(tokens.refreshExpiresIn).toBe(IDLE);
  });

  it('should refresh just before the idle limit and slide it; past the idle limit the refresh fails', async () => {
    const { tokens } = await registerAndLogin(app);
    const loginTime = clock.now().getTime();

    clock.advanceSeconds(IDLE - 1);
    const first = (await refresh(app, tokens.refreshToken).expect(200)).body as TokenBody;
    expect(first.refreshExpiresIn).toBe(IDLE);

    // Beyond the first idle limit, but within the slid one.
    clock.advanceSeconds(IDLE - 1);
    const second = (await refresh(app, first.refreshToken).expect(200)).body as TokenBody;
    expect(second.refreshExpiresIn).toBe(IDLE);

    // The session list (asked with the login's access token, still valid in real time) shows the slid times.
    const [session] = await listSessions(tokens.accessToken);
    expect(session.id).toBe(sidOf(tokens));
    expect(Date.parse(session.lastUsedAt)).toBe(loginTime + 2 * (IDLE - 1) * 1000);
    expect(Date.parse(session.expiresAt)).toBe(loginTime + (2 * (IDLE - 1) + IDLE) * 1000);

    clock.advanceSeconds(IDLE + 1);
    expectProblem(await refresh(app, second.refreshToken), 401);
    expect(await listSessions(tokens.accessToken)).toEqual([]);
  });

  it('should refuse a refresh exactly at the idle limit', async () => {
    const { tokens } = await registerAndLogin(app);

    clock.advanceSeconds(IDLE);

    expectProblem(await refresh(app, tokens.refreshToken), 401);
  });

  it('should end the session at the absolute limit even when it was never idle, shrinking refreshExpiresIn', async () => {
    const { tokens } = await registerAndLogin(app);
    const every50Minutes = 50 * 60;
    let current = tokens;
    const expiresIn: number[] = [];

    // Refreshes at 50, 100 and 150 minutes after login, then at 166:40: never idle for more than 50 minutes.
    for (const step of [every50Minutes, every50Minutes, every50Minutes, 1000]) {
      clock.advanceSeconds(step);
      current = (await refresh(app, current.refreshToken).expect(200)).body as TokenBody;
      expect(sidOf(current)).toBe(sidOf(tokens));
      expiresIn.push(current.refreshExpiresIn);
    }

    // After 150 minutes the idle limit would pass the absolute one: what is left of the 3 hours is the limit.
    expect(expiresIn).toEqual([IDLE, IDLE, ABSOLUTE - 3 * every50Minutes, ABSOLUTE - 3 * every50Minutes - 1000]);

    // 180 minutes and 1 second after login, only 801 seconds after the last refresh.
    clock.advanceSeconds(ABSOLUTE - 3 * every50Minutes - 1000 + 1);
    expectProblem(await refresh(app, current.refreshToken), 401);
    expect(await listSessions(tokens.accessToken)).toEqual([]);
  });

  it('should let a user whose session expired log in again', async () => {
    const { email, password, tokens } = await registerAndLogin(app);
    clock.advanceSeconds(IDLE + 1);
    expectProblem(await refresh(app, tokens.refreshToken), 401);

    clock.set(new Date());
    const fresh = await login(app, email, password);

    await expectAccessWorks(app, fresh);
    await refresh(app, fresh.refreshToken).expect(200);
  });
});
