import { FORGET_AFTER_MS, ThrottleStore } from '../throttle-store';

export const ID = 'account:ada@example.org';
export const OTHER_ID = 'client:203.0.113.7';
export const NOW = Date.UTC(2026, 2, 1, 12);

/** What LoginThrottle relies on from any store; each store's spec runs it against a fresh, empty store. */
export function itBehavesLikeAThrottleStore(getStore: () => ThrottleStore): void {
  let store: ThrottleStore;

  beforeEach(() => {
    store = getStore();
  });

  it('should know nothing of an id that never failed', async () => {
    await expect(store.get(ID, NOW)).resolves.toBeUndefined();
  });

  it('should count failures one by one and remember the last one', async () => {
    await expect(store.addFailure(ID, NOW)).resolves.toBe(1);
    await expect(store.addFailure(ID, NOW + 1000)).resolves.toBe(2);
    await expect(store.addFailure(ID, NOW + 2000)).resolves.toBe(3);

    await expect(store.get(ID, NOW + 2000)).resolves.toEqual({
      failures: 3,
      lastFailureAt: NOW + 2000,
      blockedUntil: 0,
    });
  });

  it('should count each id on its own', async () => {
    await store.addFailure(ID, NOW);
    await store.addFailure(ID, NOW);

    await expect(store.addFailure(OTHER_ID, NOW)).resolves.toBe(1);
    await expect(store.get(ID, NOW)).resolves.toMatchObject({ failures: 2 });
  });

  it('should block until the given time', async () => {
    await store.addFailure(ID, NOW);

    await store.block(ID, NOW + 4000);

    await expect(store.get(ID, NOW)).resolves.toEqual({ failures: 1, lastFailureAt: NOW, blockedUntil: NOW + 4000 });
  });

  it('should move a block to the time given last', async () => {
    await store.addFailure(ID, NOW);
    await store.block(ID, NOW + 4000);
    await store.addFailure(ID, NOW + 4000);

    await store.block(ID, NOW + 12_000);

    await expect(store.get(ID, NOW + 4000)).resolves.toMatchObject({ failures: 2, blockedUntil: NOW + 12_000 });
  });

  it('should unblock when the record is deleted', async () => {
    await store.addFailure(ID, NOW);
    await store.block(ID, NOW + 4000);

    await store.delete(ID);

    await expect(store.get(ID, NOW)).resolves.toBeUndefined();
    await expect(store.addFailure(ID, NOW)).resolves.toBe(1);
    await expect(store.get(ID, NOW)).resolves.toMatchObject({ blockedUntil: 0 });
  });

  it('should report no record for an id blocked without a failure', async () => {
    await store.block(ID, NOW + 4000);

    await expect(store.get(ID, NOW)).resolves.toBeUndefined();
  });

  it('should keep a record until an hour has passed since its last failure', async () => {
    await store.addFailure(ID, NOW);

    await expect(store.get(ID, NOW + FORGET_AFTER_MS)).resolves.toMatchObject({ failures: 1 });
  });

  it('should forget a record an hour after its last failure, by the time it is given', async () => {
    await store.addFailure(ID, NOW);
    await store.addFailure(ID, NOW + 1000);
    await store.block(ID, NOW + 5000);

    await expect(store.get(ID, NOW + 1000 + FORGET_AFTER_MS + 1)).resolves.toBeUndefined();
    // Forgotten for good, not merely hidden at that time.
    await expect(store.get(ID, NOW + 1000)).resolves.toBeUndefined();
  });

  it('should start counting again after forgetting', async () => {
    await store.addFailure(ID, NOW);
    await store.addFailure(ID, NOW);
    await store.get(ID, NOW + FORGET_AFTER_MS + 1);

    await expect(store.addFailure(ID, NOW + FORGET_AFTER_MS + 1)).resolves.toBe(1);
  });

  it('should delete a record, and only that one', async () => {
    await store.addFailure(ID, NOW);
    await store.addFailure(OTHER_ID, NOW);

    await store.delete(ID);

    await expect(store.get(ID, NOW)).resolves.toBeUndefined();
    await expect(store.get(OTHER_ID, NOW)).resolves.toMatchObject({ failures: 1 });
  });

  it('should accept deleting an id it does not know', async () => {
    await expect(store.delete(ID)).resolves.toBeUndefined();
  });
}
