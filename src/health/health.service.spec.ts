import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { RedisService } from '../redis/redis.service';
import {
  closedRedisUrl,
  connectRedis,
  disabledRedis,
  uniqueRedisPrefix,
  waitUntilHealthy,
} from '../../test/doubles/redis-testing';
import { HealthService } from './health.service';

/** The database as HealthService sees it: one `SELECT 1`. */
interface DatabaseStub {
  query: jest.Mock<Promise<unknown>, [string]>;
}

/** Redis as HealthService sees it; `ping` is the probe it sends when the connections look up. */
interface RedisStub {
  enabled: boolean;
  healthy: boolean;
  client: { ping: jest.Mock<Promise<string>, []> };
}

const databaseUp = (): DatabaseStub => ({ query: jest.fn().mockResolvedValue([{ '?column?': 1 }]) });
const databaseDown = (): DatabaseStub => ({
  query: jest.fn().mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
});
const redisStub = (state: Partial<RedisStub> = {}): RedisStub => ({
  enabled: true,
  healthy: true,
  client: { ping: jest.fn().mockResolvedValue('PONG') },
  ...state,
});

async function createHealth(database: DatabaseStub, redis: RedisStub | RedisService): Promise<HealthService> {
  const moduleRef = await Test.createTestingModule({
    providers: [HealthService, { provide: DataSource, useValue: database }, { provide: RedisService, useValue: redis }],
  }).compile();
  return moduleRef.get(HealthService);
}

describe('HealthService', () => {
  describe('without Redis (single instance)', () => {
    const redis = disabledRedis();

    it('should be ok when the database answers, and not mention Redis', async () => {
      const health = await createHealth(databaseUp(), redis);

      await expect(health.check()).resolves.toEqual({ status: 'ok', checks: { database: 'up' } });
    });

    it('should be an error when the database does not answer', async () => {
      const health = await createHealth(databaseDown(), redis);

      await expect(health.check()).resolves.toEqual({ status: 'error', checks: { database: 'down' } });
    });

    it('should probe the database with SELECT 1', async () => {
      const database = databaseUp();
      const health = await createHealth(database, redis);

      await health.check();

      expect(database.query).toHaveBeenCalledWith('SELECT 1');
    });
  });

  describe('with Redis', () => {
    it('should be ok when the database and Redis answer', async () => {
      const redis = redisStub();
      const health = await createHealth(databaseUp(), redis);

      await expect(health.check()).resolves.toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
      expect(redis.client.ping).toHaveBeenCalledTimes(1);
    });

    it('should be degraded, not an error, when Redis is down: the service still answers without it', async () => {
      const redis = redisStub({ healthy: false });
      const health = await createHealth(databaseUp(), redis);

      await expect(health.check()).resolves.toEqual({
        status: 'degraded',
        checks: { database: 'up', redis: 'down' },
      });
      expect(redis.client.ping).not.toHaveBeenCalled();
    });

    it('should be degraded when the connections look up but Redis does not answer a PING', async () => {
      const redis = redisStub();
      redis.client.ping.mockRejectedValue(new Error('Command timed out'));
      const health = await createHealth(databaseUp(), redis);

      await expect(health.check()).resolves.toEqual({
        status: 'degraded',
        checks: { database: 'up', redis: 'down' },
      });
    });

    it('should be an error when the database is down, whatever Redis says', async () => {
      const health = await createHealth(databaseDown(), redisStub());

      await expect(health.check()).resolves.toEqual({ status: 'error', checks: { database: 'down', redis: 'up' } });
    });

    it('should be an error when both are down', async () => {
      const health = await createHealth(databaseDown(), redisStub({ healthy: false }));

      await expect(health.check()).resolves.toEqual({
        status: 'error',
        checks: { database: 'down', redis: 'down' },
      });
    });
  });

  describe('a probe that hangs', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('should count a database that does not answer within 2 s as down', async () => {
      const database: DatabaseStub = { query: jest.fn().mockReturnValue(new Promise(() => undefined)) };
      const health = await createHealth(database, redisStub());

      const report = health.check();
      await jest.advanceTimersByTimeAsync(2000);

      await expect(report).resolves.toEqual({ status: 'error', checks: { database: 'down', redis: 'up' } });
    });

    it('should count a Redis that does not answer a PING within 2 s as down', async () => {
      const redis = redisStub();
      redis.client.ping.mockReturnValue(new Promise(() => undefined));
      const health = await createHealth(databaseUp(), redis);

      const report = health.check();
      await jest.advanceTimersByTimeAsync(2000);

      await expect(report).resolves.toEqual({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
    });
  });

  describe('with a real Redis connection', () => {
    let redis: RedisService;

    beforeEach(() => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });

    afterEach(async () => {
      await redis.onApplicationShutdown();
      jest.restoreAllMocks();
    });

    it('should report Redis up when it is', async () => {
      redis = connectRedis(uniqueRedisPrefix());
      await waitUntilHealthy(redis);
      const health = await createHealth(databaseUp(), redis);

      await expect(health.check()).resolves.toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    });

    it('should report degraded when REDIS_URL points where nothing listens', async () => {
      redis = connectRedis(uniqueRedisPrefix(), await closedRedisUrl());
      const health = await createHealth(databaseUp(), redis);

      await expect(health.check()).resolves.toEqual({
        status: 'degraded',
        checks: { database: 'up', redis: 'down' },
      });
    });
  });
});
