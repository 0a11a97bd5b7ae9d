import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Clock } from '../common/clock';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { FakeClock } from '../../test/doubles/fake-clock';
import { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { RedisService } from '../redis/redis.service';
import {
  closedRedisUrl,
  deleteRedisKeys,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
  waitUntilHealthy,
} from '../../test/doubles/redis-testing';
import { AttemptLimiter } from './attempt-limiter';
import { AttemptKey } from './attempt-store';
import { RedisAttemptStore } from './redis-attempt-store';
import { Metrics } from '../metrics/metrics';

const PAIR: AttemptKey = { id: 'login-pair:203.0.113.7|ada@example.org', freeAttempts: 5 };
const CLIENT: AttemptKey = { id: 'login-client:203.0.113.7', freeAttempts: 9 };
const STARTED_AT = new Date(Date.UTC(2026, 2, 1, 12));

interface Instance {
  limiter: AttemptLimiter;
  redis: RedisService;
  moduleRef: TestingModule;
}

/** One instance's limiter; instances given the same clock and Redis prefix stand for a scaled-out deployment. */
async function startInstance(env: Record<string, string>, clock: FakeClock): Promise<Instance> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      AttemptLimiter,
      Metrics,
      RedisService,
      { provide: AppConfig, useValue: loadConfig(env) },
      { provide: Clock, useValue: clock },
    ],
  }).compile();
  return { limiter: moduleRef.get(AttemptLimiter), redis: moduleRef.get(RedisService), moduleRef };
}

/** Reserves `times` attempts (failures: never settled); returns the Retry-After of each refused one, 0 if counted. */
async function attempt(limiter: AttemptLimiter, times: number, keys: AttemptKey[] = [PAIR]): Promise<number[]> {
  const waits: number[] = [];
  for (let index = 0; index < times; index++) {
    waits.push(
      await limiter.reserve(keys).then(
        () => 0,
        (error: TooManyRequestsException) => error.retryAfterSeconds,
      ),
    );
  }
  return waits;
}

describe.each([
  ['in memory (no REDIS_URL)', false],
  ['on Redis', true],
])('AttemptLimiter %s', (_mode, withRedis) => {
  let prefix: string;
  let instance: Instance;
  let limiter: AttemptLimiter;
  let clock: FakeClock;

  beforeEach(async () => {
    prefix = uniqueRedisPrefix();
    clock = new FakeClock(STARTED_AT);
    instance = await startInstance(withRedis ? { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}, clock);
    if (withRedis) {
      await waitUntilHealthy(instance.redis);
    }
    limiter = instance.limiter;
  });

  afterEach(async () => {
    await instance.moduleRef.close();
    if (withRedis) {
      await deleteRedisKeys(prefix);
    }
  });

  it('should count the free attempts, then answer 429 with the wait', async () => {
    await expect(attempt(limiter, 7)).resolves.toEqual([0, 0, 0, 0, 0, 1, 1]);
  });

  it('should double the wait after each further attempt', async () => {
    const waits: number[] = [];
    for (let counted = 0; counted < 9;) {
      const [wait] = await attempt(limiter, 1);
      waits.push(wait);
      clock.advanceSeconds(wait);
      counted += wait === 0 ? 1 : 0;
    }

    expect(waits.filter((wait) => wait > 0)).toEqual([1, 2, 4, 8]);
  });

  it('should let no more than the free attempts through when they all arrive at once', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => limiter.reserve([PAIR, CLIENT])));

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(PAIR.freeAttempts);
  });

  it('should report how many attempts a key has seen, this one included', async () => {
    await attempt(limiter, 2, [CLIENT]);

    const reserved = await limiter.reserve([PAIR, CLIENT]);

    expect([reserved.countOf(PAIR.id), reserved.countOf(CLIENT.id)]).toEqual([1, 3]);
  });

  it('should take an attempt back on release and forget the key on reset', async () => {
    await attempt(limiter, 4);
    const last = await limiter.reserve([PAIR, CLIENT]);

    await last.release(PAIR.id);
    await expect(attempt(limiter, 2)).resolves.toEqual([0, 1]);
    await last.reset(PAIR.id);
    await expect(attempt(limiter, 5)).resolves.toEqual([0, 0, 0, 0, 0]);
  });
});

describe('AttemptLimiter', () => {
  let clock: FakeClock;
  const started: Instance[] = [];
  const prefixes: string[] = [];

  const start = async (env: Record<string, string> = {}): Promise<Instance> => {
    const instance = await startInstance(env, clock);
    started.push(instance);
    return instance;
  };
  const newPrefix = (): string => {
    const prefix = uniqueRedisPrefix();
    prefixes.push(prefix);
    return prefix;
  };
  const startOnRedis = async (prefix: string, env: Record<string, string> = {}): Promise<Instance> => {
    const instance = await start({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, ...env });
    await waitUntilHealthy(instance.redis);
    return instance;
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

  it('should limit nothing and write nothing to Redis when RATE_LIMIT_ENABLED=false', async () => {
    const prefix = newPrefix();
    const { limiter, redis } = await startOnRedis(prefix, { RATE_LIMIT_ENABLED: 'false' });

    await expect(attempt(limiter, 50, [PAIR, CLIENT])).resolves.toEqual(Array(50).fill(0));
    await expect(redis.client.keys(`${prefix}*`)).resolves.toEqual([]);
  });

  it('should share counts between two instances on one Redis, as a load balancer spreads attempts', async () => {
    const prefix = newPrefix();
    const { limiter: a } = await startOnRedis(prefix);
    const { limiter: b } = await startOnRedis(prefix);

    await Promise.all([attempt(a, 3), attempt(b, 2)]);

    await expect(attempt(b, 1)).resolves.toEqual([1]);
    await expect(attempt(a, 1)).resolves.toEqual([1]);
  });

  it('should fall back to memory and still limit while Redis is unreachable, without waiting for it', async () => {
    const { limiter, redis } = await start({ REDIS_URL: await closedRedisUrl(), REDIS_KEY_PREFIX: newPrefix() });
    expect(redis.healthy).toBe(false);
    const startedAt = Date.now();

    await expect(attempt(limiter, 7)).resolves.toEqual([0, 0, 0, 0, 0, 1, 1]);
    // Well under a single command timeout (500 ms): nothing waited on the dead connection.
    expect(Date.now() - startedAt).toBeLessThan(250);
  });

  it('should fall back to memory, log why, and still limit when Redis stops answering commands', async () => {
    const { limiter } = await startOnRedis(newPrefix());
    jest.spyOn(RedisAttemptStore.prototype, 'reserve').mockRejectedValue(new Error('Command timed out'));

    await expect(attempt(limiter, 6)).resolves.toEqual([0, 0, 0, 0, 0, 1]);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('Command timed out'));
  });

  it('should keep a block counted in memory once Redis answers again', async () => {
    const { limiter } = await startOnRedis(newPrefix());
    const reserve = jest.spyOn(RedisAttemptStore.prototype, 'reserve').mockRejectedValue(new Error('timeout'));
    await attempt(limiter, 5);

    reserve.mockRestore();

    await expect(attempt(limiter, 1)).resolves.toEqual([1]);
  });
});
