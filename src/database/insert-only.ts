import type { ObjectLiteral, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * Inserts rows without reading them back. `Repository.insert` selects every generated column (ids, creation dates)
 * again after the write, which on SQLite is one more query per insert; on the login path that was three of eight.
 */
export async function insertOnly<Entity extends ObjectLiteral>(
  repository: Repository<Entity>,
  values: QueryDeepPartialEntity<Entity> | QueryDeepPartialEntity<Entity>[],
): Promise<void> {
  await repository.createQueryBuilder().insert().values(values).updateEntity(false).execute();
}
