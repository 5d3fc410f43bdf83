import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recomputing one series' bucket (late, reordered or replaced samples) must not scan every series' samples
 * of that time range: at tens of thousands of samples/s a minute holds millions of rows.
 */
export class AddSamplesSeriesIndex1795942000000 implements MigrationInterface {
  name = 'AddSamplesSeriesIndex1795942000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_samples_series_ts" ON "samples" ("series_id", "ts")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_samples_series_ts"`);
  }
}
