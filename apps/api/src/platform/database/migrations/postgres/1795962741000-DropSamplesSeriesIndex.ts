import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest writes one index per sample, not two: the (series_id, ts) index cost ~25 % of ingest throughput (each
 * batch scatters one entry per series across it). Recomputing a minute now reads that minute of the primary key
 * once for all its series (see docs/architecture.md).
 */
export class DropSamplesSeriesIndex1795962741000 implements MigrationInterface {
  name = 'DropSamplesSeriesIndex1795962741000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_samples_series_ts"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_samples_series_ts" ON "samples" ("series_id", "ts")`);
  }
}
