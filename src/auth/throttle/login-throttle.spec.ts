import { Test } from '@nestjs/testing';
import { Clock } from '../../common/clock';
import { FakeClock } from '../../common/testing/fake-clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { LoginThrottle, ThrottleKey } from './login-throttle';

const ACCOUNT: ThrottleKey = { kind: 'account', id: 'ada@example.org' };
const CLIENT: ThrottleKey = { kind: 'client', id: '203.0.113.7' };

async function createThrottle(
  env: Record<string, string> = {},
): Promise<{ throttle: LoginThrottle; clock: FakeClock }> {
  const clock = new FakeClock(new Date(Date.UTC(2026, 2, 1, 12)));
  const moduleRef = await Test.createTestingModule({
    providers: [LoginThrottle, { provide: AppConfig, useValue: loadConfig(env) }, { provide: Clock, useValue: clock }],
  }).compile();
  return { throttle: moduleRef.get(LoginThrottle), clock };
}

describe('LoginThrottle', () => {
  let throttle: LoginThrottle;
  let clock: FakeClock;

  beforeEach(async () => {
    ({ throttle, clock } = await createThrottle());
  });

  const fail = (times: number, keys: ThrottleKey[] = [ACCOUNT]): void => {
    for (let attempt = 0; attempt < times; attempt++) {
      throttle.recordFailure(keys);
    }
  };

  it('should let the first four failures of an account retry at once', () => {
    fail(4);

    expect(throttle.retryAfterSeconds([ACCOUNT])).toBe(0);
  });

  it('should make an account wait after its fifth failure, twice as long after each further one', () => {
    const waits: number[] = [];
    for (let failure = 1; failure <= 8; failure++) {
      throttle.recordFailure([ACCOUNT]);
      const wait = throttle.retryAfterSeconds([ACCOUNT]);
      waits.push(wait);
      clock.advanceSeconds(wait);
    }

    expect(waits).toEqual([0, 0, 0, 0, 1, 2, 4, 8]);
  });

  it('should cap the wait at 15 minutes', () => {
    for (let failure = 1; failure <= 20; failure++) {
      throttle.recordFailure([ACCOUNT]);
      clock.advanceSeconds(throttle.retryAfterSeconds([ACCOUNT]));
    }
    throttle.recordFailure([ACCOUNT]);

    expect(throttle.retryAfterSeconds([ACCOUNT])).toBe(900);
  });

  it('should count down the wait with the clock', () => {
    fail(7);
    clock.advanceSeconds(1.5);

    expect(throttle.retryAfterSeconds([ACCOUNT])).toBe(3);
  });

  it('should allow nine failures from one client before it waits', () => {
    const keysFor = (attempt: number): ThrottleKey[] => [{ kind: 'account', id: `user${attempt}@example.org` }, CLIENT];
    fail(8, [CLIENT]);
    expect(throttle.retryAfterSeconds(keysFor(9))).toBe(0);

    throttle.recordFailure(keysFor(9));

    expect(throttle.retryAfterSeconds(keysFor(10))).toBe(1);
  });

  it.each([
    ['one account', (_attempt: number): ThrottleKey[] => [ACCOUNT, CLIENT]],
    [
      'one client trying many accounts',
      (attempt: number): ThrottleKey[] => [{ kind: 'account', id: `user${attempt}@example.org` }, CLIENT],
    ],
  ])('should answer 429 within 10 quick attempts against %s', (_label, keysFor) => {
    let firstBlocked = 0;
    for (let attempt = 1; attempt <= 10 && firstBlocked === 0; attempt++) {
      if (throttle.retryAfterSeconds(keysFor(attempt)) > 0) {
        firstBlocked = attempt;
      } else {
        throttle.recordFailure(keysFor(attempt));
      }
    }

    expect(firstBlocked).toBeGreaterThan(0);
    expect(firstBlocked).toBeLessThanOrEqual(10);
  });

  it('should wait for the most blocked of the keys', () => {
    fail(7, [ACCOUNT]);

    expect(throttle.retryAfterSeconds([{ kind: 'account', id: 'other@example.org' }, CLIENT])).toBe(0);
    expect(throttle.retryAfterSeconds([ACCOUNT, CLIENT])).toBe(4);
  });

  it('should reset an account after a success', () => {
    fail(6);

    throttle.recordSuccess(ACCOUNT);

    expect(throttle.retryAfterSeconds([ACCOUNT])).toBe(0);
    fail(4);
    expect(throttle.retryAfterSeconds([ACCOUNT])).toBe(0);
  });

  it('should forget failures after an hour without one, so nobody is locked out for good', () => {
    fail(12);
    clock.advanceSeconds(3600 + 1);

    expect(throttle.retryAfterSeconds([ACCOUNT])).toBe(0);
    fail(4);
    expect(throttle.retryAfterSeconds([ACCOUNT])).toBe(0);
  });

  it('should do nothing when RATE_LIMIT_ENABLED=false', async () => {
    const { throttle: disabled } = await createThrottle({ RATE_LIMIT_ENABLED: 'false' });

    for (let failure = 0; failure < 50; failure++) {
      disabled.recordFailure([ACCOUNT, CLIENT]);
    }

    expect(disabled.retryAfterSeconds([ACCOUNT, CLIENT])).toBe(0);
  });
});
