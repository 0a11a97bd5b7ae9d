import { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand: TypeORM would drop and re-add these columns, losing their data. ALTER … TYPE converts in place.
// Dates were stored as UTC wall-clock times, so they are read as UTC.
const DATE_COLUMNS: Record<string, string[]> = {
  users: ['email_verified_at', 'created_at', 'updated_at'],
  sessions: ['created_at', 'last_used_at', 'idle_expires_at', 'expires_at', 'ended_at'],
  refresh_tokens: ['created_at', 'retired_at'],
  signing_keys: ['created_at', 'retired_at', 'revoked_at'],
  revocations: ['revoked_at', 'expires_at'],
  audit_events: ['created_at'],
};

const UUID_COLUMNS: Record<string, string[]> = {
  revocations: ['target_id'],
  audit_events: ['user_id', 'actor_id', 'session_id'],
};

/** Every date becomes timestamptz and every id column uuid on PostgreSQL. */
export class PostgresTypes1795894483467 implements MigrationInterface {
  name = 'PostgresTypes1795894483467';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(DATE_COLUMNS)) {
      for (const column of columns) {
        await queryRunner.query(
          `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE timestamptz USING "${column}" AT TIME ZONE 'UTC'`,
        );
      }
    }
    for (const [table, columns] of Object.entries(UUID_COLUMNS)) {
      for (const column of columns) {
        await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE uuid USING "${column}"::uuid`);
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(UUID_COLUMNS)) {
      for (const column of columns) {
        await queryRunner.query(
          `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE character varying(36) USING "${column}"::text`,
        );
      }
    }
    for (const [table, columns] of Object.entries(DATE_COLUMNS)) {
      for (const column of columns) {
        await queryRunner.query(
          `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE timestamp USING "${column}" AT TIME ZONE 'UTC'`,
        );
      }
    }
  }
}
