import { AttemptKey, AttemptStore, Reservation, waitMsAfter } from './attempt-store';
import { FORGET_AFTER_MS } from './limits';

/** Bounds memory under a flood of distinct emails or addresses; the oldest records go first. */
const MAX_RECORDS = 100_000;

interface AttemptRecord {
  attempts: number;
  lastAt: number;
}

/**
 * Attempt counts of this instance alone: the store without Redis, and the fallback while Redis is away.
 * Every method does its work synchronously, so concurrent requests cannot interleave within a reservation.
 */
export class MemoryAttemptStore implements AttemptStore {
  private readonly records = new Map<string, AttemptRecord>();

  reserve(keys: AttemptKey[], now: number): Promise<Reservation> {
    const waitMs = this.waitMs(keys, now);
    if (waitMs > 0) {
      return Promise.resolve({ reserved: false, waitMs });
    }
    const counts = keys.map(({ id }) => {
      const attempts = (this.current(id, now)?.attempts ?? 0) + 1;
      this.store(id, { attempts, lastAt: now });
      return attempts;
    });
    return Promise.resolve({ reserved: true, counts });
  }

  /** How long the longest-blocked of these keys must still wait; 0 when none is blocked. */
  waitMs(keys: AttemptKey[], now: number): number {
    const waits = keys.map(({ id, freeAttempts }) => {
      const record = this.current(id, now);
      return record ? record.lastAt + waitMsAfter(record.attempts, freeAttempts) - now : 0;
    });
    return Math.max(0, ...waits);
  }

  release(id: string): Promise<void> {
    const record = this.records.get(id);
    if (record && record.attempts > 1) {
      record.attempts--;
    } else {
      this.records.delete(id);
    }
    return Promise.resolve();
  }

  reset(id: string): Promise<void> {
    this.records.delete(id);
    return Promise.resolve();
  }

  private current(id: string, now: number): AttemptRecord | undefined {
    const record = this.records.get(id);
    if (record && now - record.lastAt > FORGET_AFTER_MS) {
      this.records.delete(id);
      return undefined;
    }
    return record;
  }

  private store(id: string, record: AttemptRecord): void {
    // Re-inserting keeps the map ordered from least to most recently tried.
    this.records.delete(id);
    this.records.set(id, record);
    if (this.records.size > MAX_RECORDS) {
      this.records.delete(this.records.keys().next().value as string);
    }
  }
}
