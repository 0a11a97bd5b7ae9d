import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { makeDirectory } from '../common/make-directory';

/** The one description of the database, shared by the app and the migration CLI. Never synchronises the schema. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // Migrations run under a lock at start-up (see database.module.ts), not inside initialize().
    migrationsRun: false,
    migrationsTableName: 'migrations',
    // TypeORM's query log would print parameters such as password hashes; failures reach our own error log instead.
    logging: false,
  };
  if (database.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      extra: { max: database.poolSize, statement_timeout: database.statementTimeoutMs },
      migrations: POSTGRES_MIGRATIONS,
    };
  }
  const inMemory = database.path === ':memory:';
  if (!inMemory) {
    makeDirectory(dirname(database.path));
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    enableWAL: !inMemory,
    timeout: 5000,
    migrations: SQLITE_MIGRATIONS,
  };
}
