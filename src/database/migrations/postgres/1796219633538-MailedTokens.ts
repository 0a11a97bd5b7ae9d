import { MigrationInterface, QueryRunner } from "typeorm";

export class MailedTokens1796219633538 implements MigrationInterface {
    name = 'MailedTokens1796219633538'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "mailed_tokens" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "token_hash" character varying(64) NOT NULL,
                "user_id" uuid NOT NULL,
                "purpose" character varying(32) NOT NULL,
                "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_31d4f7d89f675acd4fc29e07187" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_3448dae5595a2121952da9f932" ON "mailed_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_229bd47c49e5723d8e447c39e2" ON "mailed_tokens" ("user_id", "purpose")
        `);
        await queryRunner.query(`
            ALTER TABLE "mailed_tokens"
            ADD CONSTRAINT "FK_a216a1d5f921f0a8e7fb4a6e67e" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "mailed_tokens" DROP CONSTRAINT "FK_a216a1d5f921f0a8e7fb4a6e67e"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_229bd47c49e5723d8e447c39e2"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_3448dae5595a2121952da9f932"
        `);
        await queryRunner.query(`
            DROP TABLE "mailed_tokens"
        `);
    }

}
