import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Entities type their dates as `Date`, which SQLite stores as `datetime` and TypeORM maps to PostgreSQL's
 * `timestamp without time zone`. On PostgreSQL every date becomes `timestamptz` instead, so that a moment means the
 * same whatever the session's time zone. Applied to the data source before it initialises, for app and CLI alike.
 */
export function withPostgresTimestamps(dataSource: DataSource): DataSource {
  const driver = dataSource.driver;
  if (driver instanceof PostgresDriver) {
    Object.assign(driver.mappedDataTypes, {
      createDate: 'timestamptz',
      updateDate: 'timestamptz',
      deleteDate: 'timestamptz',
    });
    const normalizeType = driver.normalizeType.bind(driver);
    driver.normalizeType = (column: Partial<ColumnMetadata>) =>
      column.type === Date ? 'timestamp with time zone' : normalizeType(column);
  }
  return dataSource;
}
