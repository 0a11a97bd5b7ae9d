import { Logger } from '@nestjs/common';
import { RedisService } from './redis.service';
import { RedisProxy } from '../../test/doubles/redis-proxy';
import {
  closedRedisUrl,
  connectRedis,
  deleteRedisKeys,
  disabledRedis,
  uniqueRedisPrefix,
  waitFor,
  waitUntilHealthy,
} from '../../test/doubles/redis-testing';

describe('RedisService', () => {
  const opened: RedisService[] = [];

  /** A service this test closes afterwards, whatever happens. */
  const open = (service: RedisService): RedisService => {
    opened.push(service);
    return service;
  };

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((service) => service.onApplicationShutdown()));
    jest.restoreAllMocks();
  });

  describe('without REDIS_URL', () => {
    let redis: RedisService;

    beforeEach(() => {
      redis = open(disabledRedis());
    });

    it('should be disabled and never healthy', () => {
      expect(redis.enabled).toBe(false);
      expect(redis.healthy).toBe(false);
    });

    it('should answer false to publish', async () => {
      await expect(redis.publish('revocations', 'anything')).resolves.toBe(false);
    });

    it('should accept a subscription and do nothing with it', async () => {
      const handler = jest.fn();

      await expect(redis.subscribe('revocations', handler)).resolves.toBeUndefined();
      await redis.publish('revocations', 'anything');

      expect(handler).not.toHaveBeenCalled();
    });

    it('should have no client to hand out', () => {
      expect(() => redis.client).toThrow('Redis is not configured');
    });

    it('should close at once', async () => {
      await expect(redis.onApplicationShutdown()).resolves.toBeUndefined();
    });
  });

  describe('on a healthy Redis', () => {
    const prefix = uniqueRedisPrefix();
    let a: RedisService;
    let b: RedisService;

    beforeEach(async () => {
      a = open(connectRedis(prefix));
      b = open(connectRedis(prefix));
      await Promise.all([waitUntilHealthy(a), waitUntilHealthy(b)]);
    });

    afterAll(async () => {
      await deleteRedisKeys(prefix);
    });

    it('should be enabled and healthy', () => {
      expect(a.enabled).toBe(true);
      expect(a.healthy).toBe(true);
    });

    it('should put its prefix before every key', () => {
      expect(a.key('throttle:account:ada@example.org')).toBe(`${prefix}throttle:account:ada@example.org`);
    });

    it('should carry a message from one instance to another on the same prefix', async () => {
      const received: string[] = [];
      await b.subscribe('revocations', (message) => received.push(message));

      await expect(a.publish('revocations', 'session 42 ended')).resolves.toBe(true);

      await waitFor(() => received.length > 0, 1000, 'the message');
      expect(received).toEqual(['session 42 ended']);
    });

    it('should deliver to the publishing instance too', async () => {
      const received: string[] = [];
      await a.subscribe('signing-keys', (message) => received.push(message));

      await a.publish('signing-keys', 'changed');

      await waitFor(() => received.length > 0, 1000, 'the message');
      expect(received).toEqual(['changed']);
    });

    it('should call every handler of a channel, and only for that channel', async () => {
      const first: string[] = [];
      const second: string[] = [];
      const otherChannel: string[] = [];
      await b.subscribe('revocations', (message) => first.push(message));
      await b.subscribe('revocations', (message) => second.push(message));
      await b.subscribe('signing-keys', (message) => otherChannel.push(message));

      await a.publish('revocations', 'one');
      await a.publish('signing-keys', 'two');

      await waitFor(() => first.length > 0 && second.length > 0 && otherChannel.length > 0, 1000, 'the messages');
      expect({ first, second, otherChannel }).toEqual({ first: ['one'], second: ['one'], otherChannel: ['two'] });
    });

    it('should keep the order of messages from one instance', async () => {
      const received: string[] = [];
      await b.subscribe('revocations', (message) => received.push(message));

      await Promise.all(Array.from({ length: 50 }, (_, index) => a.publish('revocations', String(index))));

      await waitFor(() => received.length === 50, 1000, 'fifty messages');
      expect(received).toEqual(Array.from({ length: 50 }, (_, index) => String(index)));
    });

    it('should not carry a message to an instance under another prefix', async () => {
      const otherPrefix = uniqueRedisPrefix();
      const elsewhere = open(connectRedis(otherPrefix));
      await waitUntilHealthy(elsewhere);
      const strays: string[] = [];
      const received: string[] = [];
      await elsewhere.subscribe('revocations', (message) => strays.push(message));
      await b.subscribe('revocations', (message) => received.push(message));

      await a.publish('revocations', 'for this deployment only');

      // Once the same-prefix instance has it, the other prefix would have had it too.
      await waitFor(() => received.length > 0, 1000, 'the message');
      expect(strays).toEqual([]);
    });

    it('should close cleanly, after which publish answers false', async () => {
      const closing = connectRedis(prefix);
      await waitUntilHealthy(closing);

      await expect(closing.onApplicationShutdown()).resolves.toBeUndefined();

      // quit() resolves on Redis's answer; the sockets close right after.
      await waitFor(
        () => closing.client.status === 'end' && closing['subscriber']?.status === 'end',
        1000,
        'both connections to end',
      );
      expect(closing.healthy).toBe(false);
      await expect(closing.publish('revocations', 'too late')).resolves.toBe(false);
    });
  });

  describe('pointed at a closed port', () => {
    let redis: RedisService;

    beforeEach(async () => {
      redis = open(connectRedis(uniqueRedisPrefix(), await closedRedisUrl()));
    });

    it('should be enabled but not healthy', async () => {
      await waitFor(() => redis.client.status === 'reconnecting', 2000, 'the first failed connection');

      expect(redis.enabled).toBe(true);
      expect(redis.healthy).toBe(false);
    });

    it('should answer false to publish, at once and without throwing', async () => {
      const startedAt = Date.now();

      await expect(redis.publish('revocations', 'lost')).resolves.toBe(false);

      expect(Date.now() - startedAt).toBeLessThan(100);
    });

    it('should not throw on subscribe, and settle within a second', async () => {
      const startedAt = Date.now();

      await expect(redis.subscribe('revocations', jest.fn())).resolves.toBeUndefined();

      expect(Date.now() - startedAt).toBeLessThan(1000);
    });

    it('should log that Redis is unreachable', async () => {
      await waitFor(() => jest.mocked(Logger.prototype.warn).mock.calls.length > 0, 2000, 'a warning');

      expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringMatching(/^Redis \((commands|subscriptions)\)/));
    });

    it('should close at once, without throwing', async () => {
      await redis.subscribe('revocations', jest.fn());
      const startedAt = Date.now();

      await expect(redis.onApplicationShutdown()).resolves.toBeUndefined();

      expect(Date.now() - startedAt).toBeLessThan(500);
      await expect(redis.publish('revocations', 'lost')).resolves.toBe(false);
    });
  });

  describe('when Redis goes away and comes back', () => {
    const prefix = uniqueRedisPrefix();
    let proxy: RedisProxy;
    let redis: RedisService;
    let direct: RedisService;

    beforeEach(async () => {
      proxy = await RedisProxy.start();
      redis = open(connectRedis(prefix, proxy.url));
      direct = open(connectRedis(prefix));
      await Promise.all([waitUntilHealthy(redis), waitUntilHealthy(direct)]);
    });

    afterEach(async () => {
      await proxy.close();
    });

    afterAll(async () => {
      await deleteRedisKeys(prefix);
    });

    it('should close during the outage without throwing, and not connect again when Redis returns', async () => {
      await redis.subscribe('revocations', jest.fn());
      await proxy.interrupt();
      await waitFor(() => !redis.healthy, 2000, 'the outage to be noticed');
      const startedAt = Date.now();

      await expect(redis.onApplicationShutdown()).resolves.toBeUndefined();

      expect(Date.now() - startedAt).toBeLessThan(500);
      const acceptedBefore = proxy.accepted;
      await proxy.resume();
      // Longer than the next retry would take (200-400 ms here): a reconnect would have shown by then.
      await expect(waitFor(() => proxy.accepted > acceptedBefore, 1000)).rejects.toThrow('Timed out');
      expect(redis.healthy).toBe(false);
    });

    it('should report itself unhealthy during the outage and publish nothing', async () => {
      await proxy.interrupt();

      await waitFor(() => !redis.healthy, 2000, 'the outage to be noticed');
      await expect(redis.publish('revocations', 'lost')).resolves.toBe(false);
    });

    it('should reconnect by itself, tell its listeners once, and receive on its subscriptions again', async () => {
      const received: string[] = [];
      const reconnected = jest.fn();
      await redis.subscribe('revocations', (message) => received.push(message));
      redis.onReconnect(reconnected);
      await proxy.interrupt();
      await waitFor(() => !redis.healthy, 2000, 'the outage to be noticed');

      await proxy.resume();

      await waitUntilHealthy(redis, 5000);
      // Listeners are told only once the subscriptions are renewed, which can be a moment after `healthy`.
      await waitFor(() => reconnected.mock.calls.length > 0, 5000, 'the reconnect listener');
      expect(reconnected).toHaveBeenCalledTimes(1);
      // Healthy means connected; the subscription is renewed just after, so keep sending until it is.
      await waitFor(
        async () => {
          await direct.publish('revocations', 'after the outage');
          return received.length > 0;
        },
        5000,
        'the message',
      );
      expect(received[0]).toBe('after the outage');
      await expect(redis.publish('revocations', 'and back')).resolves.toBe(true);
    });
  });
});
