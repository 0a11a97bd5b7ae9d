import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** Failures after which every attempt must wait: per account, and per client (which may stand for many people). */
export const FREE_FAILURES = { account: 5, client: 9 } as const;
const MAX_DELAY_SECONDS = 15 * 60;
/** A record with no failure for this long is forgotten, so nobody is locked out for good. */
const FORGET_AFTER_MS = 60 * 60 * 1000;
/** Bounds memory under a flood of distinct emails or addresses; the oldest records go first. */
const MAX_RECORDS = 100_000;

export type ThrottleKey = { kind: keyof typeof FREE_FAILURES; id: string };

/**
 * Slows down password guessing: after a few failures for one account or from one client, each further
 * attempt waits twice as long as the one before (up to 15 minutes); a success resets the account.
 */
@Injectable()
export class LoginThrottle {
  private readonly records = new Map<string, FailureRecord>();

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Seconds until any of these keys may try again; 0 when none is blocked. */
  retryAfterSeconds(keys: ThrottleKey[]): number {
    if (!this.config.rateLimitEnabled) {
      return 0;
    }
    const now = this.clock.now().getTime();
    const waits = keys.map((key) => (this.current(key, now)?.blockedUntil ?? 0) - now);
    return Math.max(0, Math.ceil(Math.max(...waits) / 1000));
  }

  recordFailure(keys: ThrottleKey[]): void {
    if (!this.config.rateLimitEnabled) {
      return;
    }
    const now = this.clock.now().getTime();
    for (const key of keys) {
      const failures = (this.current(key, now)?.failures ?? 0) + 1;
      const excess = failures - FREE_FAILURES[key.kind];
      const delaySeconds = excess >= 0 ? Math.min(2 ** excess, MAX_DELAY_SECONDS) : 0;
      this.store(key, { failures, lastFailureAt: now, blockedUntil: now + delaySeconds * 1000 });
    }
  }

  recordSuccess(key: ThrottleKey): void {
    this.records.delete(recordId(key));
  }

  private current(key: ThrottleKey, now: number): FailureRecord | undefined {
    const record = this.records.get(recordId(key));
    if (record && now - record.lastFailureAt > FORGET_AFTER_MS) {
      this.records.delete(recordId(key));
      return undefined;
    }
    return record;
  }

  private store(key: ThrottleKey, record: FailureRecord): void {
    const id = recordId(key);
    // Re-inserting keeps the map ordered from least to most recently failed.
    this.records.delete(id);
    this.records.set(id, record);
    if (this.records.size > MAX_RECORDS) {
      this.records.delete(this.records.keys().next().value as string);
    }
  }
}

function recordId(key: ThrottleKey): string {
  return `${key.kind}:${key.id}`;
}
