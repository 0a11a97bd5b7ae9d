import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { RedisService } from '../redis/redis.service';
import { AttemptKey, AttemptStore, Reservation } from './attempt-store';
import { attemptLimitName } from './limit-names';
import { MemoryAttemptStore } from './memory-attempt-store';
import { RedisAttemptStore } from './redis-attempt-store';

/** An attempt counted on its keys before its credential was checked; settle it once the answer is known. */
export class ReservedAttempt {
  constructor(
    private readonly store: AttemptStore | null,
    private readonly keys: AttemptKey[],
    private readonly counts: number[],
    private readonly onError: (error: Error) => void,
  ) {}

  /** Attempts on this key within its window, this one included; 0 when limits are off. */
  countOf(id: string): number {
    return this.counts[this.keys.findIndex((key) => key.id === id)] ?? 0;
  }

  /** Takes this attempt back from these keys: it was no failure. */
  release(...ids: string[]): Promise<void> {
    return this.each(ids, (store, id) => store.release(id));
  }

  /** Forgets every attempt on these keys. */
  reset(...ids: string[]): Promise<void> {
    return this.each(ids, (store, id) => store.reset(id));
  }

  private async each(ids: string[], work: (store: AttemptStore, id: string) => Promise<void>): Promise<void> {
    const store = this.store;
    if (store) {
      // A settlement Redis did not take leaves the attempt counted, the safe side.
      await Promise.all(ids.map((id) => work(store, id))).catch(this.onError);
    }
  }
}

/**
 * Counts credential checks before they run, so that no burst evaluates more than a key allows. With Redis the
 * counts are shared by every instance; while Redis is away each instance counts on its own, and what it counted
 * then keeps counting once Redis answers again.
 */
@Injectable()
export class AttemptLimiter {
  private readonly logger = new Logger(AttemptLimiter.name);
  private readonly memory = new MemoryAttemptStore();
  private readonly shared: RedisAttemptStore | null;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly redis: RedisService,
    private readonly metrics: Metrics,
  ) {
    this.shared = redis.enabled ? new RedisAttemptStore(redis.client, (id) => redis.key(`throttle:${id}`)) : null;
  }

  /** Reserves one attempt on every key, or throws a 429 with the wait when any key is blocked. */
  async reserve(keys: AttemptKey[]): Promise<ReservedAttempt> {
    if (!this.config.rateLimitEnabled) {
      return new ReservedAttempt(null, keys, [], this.warn);
    }
    const now = this.clock.now().getTime();
    let store = this.storeFor(keys, now);
    let reservation: Reservation;
    try {
      reservation = await store.reserve(keys, now);
    } catch (error) {
      this.warn(error as Error);
      store = this.memory;
      reservation = await store.reserve(keys, now);
    }
    if (!reservation.reserved) {
      this.refuse(keys, reservation.waitMs);
    }
    return new ReservedAttempt(store, keys, reservation.counts, this.warn);
  }

  /** Forgets every attempt on these keys, here and in Redis, outside any attempt (a password reset). */
  async forget(...ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.memory.reset(id)));
    if (this.shared && this.redis.healthy) {
      await Promise.all(ids.map((id) => this.shared!.reset(id))).catch(this.warn);
    }
  }

  private storeFor(keys: AttemptKey[], now: number): AttemptStore {
    if (!this.shared || !this.redis.healthy) {
      return this.memory;
    }
    const localWaitMs = this.memory.waitMs(keys, now);
    if (localWaitMs > 0) {
      this.refuse(keys, localWaitMs);
    }
    return this.shared;
  }

  private refuse(keys: AttemptKey[], waitMs: number): never {
    this.metrics.throttled(attemptLimitName(keys));
    throw new TooManyRequestsException(Math.ceil(waitMs / 1000));
  }

  private readonly warn = (error: Error): void => {
    this.logger.warn(`Redis did not answer; counting attempts locally: ${error.message}`);
  };
}
