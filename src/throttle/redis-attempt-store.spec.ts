import { RedisService } from '../redis/redis.service';
import { connectRedis, deleteRedisKeys, uniqueRedisPrefix, waitUntilHealthy } from '../../test/doubles/redis-testing';
import { FORGET_AFTER_MS } from './limits';
import { RedisAttemptStore } from './redis-attempt-store';
import { itBehavesLikeAnAttemptStore, KEY, NOW, OTHER } from '../../test/doubles/attempt-store-contract';

function storeOn(redis: RedisService): RedisAttemptStore {
  return new RedisAttemptStore(redis.client, (id) => redis.key(`throttle:${id}`));
}

describe('RedisAttemptStore (real Redis)', () => {
  const prefix = uniqueRedisPrefix();
  let redis: RedisService;
  let store: RedisAttemptStore;

  beforeAll(async () => {
    redis = connectRedis(prefix);
    await waitUntilHealthy(redis);
    store = storeOn(redis);
  });

  afterEach(async () => {
    await deleteRedisKeys(prefix);
  });

  afterAll(async () => {
    await deleteRedisKeys(prefix);
    await redis.onApplicationShutdown();
  });

  itBehavesLikeAnAttemptStore(() => store);

  it('should reserve no more than the free attempts of 40 sent at once through separate connections', async () => {
    const others = [connectRedis(prefix), connectRedis(prefix)];
    try {
      await Promise.all(others.map((other) => waitUntilHealthy(other)));
      const stores = [store, ...others.map(storeOn)];

      const reservations = await Promise.all(
        Array.from({ length: 40 }, (_, index) => stores[index % 3].reserve([KEY, OTHER], NOW)),
      );

      expect(reservations.filter((reservation) => reservation.reserved)).toHaveLength(KEY.freeAttempts);
      await expect(store.reserve([OTHER], NOW)).resolves.toEqual({ reserved: true, counts: [KEY.freeAttempts + 1] });
    } finally {
      await Promise.all(others.map((other) => other.onApplicationShutdown()));
    }
  });

  it('should not share counts with a deployment under another prefix', async () => {
    const otherPrefix = uniqueRedisPrefix();
    const other = connectRedis(otherPrefix);
    try {
      await waitUntilHealthy(other);
      await store.reserve([KEY], NOW);

      await expect(storeOn(other).reserve([KEY], NOW)).resolves.toEqual({ reserved: true, counts: [1] });
    } finally {
      await deleteRedisKeys(otherPrefix);
      await other.onApplicationShutdown();
    }
  });

  it('should keep each key under the prefix, set to expire an hour after its last attempt', async () => {
    await store.reserve([KEY], NOW);

    const ttl = await redis.client.pttl(`${prefix}throttle:${KEY.id}`);

    expect(ttl).toBeGreaterThan(FORGET_AFTER_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(FORGET_AFTER_MS);
    await expect(redis.client.keys(`${prefix}*`)).resolves.toEqual([`${prefix}throttle:${KEY.id}`]);
  });

  it('should delete the Redis key of a key released down to nothing or reset', async () => {
    await store.reserve([KEY, OTHER], NOW);

    await store.release(KEY.id);
    await store.reset(OTHER.id);

    await expect(redis.client.keys(`${prefix}*`)).resolves.toEqual([]);
  });

  it('should reject, for the caller to fall back, once the connection is closed', async () => {
    const closed = connectRedis(prefix);
    await waitUntilHealthy(closed);
    await closed.onApplicationShutdown();

    await expect(storeOn(closed).reserve([KEY], NOW)).rejects.toThrow();
    await expect(storeOn(closed).release(KEY.id)).rejects.toThrow();
  });
});
