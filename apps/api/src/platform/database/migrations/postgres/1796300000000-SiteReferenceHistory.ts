import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SEED_EMISSION_FACTORS } from '../seed-emission-factors';

/**
 * Site reference data with history (docs/contract.md, "Reference data"): the fields ratings depend on, kept with the date
 * they take effect (existing sites get one entry in force since always), grid emission factors per region and
 * year (seeded with published values), each site's grid region, and the rating baselines' extra figures, so a
 * reference change that alters a served rating is recorded as a revision.
 */
export class SiteReferenceHistory1796300000000 implements MigrationInterface {
  name = 'SiteReferenceHistory1796300000000';

  async up(q: QueryRunner): Promise<void> {
    const now = Date.now();
    await q.query(`ALTER TABLE "sites" ADD COLUMN "grid_region" character varying(32)`);
    await q.query(
      `CREATE TABLE "site_reference" ("id" SERIAL NOT NULL, "site_id" integer NOT NULL, "effective_from" bigint NOT NULL, "racks" integer, "pue_category" integer NOT NULL, "grid_region" character varying(32), "grid_emission_factor" double precision, "green_certified_year" integer, "recorded_at" bigint NOT NULL, "recorded_by" character varying(64) NOT NULL, "reason" character varying(500), CONSTRAINT "pk_site_reference" PRIMARY KEY ("id"), CONSTRAINT "fk_site_reference_site" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_site_reference_site_from" ON "site_reference" ("site_id", "effective_from")`,
    );
    await q.query(
      `INSERT INTO "site_reference" ("site_id", "effective_from", "racks", "pue_category", "grid_region", "grid_emission_factor", "green_certified_year", "recorded_at", "recorded_by", "reason")
       SELECT "id", 0, "racks", "pue_category", NULL, "grid_emission_factor", "green_certified_year", ${now}, 'upgrade', 'values before reference history'
         FROM "sites"`,
    );
    await q.query(
      `CREATE TABLE "emission_factors" ("region" character varying(32) NOT NULL, "year" integer NOT NULL, "factor" double precision NOT NULL, "source" character varying(300) NOT NULL, "recorded_at" bigint NOT NULL, "recorded_by" character varying(64) NOT NULL, CONSTRAINT "pk_emission_factors" PRIMARY KEY ("region", "year"))`,
    );
    for (const f of SEED_EMISSION_FACTORS)
      await q.query(
        `INSERT INTO "emission_factors" ("region", "year", "factor", "source", "recorded_at", "recorded_by") VALUES ($1, $2, $3, $4, $5, 'seed')`,
        [f.region, f.year, f.factor, f.source, now],
      );
    await q.query(`ALTER TABLE "rating_baselines" ADD COLUMN "grade" character varying(20)`);
    await q.query(`ALTER TABLE "rating_baselines" ADD COLUMN "cue" double precision`);
    await q.query(`ALTER TABLE "rating_baselines" ADD COLUMN "reference" character varying(500)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['reference', 'cue', 'grade'])
      await q.query(`ALTER TABLE "rating_baselines" DROP COLUMN "${c}"`);
    await q.query('DROP TABLE "emission_factors"');
    await q.query('DROP INDEX "uq_site_reference_site_from"');
    await q.query('DROP TABLE "site_reference"');
    await q.query(`ALTER TABLE "sites" DROP COLUMN "grid_region"`);
  }
}
