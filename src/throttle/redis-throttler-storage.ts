import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { RedisService } from '../redis/redis.service';

// A fixed window per key, as the package's memory storage counts: hits within `ttl`, then a block for `blockDuration`.
const INCREMENT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then return {tonumber(ARGV[2]) + 1, blockLeft, 1, blockLeft} end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {hits, left, 1, tonumber(ARGV[3])}
end
return {hits, left, 0, 0}
`;

/**
 * The route limits' counts: in Redis when it is configured and answers, so every instance shares them; in this
 * instance's memory otherwise, as the login throttle does.
 */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly memory = new ThrottlerStorageService();

  constructor(private readonly redis: RedisService) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis.enabled && this.redis.healthy) {
      try {
        const id = this.redis.key(`route-limit:${throttlerName}:${key}`);
        const [totalHits, expiresInMs, blocked, blockExpiresInMs] = (await this.redis.client.eval(
          INCREMENT,
          2,
          id,
          `${id}:blocked`,
          ttl,
          limit,
          blockDuration,
        )) as number[];
        return {
          totalHits,
          timeToExpire: Math.ceil(expiresInMs / 1000),
          isBlocked: blocked === 1,
          timeToBlockExpire: Math.ceil(blockExpiresInMs / 1000),
        };
      } catch (error) {
        this.logger.warn(`Redis did not answer; counting requests locally: ${(error as Error).message}`);
      }
    }
    return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  onApplicationShutdown(): void {
    this.memory.onApplicationShutdown();
  }
}
