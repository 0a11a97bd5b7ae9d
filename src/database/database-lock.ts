import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Names of the locks instances take; each maps to a fixed PostgreSQL advisory-lock key. */
export enum LockName {
  Migrations = 0x62617301,
  SigningKeys = 0x62617302,
  AdminBootstrap = 0x62617303,
  Admins = 0x62617304,
}

/**
 * Serialises start-up work across instances that share a PostgreSQL database (an advisory lock held on one
 * connection). SQLite serves one process, so there the work simply runs.
 */
@Injectable()
export class DatabaseLock {
  constructor(private readonly dataSource: DataSource) {}

  withLock<T>(name: LockName, work: () => Promise<T>): Promise<T> {
    return runLocked(this.dataSource, name, work);
  }
}

export async function runLocked<T>(dataSource: DataSource, name: LockName, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'postgres') {
    return work();
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [name]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [name]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Runs a write in a transaction that holds the lock until it commits (PostgreSQL), so that writes whose condition
 * reads other rows, such as "another admin remains", see each other's results. SQLite runs one statement at a time:
 * there the write simply runs, and must be a single statement.
 */
export function runInLockedTransaction<T>(
  dataSource: DataSource,
  name: LockName,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (dataSource.options.type !== 'postgres') {
    return work(dataSource.manager);
  }
  return dataSource.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [name]);
    return work(manager);
  });
}
