import { MemoryThrottleStore } from './memory-throttle-store';
import { FORGET_AFTER_MS } from './throttle-store';
import { ID, itBehavesLikeAThrottleStore, NOW } from './testing/throttle-store-contract';

describe('MemoryThrottleStore', () => {
  itBehavesLikeAThrottleStore(() => new MemoryThrottleStore());

  it('should start counting again when the next failure comes more than an hour after the last', async () => {
    const store = new MemoryThrottleStore();
    await store.addFailure(ID, NOW);
    await store.addFailure(ID, NOW);

    await expect(store.addFailure(ID, NOW + FORGET_AFTER_MS + 1)).resolves.toBe(1);
  });

  it('should stay bounded under a flood of distinct ids, dropping the least recently failed first', async () => {
    const store = new MemoryThrottleStore();
    await store.addFailure(ID, NOW);
    for (let index = 0; index < 100_000; index++) {
      await store.addFailure(`client:${index}`, NOW + 1);
    }

    await expect(store.get(ID, NOW + 1)).resolves.toBeUndefined();
    await expect(store.get('client:0', NOW + 1)).resolves.toMatchObject({ failures: 1 });
    await expect(store.get('client:99999', NOW + 1)).resolves.toMatchObject({ failures: 1 });
  });
});
