import { MigrationInterface, QueryRunner } from "typeorm";

export class SessionsRevocationsAudit1795893222232 implements MigrationInterface {
    name = 'SessionsRevocationsAudit1795893222232'

    public async up(queryRunner: QueryRunner): Promise<void> {
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
            CREATE INDEX "IDX_497bb4f7c4c55db9749616cd2a" ON "audit_events" ("created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_fbb1ebf51c49ac3111bc1a0057" ON "audit_events" ("type", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_7287743eba71c4f62ee4136532" ON "audit_events" ("user_id", "created_at")
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
            CREATE INDEX "IDX_80c24fc0bf7f27650c67ca6828" ON "revocations" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_signing_keys" (
                "kid" varchar(64) PRIMARY KEY NOT NULL,
                "algorithm" varchar(8) NOT NULL,
                "public_key" text,
                "encrypted_private_key" text NOT NULL,
                "created_at" datetime NOT NULL,
                "retired_at" datetime,
                "revoked_at" datetime
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_signing_keys"(
                    "kid",
                    "algorithm",
                    "public_key",
                    "encrypted_private_key",
                    "created_at",
                    "retired_at",
                    "revoked_at"
                )
            SELECT "kid",
                "algorithm",
                "public_key",
                "encrypted_private_key",
                "created_at",
                "retired_at",
                "revoked_at"
            FROM "signing_keys"
        `);
        await queryRunner.query(`
            DROP TABLE "signing_keys"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_signing_keys"
                RENAME TO "signing_keys"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "signing_keys"
                RENAME TO "temporary_signing_keys"
        `);
        await queryRunner.query(`
            CREATE TABLE "signing_keys" (
                "kid" varchar(64) PRIMARY KEY NOT NULL,
                "algorithm" varchar(8) NOT NULL,
                "public_key" text,
                "encrypted_private_key" text NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "retired_at" datetime,
                "revoked_at" datetime
            )
        `);
        await queryRunner.query(`
            INSERT INTO "signing_keys"(
                    "kid",
                    "algorithm",
                    "public_key",
                    "encrypted_private_key",
                    "created_at",
                    "retired_at",
                    "revoked_at"
                )
            SELECT "kid",
                "algorithm",
                "public_key",
                "encrypted_private_key",
                "created_at",
                "retired_at",
                "revoked_at"
            FROM "temporary_signing_keys"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_signing_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_80c24fc0bf7f27650c67ca6828"
        `);
        await queryRunner.query(`
            DROP TABLE "revocations"
        `);
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
            DROP TABLE "audit_events"
        `);
    }

}
