import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A per-user session version, carried in every JWT: bumping it (password reset, role change, disable, "log out
 * everywhere") ends every session issued before, on every instance (README, "Security").
 */
export class AddUserTokenVersion1796100000000 implements MigrationInterface {
  name = 'AddUserTokenVersion1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD COLUMN "token_version" integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "token_version"`);
  }
}
