import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Telemetry storage v2 (docs/architecture.md, "Raw storage"): one row per committed batch (`raw_batches`), compacted
 * into per-series hourly chunks (`raw_chunks`). The one-row-per-sample table is kept as `samples_legacy`; the
 * background maintenance moves its rows into chunks and drops it when empty, so the upgrade does not stall boot.
 */
export class ChunkedRawStorage1796000000000 implements MigrationInterface {
  name = 'ChunkedRawStorage1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "raw_batches" ("receipt_id" integer PRIMARY KEY NOT NULL, "site_id" integer NOT NULL, "seq" bigint NOT NULL, "min_ts" bigint NOT NULL, "max_ts" bigint NOT NULL, "done_below" bigint NOT NULL DEFAULT (0), "samples" integer NOT NULL, "payload" blob NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_raw_batches_site_min" ON "raw_batches" ("site_id", "min_ts")`);
    await q.query(`CREATE INDEX "ix_raw_batches_site_max" ON "raw_batches" ("site_id", "max_ts")`);
    await q.query(`CREATE INDEX "ix_raw_batches_max" ON "raw_batches" ("max_ts")`);
    await q.query(
      `CREATE TABLE "raw_chunks" ("window_start" bigint NOT NULL, "series_id" integer NOT NULL, "samples" integer NOT NULL, "min_ts" bigint NOT NULL, "max_ts" bigint NOT NULL, "payload" blob NOT NULL, PRIMARY KEY ("window_start", "series_id")) WITHOUT ROWID`,
    );
    await q.query(`ALTER TABLE "samples" RENAME TO "samples_legacy"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "raw_chunks"`);
    await q.query(`DROP TABLE "raw_batches"`);
    const legacy = (await q.query(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'samples_legacy'`,
    )) as unknown[];
    if (legacy.length) await q.query(`ALTER TABLE "samples_legacy" RENAME TO "samples"`);
    else
      await q.query(
        `CREATE TABLE "samples" ("ts" bigint NOT NULL, "series_id" integer NOT NULL, "value" double precision NOT NULL, "ingested_at" bigint NOT NULL, "receipt_id" bigint NOT NULL, PRIMARY KEY ("ts", "series_id")) WITHOUT ROWID`,
      );
  }
}
