import { MemoryAttemptStore } from './memory-attempt-store';
import { itBehavesLikeAnAttemptStore, KEY, NOW, OTHER } from '../../test/doubles/attempt-store-contract';

describe('MemoryAttemptStore', () => {
  itBehavesLikeAnAttemptStore(() => new MemoryAttemptStore());

  it('should count every one of many reservations made at once', async () => {
    const store = new MemoryAttemptStore();

    const reservations = await Promise.all(Array.from({ length: 40 }, () => store.reserve([KEY], NOW)));

    expect(reservations.filter((reservation) => reservation.reserved)).toHaveLength(KEY.freeAttempts);
  });

  it('should tell the wait of the most blocked key without counting', async () => {
    const store = new MemoryAttemptStore();
    for (let attempt = 0; attempt < KEY.freeAttempts; attempt++) {
      await store.reserve([KEY], NOW);
    }

    expect(store.waitMs([OTHER, KEY], NOW + 250)).toBe(750);
    expect(store.waitMs([OTHER, KEY], NOW + 250)).toBe(750);
    expect(store.waitMs([OTHER], NOW)).toBe(0);
  });

  it('should stay bounded under a flood of distinct ids, dropping the least recently tried first', async () => {
    const store = new MemoryAttemptStore();
    for (let attempt = 0; attempt < KEY.freeAttempts; attempt++) {
      await store.reserve([KEY], NOW);
    }
    for (let index = 0; index < 100_000; index++) {
      await store.reserve([{ id: `client:${index}`, freeAttempts: 1 }], NOW + 1);
    }

    await expect(store.reserve([KEY], NOW + 1)).resolves.toEqual({ reserved: true, counts: [1] });
    expect(store.waitMs([{ id: 'client:99999', freeAttempts: 1 }], NOW + 1)).toBe(1000);
  });
});
