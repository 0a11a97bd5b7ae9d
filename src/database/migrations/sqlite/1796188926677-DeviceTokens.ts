import { MigrationInterface, QueryRunner } from "typeorm";

export class DeviceTokens1796188926677 implements MigrationInterface {
    name = 'DeviceTokens1796188926677'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "device_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "expires_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_5c9204ea7007b8cc9ba8553497" ON "device_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_17e1f528b993c6d55def4cf5be" ON "device_tokens" ("user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_5c9204ea7007b8cc9ba8553497"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_17e1f528b993c6d55def4cf5be"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_device_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "expires_at" datetime NOT NULL,
                CONSTRAINT "FK_17e1f528b993c6d55def4cf5bea" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_device_tokens"(
                    "id",
                    "token_hash",
                    "user_id",
                    "created_at",
                    "expires_at"
                )
            SELECT "id",
                "token_hash",
                "user_id",
                "created_at",
                "expires_at"
            FROM "device_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "device_tokens"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_device_tokens"
                RENAME TO "device_tokens"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_5c9204ea7007b8cc9ba8553497" ON "device_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_17e1f528b993c6d55def4cf5be" ON "device_tokens" ("user_id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "IDX_17e1f528b993c6d55def4cf5be"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_5c9204ea7007b8cc9ba8553497"
        `);
        await queryRunner.query(`
            ALTER TABLE "device_tokens"
                RENAME TO "temporary_device_tokens"
        `);
        await queryRunner.query(`
            CREATE TABLE "device_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "expires_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "device_tokens"(
                    "id",
                    "token_hash",
                    "user_id",
                    "created_at",
                    "expires_at"
                )
            SELECT "id",
                "token_hash",
                "user_id",
                "created_at",
                "expires_at"
            FROM "temporary_device_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_device_tokens"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_17e1f528b993c6d55def4cf5be" ON "device_tokens" ("user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_5c9204ea7007b8cc9ba8553497" ON "device_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_17e1f528b993c6d55def4cf5be"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_5c9204ea7007b8cc9ba8553497"
        `);
        await queryRunner.query(`
            DROP TABLE "device_tokens"
        `);
    }

}
