import { MigrationInterface, QueryRunner } from "typeorm";

export class SigningKeyNext1796190003664 implements MigrationInterface {
    name = 'SigningKeyNext1796190003664'

    // Every key written before next keys existed has signed: it was activated when it was created.
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "temporary_signing_keys" (
                "kid" varchar(64) PRIMARY KEY NOT NULL,
                "algorithm" varchar(8) NOT NULL,
                "public_key" text,
                "encrypted_private_key" text NOT NULL,
                "created_at" datetime NOT NULL,
                "retired_at" datetime,
                "revoked_at" datetime,
                "activated_at" datetime
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_signing_keys"(
                    "kid",
                    "algorithm",
                    "public_key",
                    "encrypted_private_key",
                    "created_at",
                    "retired_at",
                    "revoked_at",
                    "activated_at"
                )
            SELECT "kid",
                "algorithm",
                "public_key",
                "encrypted_private_key",
                "created_at",
                "retired_at",
                "revoked_at",
                "created_at"
            FROM "signing_keys"
        `);
        await queryRunner.query(`
            DROP TABLE "signing_keys"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_signing_keys"
                RENAME TO "signing_keys"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "signing_keys"
                RENAME TO "temporary_signing_keys"
        `);
        await queryRunner.query(`
            CREATE TABLE "signing_keys" (
                "kid" varchar(64) PRIMARY KEY NOT NULL,
                "algorithm" varchar(8) NOT NULL,
                "public_key" text,
                "encrypted_private_key" text NOT NULL,
                "created_at" datetime NOT NULL,
                "retired_at" datetime,
                "revoked_at" datetime
            )
        `);
        await queryRunner.query(`
            INSERT INTO "signing_keys"(
                    "kid",
                    "algorithm",
                    "public_key",
                    "encrypted_private_key",
                    "created_at",
                    "retired_at",
                    "revoked_at"
                )
            SELECT "kid",
                "algorithm",
                "public_key",
                "encrypted_private_key",
                "created_at",
                "retired_at",
                "revoked_at"
            FROM "temporary_signing_keys"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_signing_keys"
        `);
    }

}
