import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { RedisService } from '../../redis/redis.service';
import { MemoryThrottleStore } from './memory-throttle-store';
import { RedisThrottleStore } from './redis-throttle-store';
import { ThrottleStore } from './throttle-store';

/** Failures after which every attempt must wait: per account, and per client (which may stand for many people). */
export const FREE_FAILURES = { account: 5, client: 9 } as const;
const MAX_DELAY_SECONDS = 15 * 60;

export type ThrottleKey = { kind: keyof typeof FREE_FAILURES; id: string };

/**
 * Slows down password guessing: after a few failures for one account or from one client, each further
 * attempt waits twice as long as the one before (up to 15 minutes); a success resets the account.
 * With Redis the counts are shared by every instance; while Redis is away each instance counts on its own.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly memory = new MemoryThrottleStore();
  private readonly shared: RedisThrottleStore | null;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly redis: RedisService,
  ) {
    this.shared = redis.enabled ? new RedisThrottleStore(redis.client, (id) => redis.key(`throttle:${id}`)) : null;
  }

  /** Seconds until any of these keys may try again; 0 when none is blocked. */
  async retryAfterSeconds(keys: ThrottleKey[]): Promise<number> {
    if (!this.config.rateLimitEnabled) {
      return 0;
    }
    const now = this.clock.now().getTime();
    const read = (store: ThrottleStore) => Promise.all(keys.map((key) => store.get(recordId(key), now)));
    // Failures counted here while Redis could not take them still count once Redis answers again.
    const records = [...(await this.use(read)), ...(await read(this.memory))];
    const waits = records.map((record) => (record?.blockedUntil ?? 0) - now);
    return Math.max(0, Math.ceil(Math.max(...waits) / 1000));
  }

  async recordFailure(keys: ThrottleKey[]): Promise<void> {
    if (!this.config.rateLimitEnabled) {
      return;
    }
    const now = this.clock.now().getTime();
    await this.use(async (store) => {
      for (const key of keys) {
        // Reading first forgets a record whose last failure is older than an hour, so counting starts again.
        await store.get(recordId(key), now);
        const excess = (await store.addFailure(recordId(key), now)) - FREE_FAILURES[key.kind];
        if (excess >= 0) {
          await store.block(recordId(key), now + Math.min(2 ** excess, MAX_DELAY_SECONDS) * 1000);
        }
      }
    });
  }

  async recordSuccess(key: ThrottleKey): Promise<void> {
    if (!this.config.rateLimitEnabled) {
      return;
    }
    await this.use((store) => store.delete(recordId(key)));
  }

  /** Runs against Redis when it answers, else against this instance's memory. */
  private async use<T>(work: (store: ThrottleStore) => Promise<T>): Promise<T> {
    if (this.shared && this.redis.healthy) {
      try {
        return await work(this.shared);
      } catch (error) {
        this.logger.warn(`Redis did not answer; counting failures locally: ${(error as Error).message}`);
      }
    }
    return work(this.memory);
  }
}

function recordId(key: ThrottleKey): string {
  return `${key.kind}:${key.id}`;
}
