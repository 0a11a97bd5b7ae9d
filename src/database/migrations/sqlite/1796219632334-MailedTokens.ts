import { MigrationInterface, QueryRunner } from "typeorm";

export class MailedTokens1796219632334 implements MigrationInterface {
    name = 'MailedTokens1796219632334'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "mailed_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "purpose" varchar(32) NOT NULL,
                "issued_at" datetime NOT NULL,
                "expires_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_3448dae5595a2121952da9f932" ON "mailed_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_229bd47c49e5723d8e447c39e2" ON "mailed_tokens" ("user_id", "purpose")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_3448dae5595a2121952da9f932"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_229bd47c49e5723d8e447c39e2"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_mailed_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "purpose" varchar(32) NOT NULL,
                "issued_at" datetime NOT NULL,
                "expires_at" datetime NOT NULL,
                CONSTRAINT "FK_a216a1d5f921f0a8e7fb4a6e67e" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_mailed_tokens"(
                    "id",
                    "token_hash",
                    "user_id",
                    "purpose",
                    "issued_at",
                    "expires_at"
                )
            SELECT "id",
                "token_hash",
                "user_id",
                "purpose",
                "issued_at",
                "expires_at"
            FROM "mailed_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "mailed_tokens"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_mailed_tokens"
                RENAME TO "mailed_tokens"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_3448dae5595a2121952da9f932" ON "mailed_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_229bd47c49e5723d8e447c39e2" ON "mailed_tokens" ("user_id", "purpose")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "IDX_229bd47c49e5723d8e447c39e2"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_3448dae5595a2121952da9f932"
        `);
        await queryRunner.query(`
            ALTER TABLE "mailed_tokens"
                RENAME TO "temporary_mailed_tokens"
        `);
        await queryRunner.query(`
            CREATE TABLE "mailed_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "user_id" varchar NOT NULL,
                "purpose" varchar(32) NOT NULL,
                "issued_at" datetime NOT NULL,
                "expires_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "mailed_tokens"(
                    "id",
                    "token_hash",
                    "user_id",
                    "purpose",
                    "issued_at",
                    "expires_at"
                )
            SELECT "id",
                "token_hash",
                "user_id",
                "purpose",
                "issued_at",
                "expires_at"
            FROM "temporary_mailed_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_mailed_tokens"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_229bd47c49e5723d8e447c39e2" ON "mailed_tokens" ("user_id", "purpose")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_3448dae5595a2121952da9f932" ON "mailed_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_229bd47c49e5723d8e447c39e2"
        `);
        await queryRunner.query(`
            DROP INDEX "IDX_3448dae5595a2121952da9f932"
        `);
        await queryRunner.query(`
            DROP TABLE "mailed_tokens"
        `);
    }

}
