import { MigrationInterface, QueryRunner } from "typeorm";

export class CredentialVersion1796188711792 implements MigrationInterface {
    name = 'CredentialVersion1796188711792'

    public async up(queryRunner: QueryRunner): Promise<void> {
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
                    "updated_at"
                )
            SELECT "id",
                "email",
                "password_hash",
                "display_name",
                "roles",
                "disabled",
                "email_verified_at",
                "created_at",
                "updated_at"
            FROM "users"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_users"
                RENAME TO "users"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
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
                    "updated_at"
                )
            SELECT "id",
                "email",
                "password_hash",
                "display_name",
                "roles",
                "disabled",
                "email_verified_at",
                "created_at",
                "updated_at"
            FROM "temporary_users"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_users"
        `);
    }

}
