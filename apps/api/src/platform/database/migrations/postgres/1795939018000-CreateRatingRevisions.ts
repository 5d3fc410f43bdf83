import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rating revisions (late data changed a closed period's rating) and the baselines they are detected against. */
export class CreateRatingRevisions1795939018000 implements MigrationInterface {
  name = 'CreateRatingRevisions1795939018000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "rating_revisions" ("id" SERIAL NOT NULL, "site_id" integer NOT NULL, "year" integer NOT NULL, "month" integer, "previous_pue" double precision, "pue" double precision, "previous_status" character varying(20) NOT NULL, "status" character varying(20) NOT NULL, "revised_at" bigint NOT NULL, "reason" character varying(500) NOT NULL, CONSTRAINT "pk_rating_revisions" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_rating_revisions_site_year" ON "rating_revisions" ("site_id", "year")`);
    await q.query(
      `CREATE TABLE "rating_baselines" ("site_id" integer NOT NULL, "year" integer NOT NULL, "month" integer NOT NULL, "pue" double precision, "status" character varying(20) NOT NULL, "facility_kwh" double precision NOT NULL, "it_kwh" double precision NOT NULL, "coverage" double precision NOT NULL, "computed_at" bigint NOT NULL, CONSTRAINT "pk_rating_baselines" PRIMARY KEY ("site_id", "year", "month"))`,
    );
    await q.query(
      `ALTER TABLE "rating_revisions" ADD CONSTRAINT "fk_rating_revisions_site" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "rating_baselines" ADD CONSTRAINT "fk_rating_baselines_site" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "rating_baselines"');
    await q.query('DROP TABLE "rating_revisions"');
  }
}
