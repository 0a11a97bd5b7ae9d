import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/**
 * Where the e2e suite runs: on SQLite, or — in the `e2e-postgres` project, which jest.config.js adds when
 * TEST_DATABASE_URL and TEST_REDIS_URL are set — on PostgreSQL with Redis, each app on a database of its own.
 */
export function onPostgres(): boolean {
  return process.env.BASTION_E2E_TARGET === 'postgres';
}

export interface TestDatabase {
  /** Variables that point an app at this database (and, on PostgreSQL, at Redis under a fresh key prefix). */
  env: Record<string, string>;
  /** Drops the database (or deletes the file) and the Redis keys; call after every app using it has closed. */
  drop(): Promise<void>;
}

/** A database that survives app restarts within one test: a SQLite file, or a fresh PostgreSQL database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!onPostgres()) {
    const dir = mkdtempSync(join(tmpdir(), 'bastion-e2e-'));
    return {
      env: { DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}` },
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const name = `bastion_e2e_${randomBytes(6).toString('hex')}`;
  const prefix = `bastion-e2e-${randomBytes(6).toString('hex')}:`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(requiredEnv('TEST_DATABASE_URL'));
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), REDIS_URL: requiredEnv('TEST_REDIS_URL'), REDIS_KEY_PREFIX: prefix },
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await deleteRedisKeys(prefix);
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: requiredEnv('TEST_DATABASE_URL') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(requiredEnv('TEST_REDIS_URL'), { lazyConnect: true, maxRetriesPerRequest: 1 });
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

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set for the e2e-postgres project`);
  }
  return value;
}
