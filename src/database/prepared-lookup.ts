import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';

/**
 * Finds the row whose column equals a value, with its SQL written once. `Repository.findOneBy` builds, aliases and
 * escapes the query again on every call, which the profile of `GET /users/me` showed as the largest single share of
 * the request. Rows are hydrated through the driver column by column, as TypeORM's own reads do, so dates, booleans,
 * JSON columns and transformers come out the same.
 */
export class PreparedLookup<Entity extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  private readonly sql: string;

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<Entity>,
    property: keyof Entity & string,
  ) {
    this.metadata = dataSource.getMetadata(entity);
    const driver = dataSource.driver;
    const key = this.metadata.findColumnWithPropertyName(property);
    if (!key) {
      throw new Error(`${this.metadata.name} has no column ${property}`);
    }
    const columns = this.metadata.columns.map((column) => driver.escape(column.databaseName)).join(', ');
    const table = this.metadata.tablePath
      .split('.')
      .map((part) => driver.escape(part))
      .join('.');
    const parameter = driver.createParameter(property, 0);
    this.sql = `SELECT ${columns} FROM ${table} WHERE ${driver.escape(key.databaseName)} = ${parameter} LIMIT 1`;
  }

  async find(value: unknown): Promise<Entity | null> {
    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(this.sql, [value]);
    return rows.length === 0 ? null : this.hydrate(rows[0]);
  }

  private hydrate(row: Record<string, unknown>): Entity {
    const entity = this.metadata.create() as Entity;
    for (const column of this.metadata.columns) {
      column.setEntityValue(entity, this.dataSource.driver.prepareHydratedValue(row[column.databaseName], column));
    }
    return entity;
  }
}
