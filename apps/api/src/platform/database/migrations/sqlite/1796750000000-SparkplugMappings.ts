import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sparkplug B mappings (docs/contract.md, "Sparkplug B"): the site and metric names an edge node (device_id '') or
 * one of its devices writes. One row per (group, edge node, device).
 */
export class SparkplugMappings1796750000000 implements MigrationInterface {
  name = 'SparkplugMappings1796750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "sparkplug_mappings" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "group_id" varchar(100) NOT NULL, "edge_id" varchar(100) NOT NULL, "device_id" varchar(100) NOT NULL, "site_id" integer NOT NULL, "metrics" text NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(100) NOT NULL, CONSTRAINT "fk_sparkplug_mappings_site" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_sparkplug_mappings_key" ON "sparkplug_mappings" ("group_id", "edge_id", "device_id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "uq_sparkplug_mappings_key"');
    await q.query('DROP TABLE "sparkplug_mappings"');
  }
}
