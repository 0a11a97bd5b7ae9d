import { Logger } from '@nestjs/common';
import { RedisService } from '../redis/redis.service';
import {
  closedRedisUrl,
  connectRedis,
  deleteRedisKeys,
  uniqueRedisPrefix,
  waitUntilHealthy,
} from '../../test/doubles/redis-testing';
import { RedisThrottlerStorage } from './redis-throttler-storage';

const WINDOW_MS = 60_000;

describe('RedisThrottlerStorage', () => {
  const prefix = uniqueRedisPrefix();
  const opened: RedisService[] = [];
  const storages: RedisThrottlerStorage[] = [];

  const storageOn = (redis: RedisService): RedisThrottlerStorage => {
    const storage = new RedisThrottlerStorage(redis);
    storages.push(storage);
    return storage;
  };
  const connect = async (): Promise<RedisService> => {
    const redis = connectRedis(prefix);
    opened.push(redis);
    await waitUntilHealthy(redis);
    return redis;
  };
  const hit = (storage: RedisThrottlerStorage, times: number, limit = 3) =>
    Promise.all(Array.from({ length: times }, () => storage.increment('client-a', WINDOW_MS, limit, WINDOW_MS, 'x')));

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    storages.splice(0).forEach((storage) => storage.onApplicationShutdown());
    await Promise.all(opened.splice(0).map((redis) => redis.onApplicationShutdown()));
    await deleteRedisKeys(prefix);
    jest.restoreAllMocks();
  });

  it('should count hits in the window and block beyond the limit, for every instance at once', async () => {
    const [a, b] = [storageOn(await connect()), storageOn(await connect())];

    const records = [...(await hit(a, 2)), ...(await hit(b, 2))];

    expect(records.map((record) => record.isBlocked)).toEqual([false, false, false, true]);
    const blocked = await a.increment('client-a', WINDOW_MS, 3, WINDOW_MS, 'x');
    expect(blocked).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    await expect(b.increment('client-b', WINDOW_MS, 3, WINDOW_MS, 'x')).resolves.toMatchObject({
      totalHits: 1,
      isBlocked: false,
      timeToExpire: 60,
    });
  });

  it('should keep its keys under the prefix, expiring by themselves', async () => {
    const redis = await connect();
    await hit(storageOn(redis), 1);

    const keys = await redis.client.keys(`${prefix}*`);

    expect(keys).toEqual([`${prefix}route-limit:x:client-a`]);
    await expect(redis.client.pttl(keys[0])).resolves.toBeGreaterThan(WINDOW_MS - 5000);
  });

  it('should count in memory while Redis is away', async () => {
    const redis = connectRedis(prefix, await closedRedisUrl());
    opened.push(redis);

    const records = await hit(storageOn(redis), 4);

    expect(records.map((record) => record.isBlocked)).toEqual([false, false, false, true]);
  });
});
