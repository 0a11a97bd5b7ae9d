import type { Database } from 'better-sqlite3';
import type { DataSource, EntityManager, ObjectLiteral, QueryBuilder } from 'typeorm';
import type { BetterSqlite3Driver } from 'typeorm/driver/better-sqlite3/BetterSqlite3Driver';

export interface TransactionStep {
  build: (manager: EntityManager) => QueryBuilder<ObjectLiteral>;
  /** Unless this step changes exactly one row, the later steps are skipped (the earlier ones stay). */
  mustChangeOne?: boolean;
}

/**
 * Runs the statements in one transaction; false when a `mustChangeOne` step changed no row. SQLite's single
 * connection is shared by every request, so there the statements run synchronously in one native transaction,
 * which nothing else can interleave with (TypeORM would nest concurrent transactions into each other's savepoints).
 */
export async function runInOneTransaction(dataSource: DataSource, steps: TransactionStep[]): Promise<boolean> {
  if (dataSource.options.type === 'better-sqlite3') {
    const db = (dataSource.driver as BetterSqlite3Driver).databaseConnection as Database;
    const run = db.transaction(() =>
      steps.every((step) => {
        const [sql, parameters] = step.build(dataSource.manager).getQueryAndParameters();
        const { changes } = db.prepare(sql).run(...(parameters as unknown[]));
        return !step.mustChangeOne || changes === 1;
      }),
    );
    return run();
  }
  return dataSource.transaction(async (manager) => {
    for (const step of steps) {
      const result = (await step.build(manager).execute()) as { affected?: number | null };
      if (step.mustChangeOne && result.affected !== 1) {
        return false;
      }
    }
    return true;
  });
}

class StepChangedNothing extends Error {}

/**
 * Like runInOneTransaction, but all or nothing: when a `mustChangeOne` step changes no row, every step is rolled
 * back and the answer is false.
 */
export async function runAllOrNothing(dataSource: DataSource, steps: TransactionStep[]): Promise<boolean> {
  const check = (step: TransactionStep, changed: number | null | undefined) => {
    if (step.mustChangeOne && changed !== 1) {
      throw new StepChangedNothing();
    }
  };
  try {
    if (dataSource.options.type === 'better-sqlite3') {
      const db = (dataSource.driver as BetterSqlite3Driver).databaseConnection as Database;
      db.transaction(() => {
        for (const step of steps) {
          const [sql, parameters] = step.build(dataSource.manager).getQueryAndParameters();
          // better-sqlite3 binds no booleans; SQLite stores them as 1 and 0.
          const values = (parameters as unknown[]).map((value) => (typeof value === 'boolean' ? Number(value) : value));
          check(step, db.prepare(sql).run(...values).changes);
        }
      })();
    } else {
      await dataSource.transaction(async (manager) => {
        for (const step of steps) {
          check(step, ((await step.build(manager).execute()) as { affected?: number | null }).affected);
        }
      });
    }
    return true;
  } catch (error) {
    if (error instanceof StepChangedNothing) {
      return false;
    }
    throw error;
  }
}
