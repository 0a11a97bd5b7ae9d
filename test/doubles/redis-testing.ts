import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config';
import { RedisService } from '../../src/redis/redis.service';

/** The Redis the unit specs talk to; CI may point elsewhere. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Single-instance mode: no REDIS_URL, so publish answers false and subscribe does nothing. */
export function disabledRedis(): RedisService {
  return new RedisService(loadConfig({}));
}

/** A key prefix of this test alone, so parallel runs and reruns never share a key or a channel. */
export function uniqueRedisPrefix(): string {
  return `bastion-unit-${randomUUID()}:`;
}

/** A RedisService on `url` (the test Redis by default) under `prefix`; close it with onApplicationShutdown(). */
export function connectRedis(prefix: string, url = TEST_REDIS_URL): RedisService {
  return new RedisService(loadConfig({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix }));
}

/** A URL where nothing listens: a port the system gave to a server that is closed again. */
export async function closedRedisUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `redis://127.0.0.1:${port}`;
}

/** Deletes every key under `prefix`. */
export async function deleteRedisKeys(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) {
        await redis.del(...keys);
      }
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 2000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until both of the service's connections are up. */
export function waitUntilHealthy(redis: RedisService, timeoutMs = 2000): Promise<void> {
  return waitFor(() => redis.healthy, timeoutMs, 'Redis to be ready');
}
