import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Clock } from '../../common/clock';
import { FakeClock } from '../../common/testing/fake-clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { RedisService } from '../../redis/redis.service';
import {
  closedRedisUrl,
  deleteRedisKeys,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
  waitUntilHealthy,
} from '../../redis/testing/redis-testing';
import { LoginThrottle, ThrottleKey } from './login-throttle';
import { RedisThrottleStore } from './redis-throttle-store';

const ACCOUNT: ThrottleKey = { kind: 'account', id: 'ada@example.org' };
const CLIENT: ThrottleKey = { kind: 'client', id: '203.0.113.7' };
const STARTED_AT = new Date(Date.UTC(2026, 2, 1, 12));

interface Instance {
  throttle: LoginThrottle;
  redis: RedisService;
  moduleRef: TestingModule;
}

/** One instance's throttle; instances given the same clock and Redis prefix stand for a scaled-out deployment. */
async function startInstance(env: Record<string, string>, clock: FakeClock): Promise<Instance> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      LoginThrottle,
      RedisService,
      { provide: AppConfig, useValue: loadConfig(env) },
      { provide: Clock, useValue: clock },
    ],
  }).compile();
  return { throttle: moduleRef.get(LoginThrottle), redis: moduleRef.get(RedisService), moduleRef };
}

async function failTimes(throttle: LoginThrottle, times: number, keys: ThrottleKey[] = [ACCOUNT]): Promise<void> {
  for (let attempt = 0; attempt < times; attempt++) {
    await throttle.recordFailure(keys);
  }
}

describe.each([
  ['in memory (no REDIS_URL)', false],
  ['on Redis', true],
])('LoginThrottle %s', (_mode, withRedis) => {
  let prefix: string;
  let instance: Instance;
  let throttle: LoginThrottle;
  let clock: FakeClock;

  beforeEach(async () => {
    prefix = uniqueRedisPrefix();
    clock = new FakeClock(STARTED_AT);
    instance = await startInstance(withRedis ? { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}, clock);
    if (withRedis) {
      await waitUntilHealthy(instance.redis);
    }
    throttle = instance.throttle;
  });

  afterEach(async () => {
    await instance.moduleRef.close();
    if (withRedis) {
      await deleteRedisKeys(prefix);
    }
  });

  const fail = (times: number, keys: ThrottleKey[] = [ACCOUNT]): Promise<void> => failTimes(throttle, times, keys);

  it('should let the first four failures of an account retry at once', async () => {
    await fail(4);

    await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
  });

  it('should make an account wait after its fifth failure, twice as long after each further one', async () => {
    const waits: number[] = [];
    for (let failure = 1; failure <= 8; failure++) {
      await throttle.recordFailure([ACCOUNT]);
      const wait = await throttle.retryAfterSeconds([ACCOUNT]);
      waits.push(wait);
      clock.advanceSeconds(wait);
    }

    expect(waits).toEqual([0, 0, 0, 0, 1, 2, 4, 8]);
  });

  it('should cap the wait at 15 minutes', async () => {
    for (let failure = 1; failure <= 20; failure++) {
      await throttle.recordFailure([ACCOUNT]);
      clock.advanceSeconds(await throttle.retryAfterSeconds([ACCOUNT]));
    }
    await throttle.recordFailure([ACCOUNT]);

    await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(900);
  });

  it('should count down the wait with the clock', async () => {
    await fail(7);
    clock.advanceSeconds(1.5);

    await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(3);
  });

  it('should allow nine failures from one client before it waits', async () => {
    const keysFor = (attempt: number): ThrottleKey[] => [{ kind: 'account', id: `user${attempt}@example.org` }, CLIENT];
    await fail(8, [CLIENT]);
    await expect(throttle.retryAfterSeconds(keysFor(9))).resolves.toBe(0);

    await throttle.recordFailure(keysFor(9));

    await expect(throttle.retryAfterSeconds(keysFor(10))).resolves.toBe(1);
  });

  it.each([
    ['one account', (_attempt: number): ThrottleKey[] => [ACCOUNT, CLIENT]],
    [
      'one client trying many accounts',
      (attempt: number): ThrottleKey[] => [{ kind: 'account', id: `user${attempt}@example.org` }, CLIENT],
    ],
  ])('should answer 429 within 10 quick attempts against %s', async (_label, keysFor) => {
    let firstBlocked = 0;
    for (let attempt = 1; attempt <= 10 && firstBlocked === 0; attempt++) {
      if ((await throttle.retryAfterSeconds(keysFor(attempt))) > 0) {
        firstBlocked = attempt;
      } else {
        await throttle.recordFailure(keysFor(attempt));
      }
    }

    expect(firstBlocked).toBeGreaterThan(0);
    expect(firstBlocked).toBeLessThanOrEqual(10);
  });

  it('should wait for the most blocked of the keys', async () => {
    await fail(7, [ACCOUNT]);

    await expect(throttle.retryAfterSeconds([{ kind: 'account', id: 'other@example.org' }, CLIENT])).resolves.toBe(0);
    await expect(throttle.retryAfterSeconds([ACCOUNT, CLIENT])).resolves.toBe(4);
  });

  it('should reset an account after a success', async () => {
    await fail(6);

    await throttle.recordSuccess(ACCOUNT);

    await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
    await fail(4);
    await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
  });

  it('should forget failures after an hour without one, so nobody is locked out for good', async () => {
    await fail(12);
    clock.advanceSeconds(3600 + 1);

    await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
    await fail(4);
    await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
  });
});

describe('LoginThrottle', () => {
  let clock: FakeClock;
  const started: Instance[] = [];
  const prefixes: string[] = [];

  const start = async (env: Record<string, string> = {}): Promise<Instance> => {
    const instance = await startInstance(env, clock);
    started.push(instance);
    return instance;
  };
  const startOnRedis = async (prefix: string, env: Record<string, string> = {}): Promise<Instance> => {
    const instance = await start({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, ...env });
    await waitUntilHealthy(instance.redis);
    return instance;
  };
  const newPrefix = (): string => {
    const prefix = uniqueRedisPrefix();
    prefixes.push(prefix);
    return prefix;
  };

  beforeEach(() => {
    clock = new FakeClock(STARTED_AT);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((instance) => instance.moduleRef.close()));
    await Promise.all(prefixes.splice(0).map((prefix) => deleteRedisKeys(prefix)));
    jest.restoreAllMocks();
  });

  it('should do nothing when RATE_LIMIT_ENABLED=false', async () => {
    const { throttle } = await start({ RATE_LIMIT_ENABLED: 'false' });

    await failTimes(throttle, 50, [ACCOUNT, CLIENT]);

    await expect(throttle.retryAfterSeconds([ACCOUNT, CLIENT])).resolves.toBe(0);
  });

  it('should write nothing to Redis when RATE_LIMIT_ENABLED=false', async () => {
    const prefix = newPrefix();
    const { throttle, redis } = await startOnRedis(prefix, { RATE_LIMIT_ENABLED: 'false' });

    await failTimes(throttle, 10, [ACCOUNT, CLIENT]);

    await expect(redis.client.keys(`${prefix}*`)).resolves.toEqual([]);
  });

  describe('two instances on one healthy Redis', () => {
    let a: LoginThrottle;
    let b: LoginThrottle;

    beforeEach(async () => {
      const prefix = newPrefix();
      ({ throttle: a } = await startOnRedis(prefix));
      ({ throttle: b } = await startOnRedis(prefix));
    });

    it('should make an account wait on one instance for failures made on the other', async () => {
      await failTimes(a, 5);

      await expect(b.retryAfterSeconds([ACCOUNT])).resolves.toBe(1);
    });

    it('should add up failures spread across the instances, as a load balancer spreads them', async () => {
      await failTimes(a, 3);
      await failTimes(b, 2);

      await expect(a.retryAfterSeconds([ACCOUNT])).resolves.toBe(1);
      await expect(b.retryAfterSeconds([ACCOUNT])).resolves.toBe(1);
    });

    it('should count every failure when the instances record them at the same moment', async () => {
      await Promise.all(
        Array.from({ length: 10 }, (_, attempt) => (attempt % 2 === 0 ? a : b).recordFailure([CLIENT])),
      );

      await b.recordFailure([CLIENT]);

      // Nine are free for a client; the eleventh is the second beyond them: 2^2 seconds.
      await expect(a.retryAfterSeconds([CLIENT])).resolves.toBe(4);
    });

    it('should reset the account on both after a success on one', async () => {
      await failTimes(a, 6);

      await b.recordSuccess(ACCOUNT);

      await expect(a.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
    });

    it('should not share counts with a deployment under another prefix', async () => {
      const { throttle: elsewhere } = await startOnRedis(newPrefix());

      await failTimes(a, 8);

      await expect(elsewhere.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
    });
  });

  describe('with Redis configured but unreachable', () => {
    let url: string;

    beforeEach(async () => {
      url = await closedRedisUrl();
    });

    it('should fall back to memory and still throttle', async () => {
      const { throttle, redis } = await start({ REDIS_URL: url, REDIS_KEY_PREFIX: newPrefix() });
      expect(redis.healthy).toBe(false);

      const waits: number[] = [];
      for (let failure = 1; failure <= 7; failure++) {
        await throttle.recordFailure([ACCOUNT, CLIENT]);
        const wait = await throttle.retryAfterSeconds([ACCOUNT, CLIENT]);
        waits.push(wait);
        clock.advanceSeconds(wait);
      }

      expect(waits).toEqual([0, 0, 0, 0, 1, 2, 4]);
      await throttle.recordSuccess(ACCOUNT);
      await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
    });

    it('should answer without waiting for Redis', async () => {
      const { throttle } = await start({ REDIS_URL: url, REDIS_KEY_PREFIX: newPrefix() });
      const startedAt = Date.now();

      await failTimes(throttle, 10, [ACCOUNT, CLIENT]);
      await throttle.retryAfterSeconds([ACCOUNT, CLIENT]);

      // Well under a single command timeout (500 ms): nothing waited on the dead connection.
      expect(Date.now() - startedAt).toBeLessThan(250);
    });

    it('should count on each instance alone meanwhile', async () => {
      const prefix = newPrefix();
      const { throttle: a } = await start({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix });
      const { throttle: b } = await start({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix });

      await failTimes(a, 5);

      await expect(a.retryAfterSeconds([ACCOUNT])).resolves.toBe(1);
      await expect(b.retryAfterSeconds([ACCOUNT])).resolves.toBe(0);
    });
  });

  describe('with Redis connected but not answering commands', () => {
    it('should fall back to memory, log why, and still throttle', async () => {
      const { throttle } = await startOnRedis(newPrefix());
      const timeout = new Error('Command timed out');
      jest.spyOn(RedisThrottleStore.prototype, 'get').mockRejectedValue(timeout);
      jest.spyOn(RedisThrottleStore.prototype, 'addFailure').mockRejectedValue(timeout);

      await failTimes(throttle, 5);

      await expect(throttle.retryAfterSeconds([ACCOUNT])).resolves.toBe(1);
      expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('Command timed out'));
    });
  });
});
