import { MigrationInterface, QueryRunner } from "typeorm";

export class CredentialVersion1796188715272 implements MigrationInterface {
    name = 'CredentialVersion1796188715272'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "credential_version" integer NOT NULL DEFAULT '0'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "credential_version"
        `);
    }

}
