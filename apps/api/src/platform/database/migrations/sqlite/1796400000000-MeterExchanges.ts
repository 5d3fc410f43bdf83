import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recorded meter exchanges (docs/contract.md, "Counters that fall"): the old meter's final reading and the new one's first,
 * at a time, per energy or water counter of a site. Ratings count the step across an exchange from these instead
 * of guessing with the meter rule.
 */
export class MeterExchanges1796400000000 implements MigrationInterface {
  name = 'MeterExchanges1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "meter_exchanges" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "site_id" integer NOT NULL, "metric" varchar(64) NOT NULL, "at" bigint NOT NULL, "old_final" double precision NOT NULL, "new_initial" double precision NOT NULL, "recorded_at" bigint NOT NULL, "recorded_by" varchar(64) NOT NULL, "note" varchar(500), CONSTRAINT "fk_meter_exchanges_site" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_meter_exchanges_site" ON "meter_exchanges" ("site_id", "at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "ix_meter_exchanges_site"');
    await q.query('DROP TABLE "meter_exchanges"');
  }
}
