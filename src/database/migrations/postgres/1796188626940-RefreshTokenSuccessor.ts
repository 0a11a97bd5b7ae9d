import { MigrationInterface, QueryRunner } from "typeorm";

export class RefreshTokenSuccessor1796188626940 implements MigrationInterface {
    name = 'RefreshTokenSuccessor1796188626940'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD "successor_sealed" text
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP COLUMN "successor_sealed"
        `);
    }

}
