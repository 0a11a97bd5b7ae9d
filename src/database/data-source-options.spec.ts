import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** What every migration file of a dialect's folder exports, oldest first: what the app must run. */
async function migrationsInFolder(dialect: DatabaseConfig['type']): Promise<unknown[]> {
  const folder = join(__dirname, 'migrations', dialect);
  const files = readdirSync(folder)
    .filter((file) => /^\d+-\w+\.ts$/.test(file))
    .sort();
  const modules = await Promise.all(
    files.map((file) => import(join(folder, file)) as Promise<Record<string, unknown>>),
  );
  return modules.flatMap((exported) => Object.values(exported));
}

describe('dataSourceOptions', () => {
  const databases: DatabaseConfig[] = [
    { type: 'sqlite', path: ':memory:' },
    { type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/none', poolSize: 1, statementTimeoutMs: 1000 },
  ];

  // The app runs the list in migrations/<dialect>/index.ts: a file missing from it would never run.
  it.each(databases)('should run every migration of the $type folder', async (database) => {
    const expected = await migrationsInFolder(database.type);

    expect(expected.length).toBeGreaterThan(0);
    expect(dataSourceOptions(database).migrations).toEqual(expected);
  });
});
