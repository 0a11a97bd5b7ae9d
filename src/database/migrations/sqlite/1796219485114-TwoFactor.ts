import { MigrationInterface, QueryRunner } from "typeorm";

export class TwoFactor1796219485114 implements MigrationInterface {
    name = 'TwoFactor1796219485114'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "mfa_challenges" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "credential_version" integer NOT NULL,
                "trusted_device" boolean NOT NULL,
                "tries_left" integer NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "expires_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_cf5f2cdf8d418c02661b06a931" ON "mfa_challenges" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_1715663f6483821e6af6132b35" ON "mfa_challenges" ("user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "recovery_codes" (
                "id" varchar PRIMARY KEY NOT NULL,
                "user_id" varchar NOT NULL,
                "code_hash" varchar(64) NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_fb82b2ac740ca095b617afad03" ON "recovery_codes" ("user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "totp_factors" (
                "user_id" varchar PRIMARY KEY NOT NULL,
                "secret_id" varchar NOT NULL,
                "sealed_secret" varchar(255) NOT NULL,
                "last_used_step" integer,
                "created_at" datetime NOT NULL DEFAULT (datetime('now'))
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_users" (
                "id" varchar PRIMARY KEY NOT NULL,
                "email" varchar(320) NOT NULL,
                "password_hash" varchar(255) NOT NULL,
                "display_name" varchar(100),
                "roles" text NOT NULL,
                "disabled" boolean NOT NULL DEFAULT (0),
                "email_verified_at" datetime,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "updated_at" datetime NOT NULL DEFAULT (datetime('now')),
                "credential_version" integer NOT NULL DEFAULT (0),
                "mfa_enabled" boolean NOT NULL DEFAULT (0),
                CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email")
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_users"(
                    "id",
                    "email",
                    "password_hash",
                    "display_name",
                    "roles",
                    "disabled",
                    "email_verified_at",
                    "created_at",
                    "updated_at",
                    "credential_version"
                )
            SELECT "id",
                "email",
                "password_hash",
                "display_name",
                "roles",
                "disabled",
                "email_verified_at",
                "created_at",
                "updated_at",
                "credential_version"
            FROM "users"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_users"
                RENAME TO "users"
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
                "amr" text NOT NULL DEFAULT ('pwd'),
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
            DROP INDEX "IDX_cf5f2cdf8d418c02661b06a931"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_1715663f6483821e6af6132b35"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_mfa_challenges" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "credential_version" integer NOT NULL,
                "trusted_device" boolean NOT NULL,
                "tries_left" integer NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "expires_at" datetime NOT NULL,
                CONSTRAINT "FK_1715663f6483821e6af6132b35b" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_mfa_challenges"(
                    "id",
                    "token_hash",
                    "user_id",
                    "credential_version",
                    "trusted_device",
                    "tries_left",
                    "created_at",
                    "expires_at"
                )
            SELECT "id",
                "token_hash",
                "user_id",
                "credential_version",
                "trusted_device",
                "tries_left",
                "created_at",
                "expires_at"
            FROM "mfa_challenges"
        `);
        await queryRunner.query(`
            DROP TABLE "mfa_challenges"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_mfa_challenges"
                RENAME TO "mfa_challenges"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_cf5f2cdf8d418c02661b06a931" ON "mfa_challenges" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_1715663f6483821e6af6132b35" ON "mfa_challenges" ("user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_fb82b2ac740ca095b617afad03"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_recovery_codes" (
                "id" varchar PRIMARY KEY NOT NULL,
                "user_id" varchar NOT NULL,
                "code_hash" varchar(64) NOT NULL,
                CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_recovery_codes"("id", "user_id", "code_hash")
            SELECT "id",
                "user_id",
                "code_hash"
            FROM "recovery_codes"
        `);
        await queryRunner.query(`
            DROP TABLE "recovery_codes"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_recovery_codes"
                RENAME TO "recovery_codes"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_fb82b2ac740ca095b617afad03" ON "recovery_codes" ("user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_totp_factors" (
                "user_id" varchar PRIMARY KEY NOT NULL,
                "secret_id" varchar NOT NULL,
                "sealed_secret" varchar(255) NOT NULL,
                "last_used_step" integer,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                CONSTRAINT "FK_eded11141800ddff9dfbd017fd2" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_totp_factors"(
                    "user_id",
                    "secret_id",
                    "sealed_secret",
                    "last_used_step",
                    "created_at"
                )
            SELECT "user_id",
                "secret_id",
                "sealed_secret",
                "last_used_step",
                "created_at"
            FROM "totp_factors"
        `);
        await queryRunner.query(`
            DROP TABLE "totp_factors"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_totp_factors"
                RENAME TO "totp_factors"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "totp_factors"
                RENAME TO "temporary_totp_factors"
        `);
        await queryRunner.query(`
            CREATE TABLE "totp_factors" (
                "user_id" varchar PRIMARY KEY NOT NULL,
                "secret_id" varchar NOT NULL,
                "sealed_secret" varchar(255) NOT NULL,
                "last_used_step" integer,
                "created_at" datetime NOT NULL DEFAULT (datetime('now'))
            )
        `);
        await queryRunner.query(`
            INSERT INTO "totp_factors"(
                    "user_id",
                    "secret_id",
                    "sealed_secret",
                    "last_used_step",
                    "created_at"
                )
            SELECT "user_id",
                "secret_id",
                "sealed_secret",
                "last_used_step",
                "created_at"
            FROM "temporary_totp_factors"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_totp_factors"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_fb82b2ac740ca095b617afad03"
        `);
        await queryRunner.query(`
            ALTER TABLE "recovery_codes"
                RENAME TO "temporary_recovery_codes"
        `);
        await queryRunner.query(`
            CREATE TABLE "recovery_codes" (
                "id" varchar PRIMARY KEY NOT NULL,
                "user_id" varchar NOT NULL,
                "code_hash" varchar(64) NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "recovery_codes"("id", "user_id", "code_hash")
            SELECT "id",
                "user_id",
                "code_hash"
            FROM "temporary_recovery_codes"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_recovery_codes"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_fb82b2ac740ca095b617afad03" ON "recovery_codes" ("user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_1715663f6483821e6af6132b35"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_cf5f2cdf8d418c02661b06a931"
        `);
        await queryRunner.query(`
            ALTER TABLE "mfa_challenges"
                RENAME TO "temporary_mfa_challenges"
        `);
        await queryRunner.query(`
            CREATE TABLE "mfa_challenges" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "credential_version" integer NOT NULL,
                "trusted_device" boolean NOT NULL,
                "tries_left" integer NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "expires_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "mfa_challenges"(
                    "id",
                    "token_hash",
                    "user_id",
                    "credential_version",
                    "trusted_device",
                    "tries_left",
                    "created_at",
                    "expires_at"
                )
            SELECT "id",
                "token_hash",
                "user_id",
                "credential_version",
                "trusted_device",
                "tries_left",
                "created_at",
                "expires_at"
            FROM "temporary_mfa_challenges"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_mfa_challenges"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_1715663f6483821e6af6132b35" ON "mfa_challenges" ("user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_cf5f2cdf8d418c02661b06a931" ON "mfa_challenges" ("token_hash")
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
                "ip" varchar(64),
                CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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
            ALTER TABLE "users"
                RENAME TO "temporary_users"
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
                "credential_version" integer NOT NULL DEFAULT (0),
                CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email")
            )
        `);
        await queryRunner.query(`
            INSERT INTO "users"(
                    "id",
                    "email",
                    "password_hash",
                    "display_name",
                    "roles",
                    "disabled",
                    "email_verified_at",
                    "created_at",
                    "updated_at",
                    "credential_version"
                )
            SELECT "id",
                "email",
                "password_hash",
                "display_name",
                "roles",
                "disabled",
                "email_verified_at",
                "created_at",
                "updated_at",
                "credential_version"
            FROM "temporary_users"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_users"
        `);
        await queryRunner.query(`
            DROP TABLE "totp_factors"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_fb82b2ac740ca095b617afad03"
        `);
        await queryRunner.query(`
            DROP TABLE "recovery_codes"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_1715663f6483821e6af6132b35"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_cf5f2cdf8d418c02661b06a931"
        `);
        await queryRunner.query(`
            DROP TABLE "mfa_challenges"
        `);
    }

}
