import { MAX_DELAY_SECONDS } from './limits';

/** One counter of attempts, e.g. a login's (account, client) pair, and how many attempts are free on it. */
export interface AttemptKey {
  id: string;
  freeAttempts: number;
}

/** A key that counts attempts but never makes anyone wait. */
export const COUNT_ONLY = Number.MAX_SAFE_INTEGER;

export type Reservation = { reserved: true; counts: number[] } | { reserved: false; waitMs: number };

/**
 * Counters of attempts, each reserved before its credential is checked, so that any number of attempts arriving at
 * once are counted one by one. A key that has used its free attempts makes the next one wait, twice as long after
 * each further attempt (see waitMsAfter); a key with no attempt for FORGET_AFTER_MS is forgotten.
 */
export interface AttemptStore {
  /** In one atomic step: every key counts one more attempt, or, when any key must wait, none does. */
  reserve(keys: AttemptKey[], now: number): Promise<Reservation>;
  /** Takes one reserved attempt back, because it turned out to be no failure. */
  release(id: string): Promise<void>;
  /** Forgets every attempt on this key. */
  reset(id: string): Promise<void>;
}

/** How long after the last of `attempts` the next one must wait; the Redis store's script computes the same. */
export function waitMsAfter(attempts: number, freeAttempts: number): number {
  return attempts < freeAttempts ? 0 : Math.min(2 ** (attempts - freeAttempts), MAX_DELAY_SECONDS) * 1000;
}
