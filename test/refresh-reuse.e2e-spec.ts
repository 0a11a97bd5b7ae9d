import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Clock } from '../src/common/clock';
import { registerAndLogin, TokenBody } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { expectProblem } from './utils/http';
import { expectAccessWorks, expectSessionEnded, refresh, sidOf } from './utils/sessions';

/** REFRESH_TOKEN_REUSE_INTERVAL in these apps. */
const REUSE_INTERVAL_SECONDS = 10;

describe('Refresh-token reuse interval: a lost response never logs anyone out (e2e)', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock();
    app = await createTestApp({
      env: { REFRESH_TOKEN_REUSE_INTERVAL: `${REUSE_INTERVAL_SECONDS}s` },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    // At the real time, so the access tokens the app mints verify.
    clock.set(new Date());
  });

  const refreshed = async (refreshToken: string): Promise<TokenBody> =>
    (await refresh(app, refreshToken).expect(200)).body as TokenBody;

  it('should give two simultaneous refreshes with one token the same refresh token, and keep the session', async () => {
    const { tokens } = await registerAndLogin(app);

    const responses = await Promise.all([refresh(app, tokens.refreshToken), refresh(app, tokens.refreshToken)]);

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    const [first, second] = responses.map((response) => response.body as TokenBody);
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(second.refreshToken).not.toBe(tokens.refreshToken);
    expect([sidOf(first), sidOf(second)]).toEqual([sidOf(tokens), sidOf(tokens)]);
    await expectAccessWorks(app, first);
    await expectAccessWorks(app, second);
    await expectAccessWorks(app, await refreshed(first.refreshToken));
  });

  it('should give every one of 20 concurrent refreshes the same successor', async () => {
    const { tokens } = await registerAndLogin(app);

    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(app, tokens.refreshToken)));

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const successors = new Set(responses.map((response) => (response.body as TokenBody).refreshToken));
    expect(successors.size).toBe(1);
    await expectAccessWorks(app, await refreshed([...successors][0]));
  });

  it('should answer a retry whose answer was lost with the same successor and a fresh access token', async () => {
    const { tokens } = await registerAndLogin(app);
    const lost = await refreshed(tokens.refreshToken);
    clock.advanceSeconds(REUSE_INTERVAL_SECONDS - 1);

    const retried = await refreshed(tokens.refreshToken);

    expect(retried.refreshToken).toBe(lost.refreshToken);
    expect(retried.accessToken).not.toBe(lost.accessToken);
    expect(sidOf(retried)).toBe(sidOf(tokens));
    expect(retried.refreshExpiresIn).toBeLessThanOrEqual(lost.refreshExpiresIn);
    // The retry's access token was minted 9 s ahead of the real time that verifies it; the session goes on.
    clock.set(new Date());
    await expectAccessWorks(app, await refreshed(retried.refreshToken));
  });

  it('should treat the old token as reuse once its successor has been used, ending the session', async () => {
    const { tokens } = await registerAndLogin(app);
    const successor = await refreshed(tokens.refreshToken);
    const newest = await refreshed(successor.refreshToken);

    expectProblem(await refresh(app, tokens.refreshToken), 401);

    await expectSessionEnded(app, newest);
  });

  it('should treat the old token as reuse once the interval has passed, ending the session', async () => {
    const { tokens } = await registerAndLogin(app);
    const successor = await refreshed(tokens.refreshToken);
    clock.advanceSeconds(REUSE_INTERVAL_SECONDS);

    expectProblem(await refresh(app, tokens.refreshToken), 401);

    clock.set(new Date());
    await expectSessionEnded(app, successor);
  });
});

describe('Refresh-token reuse interval 0: strict reuse detection (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { REFRESH_TOKEN_REUSE_INTERVAL: '0' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should end the session when a just-retired token is presented again', async () => {
    const { tokens } = await registerAndLogin(app);
    const successor = (await refresh(app, tokens.refreshToken).expect(200)).body as TokenBody;

    expectProblem(await refresh(app, tokens.refreshToken), 401);

    await expectSessionEnded(app, successor);
  });

  it('should give exactly one of two simultaneous refreshes a token, then end the session', async () => {
    const { tokens } = await registerAndLogin(app);

    const responses = await Promise.all([refresh(app, tokens.refreshToken), refresh(app, tokens.refreshToken)]);

    expect(responses.map((response) => response.status).sort()).toEqual([200, 401]);
    const winner = responses.find((response) => response.status === 200)?.body as TokenBody;
    expectProblem(await refresh(app, winner.refreshToken), 401);
  });
});
