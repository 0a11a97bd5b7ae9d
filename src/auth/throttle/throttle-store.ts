/** What the throttle knows about one account or client. */
export interface FailureRecord {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** A record with no failure for this long is forgotten, so nobody is locked out for good. */
export const FORGET_AFTER_MS = 60 * 60 * 1000;

export interface ThrottleStore {
  /** The record, or undefined when there is none or its last failure is older than FORGET_AFTER_MS (then it goes). */
  get(id: string, now: number): Promise<FailureRecord | undefined>;
  /** Counts one more failure and returns the new count. */
  addFailure(id: string, now: number): Promise<number>;
  block(id: string, until: number): Promise<void>;
  delete(id: string): Promise<void>;
}
