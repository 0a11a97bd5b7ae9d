import { MigrationInterface, QueryRunner } from "typeorm";

export class TwoFactor1796219487636 implements MigrationInterface {
    name = 'TwoFactor1796219487636'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "mfa_challenges" (
                "id" uuid NOT NULL,
                "token_hash" character varying(64) NOT NULL,
                "user_id" uuid NOT NULL,
                "credential_version" integer NOT NULL,
                "trusted_device" boolean NOT NULL,
                "tries_left" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_25d85a6da62620267e003fb4da4" PRIMARY KEY ("id")
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
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "user_id" uuid NOT NULL,
                "code_hash" character varying(64) NOT NULL,
                CONSTRAINT "PK_0723b9e53961e799027d7f7ba32" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_fb82b2ac740ca095b617afad03" ON "recovery_codes" ("user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "totp_factors" (
                "user_id" uuid NOT NULL,
                "secret_id" uuid NOT NULL,
                "sealed_secret" character varying(255) NOT NULL,
                "last_used_step" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_eded11141800ddff9dfbd017fd2" PRIMARY KEY ("user_id")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "mfa_enabled" boolean NOT NULL DEFAULT false
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD "amr" text NOT NULL DEFAULT 'pwd'
        `);
        await queryRunner.query(`
            ALTER TABLE "mfa_challenges"
            ADD CONSTRAINT "FK_1715663f6483821e6af6132b35b" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "recovery_codes"
            ADD CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "totp_factors"
            ADD CONSTRAINT "FK_eded11141800ddff9dfbd017fd2" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "totp_factors" DROP CONSTRAINT "FK_eded11141800ddff9dfbd017fd2"
        `);
        await queryRunner.query(`
            ALTER TABLE "recovery_codes" DROP CONSTRAINT "FK_fb82b2ac740ca095b617afad031"
        `);
        await queryRunner.query(`
            ALTER TABLE "mfa_challenges" DROP CONSTRAINT "FK_1715663f6483821e6af6132b35b"
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP COLUMN "amr"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "mfa_enabled"
        `);
        await queryRunner.query(`
            DROP TABLE "totp_factors"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_fb82b2ac740ca095b617afad03"
        `);
        await queryRunner.query(`
            DROP TABLE "recovery_codes"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_1715663f6483821e6af6132b35"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_cf5f2cdf8d418c02661b06a931"
        `);
        await queryRunner.query(`
            DROP TABLE "mfa_challenges"
        `);
    }

}
