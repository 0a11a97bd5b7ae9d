import { MigrationInterface, QueryRunner } from "typeorm";

export class SigningKeyNext1796190005681 implements MigrationInterface {
    name = 'SigningKeyNext1796190005681'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "signing_keys"
            ADD "activated_at" TIMESTAMP WITH TIME ZONE
        `);
        // Every key written before next keys existed has signed: it was activated when it was created.
        await queryRunner.query(`
            UPDATE "signing_keys" SET "activated_at" = "created_at"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "signing_keys" DROP COLUMN "activated_at"
        `);
    }

}
