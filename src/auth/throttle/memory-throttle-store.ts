import { FailureRecord, FORGET_AFTER_MS, ThrottleStore } from './throttle-store';

/** Bounds memory under a flood of distinct emails or addresses; the oldest records go first. */
const MAX_RECORDS = 100_000;

/** Failure counts of this instance alone: the store without Redis, and the fallback while Redis is away. */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly records = new Map<string, FailureRecord>();

  get(id: string, now: number): Promise<FailureRecord | undefined> {
    return Promise.resolve(this.current(id, now));
  }

  addFailure(id: string, now: number): Promise<number> {
    const failures = (this.current(id, now)?.failures ?? 0) + 1;
    this.store(id, { failures, lastFailureAt: now, blockedUntil: 0 });
    return Promise.resolve(failures);
  }

  block(id: string, until: number): Promise<void> {
    const record = this.records.get(id);
    if (record) {
      record.blockedUntil = until;
    }
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.records.delete(id);
    return Promise.resolve();
  }

  private current(id: string, now: number): FailureRecord | undefined {
    const record = this.records.get(id);
    if (record && now - record.lastFailureAt > FORGET_AFTER_MS) {
      this.records.delete(id);
      return undefined;
    }
    return record;
  }

  private store(id: string, record: FailureRecord): void {
    // Re-inserting keeps the map ordered from least to most recently failed.
    this.records.delete(id);
    this.records.set(id, record);
    if (this.records.size > MAX_RECORDS) {
      this.records.delete(this.records.keys().next().value as string);
    }
  }
}
