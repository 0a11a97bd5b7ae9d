import { AttemptKey, AttemptStore, COUNT_ONLY } from '../../src/throttle/attempt-store';
import { FORGET_AFTER_MS, MAX_DELAY_SECONDS } from '../../src/throttle/limits';

export const KEY: AttemptKey = { id: 'login-pair:203.0.113.7|ada@example.org', freeAttempts: 3 };
export const OTHER: AttemptKey = { id: 'login-client:203.0.113.7', freeAttempts: 5 };
export const NOW = Date.UTC(2026, 2, 1, 12);

/** What the limiter relies on from any store; each store's spec runs it against a fresh, empty store. */
export function itBehavesLikeAnAttemptStore(getStore: () => AttemptStore): void {
  let store: AttemptStore;

  beforeEach(() => {
    store = getStore();
  });

  const reserveTimes = async (times: number, keys: AttemptKey[] = [KEY], now = NOW): Promise<void> => {
    for (let attempt = 0; attempt < times; attempt++) {
      await store.reserve(keys, now);
    }
  };

  it('should count attempts one by one, on each key', async () => {
    await expect(store.reserve([KEY, OTHER], NOW)).resolves.toEqual({ reserved: true, counts: [1, 1] });
    await expect(store.reserve([KEY], NOW)).resolves.toEqual({ reserved: true, counts: [2] });
    await expect(store.reserve([OTHER, KEY], NOW)).resolves.toEqual({ reserved: true, counts: [2, 3] });
  });

  it('should make the attempt after the free ones wait a second, then twice as long after each further one', async () => {
    const waits: number[] = [];
    let now = NOW;
    for (let attempt = 0; attempt < 6; attempt++) {
      await store.reserve([KEY], now);
      const next = await store.reserve([KEY], now);
      // The probe was refused or counted; a counted probe is the next attempt already.
      if (next.reserved) {
        waits.push(0);
        attempt++;
        continue;
      }
      waits.push(next.waitMs);
      now += next.waitMs;
    }

    expect(waits).toEqual([0, 1000, 2000, 4000, 8000]);
  });

  it('should count nothing on any key when one of them must wait', async () => {
    await reserveTimes(KEY.freeAttempts);

    await expect(store.reserve([OTHER, KEY], NOW)).resolves.toEqual({ reserved: false, waitMs: 1000 });
    await expect(store.reserve([OTHER], NOW)).resolves.toEqual({ reserved: true, counts: [1] });
  });

  it('should count the wait down with the time it is given', async () => {
    await reserveTimes(KEY.freeAttempts);

    await expect(store.reserve([KEY], NOW + 400)).resolves.toEqual({ reserved: false, waitMs: 600 });
    await expect(store.reserve([KEY], NOW + 1000)).resolves.toEqual({ reserved: true, counts: [4] });
  });

  it('should never make anyone wait longer than the longest delay', async () => {
    let now = NOW;
    for (let counted = 0; counted < 20;) {
      const reservation = await store.reserve([KEY], now);
      if (reservation.reserved) {
        counted++;
      } else {
        now += reservation.waitMs;
      }
    }

    await expect(store.reserve([KEY], now)).resolves.toEqual({ reserved: false, waitMs: MAX_DELAY_SECONDS * 1000 });
  });

  it('should never block a count-only key', async () => {
    const counter: AttemptKey = { id: 'session:1', freeAttempts: COUNT_ONLY };
    await reserveTimes(40, [counter]);

    await expect(store.reserve([counter], NOW)).resolves.toEqual({ reserved: true, counts: [41] });
  });

  it('should take one attempt back on release', async () => {
    await reserveTimes(KEY.freeAttempts);

    await store.release(KEY.id);

    await expect(store.reserve([KEY], NOW)).resolves.toEqual({ reserved: true, counts: [KEY.freeAttempts] });
  });

  it('should forget a key released down to nothing', async () => {
    await store.reserve([KEY], NOW);
    await store.release(KEY.id);
    await store.release(KEY.id);

    await expect(store.reserve([KEY], NOW)).resolves.toEqual({ reserved: true, counts: [1] });
  });

  it('should forget every attempt on reset, of that key only', async () => {
    await reserveTimes(KEY.freeAttempts + 2, [KEY, OTHER]);

    await store.reset(KEY.id);

    await expect(store.reserve([KEY], NOW)).resolves.toEqual({ reserved: true, counts: [1] });
    await expect(store.reserve([OTHER], NOW)).resolves.toMatchObject({ reserved: true, counts: [4] });
  });

  it('should accept settling a key it does not know', async () => {
    await expect(store.release('nobody')).resolves.toBeUndefined();
    await expect(store.reset('nobody')).resolves.toBeUndefined();
  });

  it('should keep counting until an hour has passed since the last attempt', async () => {
    await store.reserve([KEY], NOW);

    await expect(store.reserve([KEY], NOW + FORGET_AFTER_MS)).resolves.toEqual({ reserved: true, counts: [2] });
  });

  it('should forget a key an hour after its last attempt, so nobody is locked out for good', async () => {
    await reserveTimes(KEY.freeAttempts + 5);

    await expect(store.reserve([KEY], NOW + FORGET_AFTER_MS + 1)).resolves.toEqual({ reserved: true, counts: [1] });
  });
}
