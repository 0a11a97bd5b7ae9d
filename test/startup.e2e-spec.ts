import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ADMIN, ADMIN_ENV, login, register } from './factories/users';
import { api } from './utils/http';
import { createIsolatedTestApp } from './utils/isolated-app';
import { kidOf } from './utils/sessions';
import { createTestDatabase, onPostgres, TestDatabase } from './utils/test-database';

// Instances racing each other at start-up need a database several processes share: PostgreSQL, whose advisory locks
// keep them apart. SQLite serves one instance, so this suite only runs in the e2e-postgres project.
const describeScaled = onPostgres() ? describe : describe.skip;

const INSTANCES = 3;
const MIGRATIONS_DIR = join(__dirname, '..', 'src', 'database', 'migrations', 'postgres');

/**
 * Starts the instances at the same moment, each on a module registry of its own as separate processes would be (the
 * registries are loaded one after the other, synchronously, before any start begins); reports each start's outcome.
 */
function startTogether(env: Record<string, string>): Promise<PromiseSettledResult<NestFastifyApplication>[]> {
  return Promise.allSettled(Array.from({ length: INSTANCES }, () => createIsolatedTestApp({ env })));
}

function outcomes(starts: PromiseSettledResult<unknown>[]): string[] {
  return starts.map((start) => (start.status === 'rejected' ? String(start.reason) : 'started'));
}

function started(starts: PromiseSettledResult<NestFastifyApplication>[]): NestFastifyApplication[] {
  return starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
}

describeScaled('Instances starting together on one fresh PostgreSQL database (e2e)', () => {
  let database: TestDatabase;
  let client: Client;
  const apps: NestFastifyApplication[] = [];
  let starts: PromiseSettledResult<NestFastifyApplication>[];

  beforeAll(async () => {
    database = await createTestDatabase();
    starts = await startTogether(database.env);
    apps.push(...started(starts));
    client = new Client({ connectionString: database.env.DATABASE_URL });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await Promise.all(apps.map((app) => app.close()));
    await database?.drop();
  });

  async function rows<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return (await client.query(sql, parameters)).rows as T[];
  }

  it('should start every instance, each ready on /health', async () => {
    expect(outcomes(starts)).toEqual(Array.from({ length: INSTANCES }, () => 'started'));
    for (const app of apps) {
      const response = await api(app).get('/health').expect(200);
      expect(response.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    }
  });

  it('should have applied each migration exactly once', async () => {
    const expected = readdirSync(MIGRATIONS_DIR)
      .map((file) => /^(\d+)-.*\.ts$/.exec(file)?.[1])
      .filter((timestamp) => timestamp !== undefined)
      .sort();
    expect(expected.length).toBeGreaterThan(0);

    const applied = await rows<{ timestamp: string; name: string }>('SELECT timestamp, name FROM migrations');

    expect(applied.map((row) => String(row.timestamp)).sort()).toEqual(expected);
    expect(new Set(applied.map((row) => row.name)).size).toBe(applied.length);
  });

  it('should have made exactly one active key, the one every instance signs with, and one next key', async () => {
    const keys = await rows<{ kid: string; activated: boolean }>(
      'SELECT kid, activated_at IS NOT NULL AS activated FROM signing_keys WHERE retired_at IS NULL',
    );
    expect(keys.map((key) => key.activated).sort()).toEqual([false, true]);
    const active = keys.find((key) => key.activated)!;

    const { email, password } = await register(apps[0]);
    const kids = await Promise.all(apps.map(async (app) => kidOf(await login(app, email, password))));

    expect(kids).toEqual(Array.from({ length: INSTANCES }, () => active.kid));
    expect((await rows('SELECT kid FROM signing_keys')).length).toBe(2);
  });
});

describeScaled('Instances starting together with ADMIN_EMAIL and ADMIN_PASSWORD set on each (e2e)', () => {
  // Without a lock, each instance would find no admin and try to create it; all but one would fail to start.
  it('should start every instance and create the bootstrap admin once', async () => {
    const database = await createTestDatabase();
    let starts: PromiseSettledResult<NestFastifyApplication>[] = [];
    try {
      starts = await startTogether({ ...ADMIN_ENV, ...database.env });

      expect(outcomes(starts)).toEqual(Array.from({ length: INSTANCES }, () => 'started'));
      const client = new Client({ connectionString: database.env.DATABASE_URL });
      await client.connect();
      try {
        expect((await client.query('SELECT id FROM users WHERE email = $1', [ADMIN.email])).rowCount).toBe(1);
      } finally {
        await client.end();
      }
      for (const app of started(starts)) {
        await login(app, ADMIN.email, ADMIN.password);
      }
    } finally {
      await Promise.all(started(starts).map((app) => app.close()));
      await database.drop();
    }
  }, 60_000);
});
