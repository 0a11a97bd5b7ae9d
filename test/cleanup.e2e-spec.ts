import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { CleanupService } from '../src/auth/cleanup.service';
import { RevocationsService } from '../src/auth/revocations/revocations.service';
import { Clock } from '../src/common/clock';
import { registerAndLogin, TokenBody } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { api, bearer, expectProblem } from './utils/http';
import { expectAccessWorks, expectTokenRefused, getMe, refresh, sidOf } from './utils/sessions';
import { Revocation } from '../src/auth/revocations/revocation.entity';
import { RefreshToken } from '../src/auth/sessions/refresh-token.entity';
import { Session } from '../src/auth/sessions/session.entity';
import { DeviceToken } from '../src/auth/device-tokens/device-token.entity';
import { decodeJwt } from './utils/jwt';

const REVOCATION_WINDOW = 900 + 1; // ACCESS_TOKEN_TTL + JWT_CLOCK_TOLERANCE

describe('Clean-up of sessions, refresh tokens and revocations (e2e)', () => {
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

  // Through TypeORM, so the same counts work on SQLite and PostgreSQL.
  const sessionRows = (sid: string) => app.get(DataSource).getRepository(Session).countBy({ id: sid });
  const refreshTokenRows = (sid: string) => app.get(DataSource).getRepository(RefreshToken).countBy({ sessionId: sid });
  const revocationRows = () => app.get(DataSource).getRepository(Revocation).count();

  it('should keep what still matters, then purge ended sessions and expired revocations from the table and memory', async () => {
    const revocations = app.get(RevocationsService);
    const cleanup = app.get(CleanupService);
    const live = await registerAndLogin(app);
    const loggedOut = await registerAndLogin(app);
    await api(app).post('/api/v1/auth/logout').set(bearer(loggedOut.tokens.accessToken)).expect(204);
    const everywhere = await registerAndLogin(app);
    await api(app).post('/api/v1/auth/logout-all').set(bearer(everywhere.tokens.accessToken)).expect(204);
    const before = revocations.size;
    expect(before.sessions).toBeGreaterThanOrEqual(2);
    expect(before.users).toBeGreaterThanOrEqual(1);

    // Within the window nothing that could still stop a token goes.
    clock.advanceSeconds(REVOCATION_WINDOW - 1);
    await cleanup.run();
    expect(revocations.size).toEqual(before);
    expectTokenRefused(await getMe(app, loggedOut.tokens.accessToken));
    expectTokenRefused(await getMe(app, everywhere.tokens.accessToken));
    expect(await sessionRows(sidOf(loggedOut.tokens))).toBe(1);

    clock.advanceSeconds(2);
    await cleanup.run();

    expect(revocations.size).toEqual({ sessions: 0, users: 0 });
    expect(await revocationRows()).toBe(0);
    for (const ended of [loggedOut.tokens, everywhere.tokens]) {
      expect(await sessionRows(sidOf(ended))).toBe(0);
      expect(await refreshTokenRows(sidOf(ended))).toBe(0);
      expectProblem(await refresh(app, ended.refreshToken), 401);
    }
    // The live session is untouched: its access token (valid in real time) and its refresh token still work.
    expect(await sessionRows(sidOf(live.tokens))).toBe(1);
    await expectAccessWorks(app, live.tokens);
    await refresh(app, live.tokens.refreshToken).expect(200);
  });

  it('should purge sessions past their idle limit with their refresh tokens', async () => {
    clock.set(new Date());
    const cleanup = app.get(CleanupService);
    const idle = await registerAndLogin(app);
    let busy: TokenBody = (await registerAndLogin(app)).tokens;
    const busySid = sidOf(busy);
    await refresh(app, idle.tokens.refreshToken).expect(200);
    expect(await refreshTokenRows(sidOf(idle.tokens))).toBe(2);

    clock.advanceSeconds(1800);
    busy = (await refresh(app, busy.refreshToken).expect(200)).body as TokenBody;
    clock.advanceSeconds(1801);
    await cleanup.run();

    expect(await sessionRows(sidOf(idle.tokens))).toBe(0);
    expect(await refreshTokenRows(sidOf(idle.tokens))).toBe(0);
    expect(await sessionRows(busySid)).toBe(1);
    await refresh(app, busy.refreshToken).expect(200);
  });

  it('should purge device tokens once they have expired, and keep live ones', async () => {
    const deviceTokens = () => app.get(DataSource).getRepository(DeviceToken);
    const { tokens } = await registerAndLogin(app);
    const userId = decodeJwt(tokens.accessToken).claims.sub as string;
    const rowsOfUser = () => deviceTokens().countBy({ userId });
    const expiresAt = (await deviceTokens().findOneByOrFail({ userId })).expiresAt;

    clock.set(new Date(expiresAt.getTime() - 1000));
    await app.get(CleanupService).run();
    expect(await rowsOfUser()).toBe(1);

    clock.set(expiresAt);
    await app.get(CleanupService).run();
    expect(await rowsOfUser()).toBe(0);
    clock.set(new Date());
  });
});
