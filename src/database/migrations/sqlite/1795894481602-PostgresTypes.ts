import { MigrationInterface, QueryRunner } from "typeorm";

export class PostgresTypes1795894481602 implements MigrationInterface {
    name = 'PostgresTypes1795894481602'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "IDX_7287743eba71c4f62ee4136532"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_fbb1ebf51c49ac3111bc1a0057"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_497bb4f7c4c55db9749616cd2a"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_audit_events" (
                "id" varchar PRIMARY KEY NOT NULL,
                "type" varchar(32) NOT NULL,
                "user_id" varchar,
                "actor_id" varchar,
                "session_id" varchar,
                "ip" varchar(64),
                "user_agent" varchar(512),
                "details" text,
                "created_at" datetime NOT NULL DEFAULT (datetime('now'))
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_audit_events"(
                    "id",
                    "type",
                    "user_id",
                    "actor_id",
                    "session_id",
                    "ip",
                    "user_agent",
                    "details",
                    "created_at"
                )
            SELECT "id",
                "type",
                "user_id",
                "actor_id",
                "session_id",
                "ip",
                "user_agent",
                "details",
                "created_at"
            FROM "audit_events"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_audit_events"
                RENAME TO "audit_events"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_fbb1ebf51c49ac3111bc1a0057" ON "audit_events" ("type", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_497bb4f7c4c55db9749616cd2a" ON "audit_events" ("created_at")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_80c24fc0bf7f27650c67ca6828"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_revocations" (
                "kind" varchar(16) NOT NULL,
                "target_id" varchar NOT NULL,
                "revoked_at" datetime NOT NULL,
                "expires_at" datetime NOT NULL,
                PRIMARY KEY ("kind", "target_id")
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_revocations"("kind", "target_id", "revoked_at", "expires_at")
            SELECT "kind",
                "target_id",
                "revoked_at",
                "expires_at"
            FROM "revocations"
        `);
        await queryRunner.query(`
            DROP TABLE "revocations"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_revocations"
                RENAME TO "revocations"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_80c24fc0bf7f27650c67ca6828" ON "revocations" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_7287743eba71c4f62ee4136532" ON "audit_events" ("user_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "IDX_7287743eba71c4f62ee4136532"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_80c24fc0bf7f27650c67ca6828"
        `);
        await queryRunner.query(`
            ALTER TABLE "revocations"
                RENAME TO "temporary_revocations"
        `);
        await queryRunner.query(`
            CREATE TABLE "revocations" (
                "kind" varchar(16) NOT NULL,
                "target_id" varchar(36) NOT NULL,
                "revoked_at" datetime NOT NULL,
                "expires_at" datetime NOT NULL,
                PRIMARY KEY ("kind", "target_id")
            )
        `);
        await queryRunner.query(`
            INSERT INTO "revocations"("kind", "target_id", "revoked_at", "expires_at")
            SELECT "kind",
                "target_id",
                "revoked_at",
                "expires_at"
            FROM "temporary_revocations"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_revocations"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_80c24fc0bf7f27650c67ca6828" ON "revocations" ("expires_at")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_497bb4f7c4c55db9749616cd2a"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_fbb1ebf51c49ac3111bc1a0057"
        `);
        await queryRunner.query(`
            ALTER TABLE "audit_events"
                RENAME TO "temporary_audit_events"
        `);
        await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" varchar PRIMARY KEY NOT NULL,
                "type" varchar(32) NOT NULL,
                "user_id" varchar(36),
                "actor_id" varchar(36),
                "session_id" varchar(36),
                "ip" varchar(64),
                "user_agent" varchar(512),
                "details" text,
                "created_at" datetime NOT NULL DEFAULT (datetime('now'))
            )
        `);
        await queryRunner.query(`
            INSERT INTO "audit_events"(
                    "id",
                    "type",
                    "user_id",
                    "actor_id",
                    "session_id",
                    "ip",
                    "user_agent",
                    "details",
                    "created_at"
                )
            SELECT "id",
                "type",
                "user_id",
                "actor_id",
                "session_id",
                "ip",
                "user_agent",
                "details",
                "created_at"
            FROM "temporary_audit_events"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_audit_events"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_497bb4f7c4c55db9749616cd2a" ON "audit_events" ("created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_fbb1ebf51c49ac3111bc1a0057" ON "audit_events" ("type", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_7287743eba71c4f62ee4136532" ON "audit_events" ("user_id", "created_at")
        `);
    }

}
