import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chinese names (docs/contract.md, "Chinese names"): a site's and an organisation's own, and one shared list for the
 * region, hub and operator values sites carry as plain strings, so every site of a region shows the same name. All
 * optional: an upgraded instance shows its English names until an admin adds Chinese ones.
 */
export class ChineseNames1796900000000 implements MigrationInterface {
  name = 'ChineseNames1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sites" ADD COLUMN "name_zh" varchar(100)`);
    await q.query(`ALTER TABLE "organizations" ADD COLUMN "name_zh" varchar(100)`);
    await q.query(
      `CREATE TABLE "localized_names" ("kind" varchar(16) NOT NULL, "name" varchar(200) NOT NULL, "name_zh" varchar(100) NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(100) NOT NULL, PRIMARY KEY ("kind", "name"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "localized_names"');
    await q.query('ALTER TABLE "organizations" DROP COLUMN "name_zh"');
    await q.query('ALTER TABLE "sites" DROP COLUMN "name_zh"');
  }
}
