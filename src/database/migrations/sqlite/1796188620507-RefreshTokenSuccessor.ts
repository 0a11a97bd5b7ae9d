import { MigrationInterface, QueryRunner } from "typeorm";

export class RefreshTokenSuccessor1796188620507 implements MigrationInterface {
    name = 'RefreshTokenSuccessor1796188620507'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "IDX_3bf308fa93da3966f9e76fcfba"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_a7838d2ba25be1342091b6695f"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_refresh_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "session_id" varchar NOT NULL,
                "created_at" datetime NOT NULL DEFAULT (datetime('now')),
                "retired_at" datetime,
                "successor_sealed" text,
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
            CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "IDX_a7838d2ba25be1342091b6695f"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_3bf308fa93da3966f9e76fcfba"
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
                "retired_at" datetime,
                CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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
            CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id")
        `);
    }

}
