import { MigrationInterface, QueryRunner } from "typeorm";

export class SessionsRevocationsAudit1795893224088 implements MigrationInterface {
    name = 'SessionsRevocationsAudit1795893224088'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "type" character varying(32) NOT NULL,
                "user_id" character varying(36),
                "actor_id" character varying(36),
                "session_id" character varying(36),
                "ip" character varying(64),
                "user_agent" character varying(512),
                "details" text,
                "created_at" TIMESTAMP NOT NULL DEFAULT now(),
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
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
                "kind" character varying(16) NOT NULL,
                "target_id" character varying(36) NOT NULL,
                "revoked_at" TIMESTAMP NOT NULL,
                "expires_at" TIMESTAMP NOT NULL,
                CONSTRAINT "PK_b6f43ce4ab871f0761af8df45d5" PRIMARY KEY ("kind", "target_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_80c24fc0bf7f27650c67ca6828" ON "revocations" ("expires_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "signing_keys"
            ALTER COLUMN "created_at" DROP DEFAULT
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "signing_keys"
            ALTER COLUMN "created_at"
            SET DEFAULT now()
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_80c24fc0bf7f27650c67ca6828"
        `);
        await queryRunner.query(`
            DROP TABLE "revocations"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_7287743eba71c4f62ee4136532"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_fbb1ebf51c49ac3111bc1a0057"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_497bb4f7c4c55db9749616cd2a"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
    }

}
