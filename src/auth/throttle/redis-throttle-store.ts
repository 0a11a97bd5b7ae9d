import { Redis } from 'ioredis';
import { FailureRecord, FORGET_AFTER_MS, ThrottleStore } from './throttle-store';

/** Failure counts shared by every instance, so limits hold however requests are balanced. Keys expire by themselves. */
export class RedisThrottleStore implements ThrottleStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (id: string) => string,
  ) {}

  async get(id: string, now: number): Promise<FailureRecord | undefined> {
    const fields = await this.redis.hgetall(this.keyOf(id));
    if (!fields.failures) {
      return undefined;
    }
    const record = {
      failures: Number(fields.failures),
      lastFailureAt: Number(fields.lastFailureAt),
      blockedUntil: Number(fields.blockedUntil ?? 0),
    };
    // Redis expires the key by its own clock; the app's clock decides too, as it does for the memory store.
    if (now - record.lastFailureAt > FORGET_AFTER_MS) {
      await this.delete(id);
      return undefined;
    }
    return record;
  }

  async addFailure(id: string, now: number): Promise<number> {
    const key = this.keyOf(id);
    // One transaction, so failures from several instances at once are all counted.
    const results = await this.redis
      .multi()
      .hincrby(key, 'failures', 1)
      .hset(key, 'lastFailureAt', now)
      .pexpire(key, FORGET_AFTER_MS)
      .exec();
    return Number(results?.[0]?.[1] ?? 1);
  }

  async block(id: string, until: number): Promise<void> {
    const key = this.keyOf(id);
    await this.redis.multi().hset(key, 'blockedUntil', until).pexpire(key, FORGET_AFTER_MS).exec();
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.keyOf(id));
  }
}
