import { RedisService } from '../../redis/redis.service';
import { connectRedis, deleteRedisKeys, uniqueRedisPrefix, waitUntilHealthy } from '../../redis/testing/redis-testing';
import { RedisThrottleStore } from './redis-throttle-store';
import { FORGET_AFTER_MS } from './throttle-store';
import { ID, itBehavesLikeAThrottleStore, NOW, OTHER_ID } from './testing/throttle-store-contract';

function storeOn(redis: RedisService): RedisThrottleStore {
  return new RedisThrottleStore(redis.client, (id) => redis.key(`throttle:${id}`));
}

describe('RedisThrottleStore (real Redis)', () => {
  const prefix = uniqueRedisPrefix();
  let redis: RedisService;
  let store: RedisThrottleStore;

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

  itBehavesLikeAThrottleStore(() => store);

  it('should count every one of 20 failures made at once', async () => {
    const counts = await Promise.all(Array.from({ length: 20 }, () => store.addFailure(ID, NOW)));

    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    await expect(store.get(ID, NOW)).resolves.toMatchObject({ failures: 20 });
  });

  it('should count every failure made at once through separate connections', async () => {
    const others = [connectRedis(prefix), connectRedis(prefix)];
    try {
      await Promise.all(others.map((other) => waitUntilHealthy(other)));
      const stores = [store, ...others.map(storeOn)];

      await Promise.all(Array.from({ length: 21 }, (_, index) => stores[index % 3].addFailure(ID, NOW)));

      await expect(store.get(ID, NOW)).resolves.toMatchObject({ failures: 21 });
    } finally {
      await Promise.all(others.map((other) => other.onApplicationShutdown()));
    }
  });

  it('should share counts and blocks with another instance on the same prefix', async () => {
    const other = connectRedis(prefix);
    try {
      await waitUntilHealthy(other);
      await store.addFailure(ID, NOW);
      await storeOn(other).addFailure(ID, NOW + 1000);
      await storeOn(other).block(ID, NOW + 5000);

      await expect(store.get(ID, NOW + 1000)).resolves.toEqual({
        failures: 2,
        lastFailureAt: NOW + 1000,
        blockedUntil: NOW + 5000,
      });
    } finally {
      await other.onApplicationShutdown();
    }
  });

  it('should not share counts with a deployment under another prefix', async () => {
    const otherPrefix = uniqueRedisPrefix();
    const other = connectRedis(otherPrefix);
    try {
      await waitUntilHealthy(other);
      await store.addFailure(ID, NOW);

      await expect(storeOn(other).get(ID, NOW)).resolves.toBeUndefined();
      await expect(storeOn(other).addFailure(ID, NOW)).resolves.toBe(1);
    } finally {
      await deleteRedisKeys(otherPrefix);
      await other.onApplicationShutdown();
    }
  });

  it('should keep each record under the prefix, set to expire an hour after its last failure', async () => {
    await store.addFailure(ID, NOW);
    await store.block(ID, NOW + 4000);

    const ttl = await redis.client.pttl(`${prefix}throttle:${ID}`);

    expect(ttl).toBeGreaterThan(FORGET_AFTER_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(FORGET_AFTER_MS);
    await expect(redis.client.keys(`${prefix}*`)).resolves.toEqual([`${prefix}throttle:${ID}`]);
  });

  it('should delete the Redis key of a forgotten record', async () => {
    await store.addFailure(ID, NOW);
    await store.addFailure(OTHER_ID, NOW);

    await store.get(ID, NOW + FORGET_AFTER_MS + 1);

    await expect(redis.client.exists(`${prefix}throttle:${ID}`)).resolves.toBe(0);
    await expect(redis.client.exists(`${prefix}throttle:${OTHER_ID}`)).resolves.toBe(1);
  });

  it('should reject, for the caller to fall back, once the connection is closed', async () => {
    const closed = connectRedis(prefix);
    await waitUntilHealthy(closed);
    await closed.onApplicationShutdown();

    await expect(storeOn(closed).addFailure(ID, NOW)).rejects.toThrow();
    await expect(storeOn(closed).get(ID, NOW)).rejects.toThrow();
  });
});
