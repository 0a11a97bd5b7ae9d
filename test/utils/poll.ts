import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Give up after this long (ms). */
  deadlineMs: number;
  /** Pause between attempts (ms). */
  intervalMs?: number;
  /** Named in the error when the deadline passes. */
  what: string;
}

/**
 * Runs `attempt` until it returns true, and returns how long that took (ms). Throws once `deadlineMs` has passed,
 * with the last value `describe` gave, so a failure says what was seen instead of timing out the test.
 */
export async function pollUntil(
  attempt: () => Promise<boolean>,
  { deadlineMs, intervalMs = 20, what }: PollOptions,
  describe: () => string = () => '',
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await attempt()) {
      return performance.now() - started;
    }
    if (performance.now() - started > deadlineMs) {
      const last = describe();
      throw new Error(`${what}: not within ${deadlineMs} ms${last ? ` (last seen: ${last})` : ''}`);
    }
    await sleep(intervalMs);
  }
}
