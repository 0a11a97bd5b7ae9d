import { MigrationInterface, QueryRunner } from "typeorm";

export class DeviceTokens1796188929734 implements MigrationInterface {
    name = 'DeviceTokens1796188929734'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "device_tokens" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "token_hash" character varying(64) NOT NULL,
                "user_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_84700be257607cfb1f9dc2e52c3" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_5c9204ea7007b8cc9ba8553497" ON "device_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_17e1f528b993c6d55def4cf5be" ON "device_tokens" ("user_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "device_tokens"
            ADD CONSTRAINT "FK_17e1f528b993c6d55def4cf5bea" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "device_tokens" DROP CONSTRAINT "FK_17e1f528b993c6d55def4cf5bea"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_17e1f528b993c6d55def4cf5be"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_5c9204ea7007b8cc9ba8553497"
        `);
        await queryRunner.query(`
            DROP TABLE "device_tokens"
        `);
    }

}
