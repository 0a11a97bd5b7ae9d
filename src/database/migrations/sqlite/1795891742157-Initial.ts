import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795891742157 implements MigrationInterface {
    name = 'Initial1795891742157'

    public async up(queryRunner: QueryRunner): Promise<void> {
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
            CREATE TABLE "users" (
                "id" varchar PRIMARY KEY NOT NULL,
                "email" varchar(320) NOT NULL,
                "password_hash" varchar(255) NOT NULL,
                "display_name" varchar(100),
                "roles" text NOT NULL,
                "disabled" boolean NOT NULL DEFAULT (0),
                "email_verified_at" datetime,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "updated_at" datetime NOT NULL DEFAULT (datetime('now')),
                CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "sessions" (
                "id" varchar PRIMARY KEY NOT NULL,
                "user_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "last_used_at" datetime NOT NULL,
                "idle_expires_at" datetime NOT NULL,
                "expires_at" datetime NOT NULL,
                "ended_at" datetime,
                "end_reason" varchar(32),
                "user_agent" varchar(512),
                "ip" varchar(64)
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "session_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "retired_at" datetime
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_sessions" (
                "id" varchar PRIMARY KEY NOT NULL,
                "user_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "last_used_at" datetime NOT NULL,
                "idle_expires_at" datetime NOT NULL,
                "expires_at" datetime NOT NULL,
                "ended_at" datetime,
                "end_reason" varchar(32),
                "user_agent" varchar(512),
                "ip" varchar(64),
                CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_sessions"(
                    "id",
                    "user_id",
                    "created_at",
                    "last_used_at",
                    "idle_expires_at",
                    "expires_at",
                    "ended_at",
                    "end_reason",
                    "user_agent",
                    "ip"
                )
            SELECT "id",
                "user_id",
                "created_at",
                "last_used_at",
                "idle_expires_at",
                "expires_at",
                "ended_at",
                "end_reason",
                "user_agent",
                "ip"
            FROM "sessions"
        `);
        await queryRunner.query(`
            DROP TABLE "sessions"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_sessions"
                RENAME TO "sessions"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_a7838d2ba25be1342091b6695f"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_3bf308fa93da3966f9e76fcfba"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_refresh_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "session_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "retired_at" datetime,
                CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_refresh_tokens"(
                    "id",
                    "token_hash",
                    "session_id",
                    "created_at",
                    "retired_at"
                )
            SELECT "id",
                "token_hash",
                "session_id",
                "created_at",
                "retired_at"
            FROM "refresh_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_refresh_tokens"
                RENAME TO "refresh_tokens"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "IDX_3bf308fa93da3966f9e76fcfba"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_a7838d2ba25be1342091b6695f"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
                RENAME TO "temporary_refresh_tokens"
        `);
        await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "session_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "retired_at" datetime
            )
        `);
        await queryRunner.query(`
            INSERT INTO "refresh_tokens"(
                    "id",
                    "token_hash",
                    "session_id",
                    "created_at",
                    "retired_at"
                )
            SELECT "id",
                "token_hash",
                "session_id",
                "created_at",
                "retired_at"
            FROM "temporary_refresh_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_refresh_tokens"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
                RENAME TO "temporary_sessions"
        `);
        await queryRunner.query(`
            CREATE TABLE "sessions" (
                "id" varchar PRIMARY KEY NOT NULL,
                "user_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "last_used_at" datetime NOT NULL,
                "idle_expires_at" datetime NOT NULL,
                "expires_at" datetime NOT NULL,
                "ended_at" datetime,
                "end_reason" varchar(32),
                "user_agent" varchar(512),
                "ip" varchar(64)
            )
        `);
        await queryRunner.query(`
            INSERT INTO "sessions"(
                    "id",
                    "user_id",
                    "created_at",
                    "last_used_at",
                    "idle_expires_at",
                    "expires_at",
                    "ended_at",
                    "end_reason",
                    "user_agent",
                    "ip"
                )
            SELECT "id",
                "user_id",
                "created_at",
                "last_used_at",
                "idle_expires_at",
                "expires_at",
                "ended_at",
                "end_reason",
                "user_agent",
                "ip"
            FROM "temporary_sessions"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_sessions"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_3bf308fa93da3966f9e76fcfba"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_a7838d2ba25be1342091b6695f"
        `);
        await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"
        `);
        await queryRunner.query(`
            DROP TABLE "sessions"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            DROP TABLE "signing_keys"
        `);
    }

}
