import type { MigrationInterface, QueryRunner } from 'typeorm';

const DAY = 86_400_000;
const AGG = `"count" integer NOT NULL, "sum" double precision NOT NULL, "min" double precision NOT NULL, "max" double precision NOT NULL, "first" double precision NOT NULL, "first_ts" bigint NOT NULL, "last" double precision NOT NULL, "last_ts" bigint NOT NULL, "increase" double precision NOT NULL, "resets" integer NOT NULL, "series_id" integer NOT NULL, "bucket" bigint NOT NULL`;

function dayName(dayStart: number): string {
  return new Date(dayStart).toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * Telemetry storage v2 (docs/architecture.md, "Raw storage"): one row per committed batch (`raw_batches`), compacted
 * into per-series hourly chunks (`raw_chunks`), and time partitions for what retention removes: `raw_chunks` and
 * `rollup_1m` are partitioned by UTC day (a default partition takes data older than the partitions, e.g. late
 * backfills), so retention drops whole partitions. The one-row-per-sample table is kept as `samples_legacy`; the
 * background maintenance moves its rows into chunks and drops it when empty. The 1-minute rollups are copied into
 * the partitioned table here: they are a sixth of the samples and every read path needs them at once.
 */
export class ChunkedRawStorage1796000000000 implements MigrationInterface {
  name = 'ChunkedRawStorage1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "raw_batches" ("receipt_id" integer NOT NULL, "site_id" integer NOT NULL, "seq" bigint NOT NULL, "min_ts" bigint NOT NULL, "max_ts" bigint NOT NULL, "done_below" bigint NOT NULL DEFAULT 0, "samples" integer NOT NULL, "payload" bytea NOT NULL, CONSTRAINT "pk_raw_batches" PRIMARY KEY ("receipt_id"))`,
    );
    await q.query(`CREATE INDEX "ix_raw_batches_site_min" ON "raw_batches" ("site_id", "min_ts")`);
    await q.query(`CREATE INDEX "ix_raw_batches_site_max" ON "raw_batches" ("site_id", "max_ts")`);
    await q.query(`CREATE INDEX "ix_raw_batches_max" ON "raw_batches" ("max_ts")`);
    await q.query(
      `CREATE TABLE "raw_chunks" ("window_start" bigint NOT NULL, "series_id" integer NOT NULL, "samples" integer NOT NULL, "min_ts" bigint NOT NULL, "max_ts" bigint NOT NULL, "payload" bytea NOT NULL, CONSTRAINT "pk_raw_chunks" PRIMARY KEY ("window_start", "series_id")) PARTITION BY RANGE ("window_start")`,
    );
    await q.query(`CREATE TABLE "raw_chunks_default" PARTITION OF "raw_chunks" DEFAULT`);
    await q.query(`ALTER TABLE "samples" RENAME TO "samples_legacy"`);
    await q.query(`ALTER TABLE "samples_legacy" RENAME CONSTRAINT "pk_samples" TO "pk_samples_legacy"`);

    await q.query(`ALTER TABLE "rollup_1m" RENAME TO "rollup_1m_old"`);
    await q.query(`ALTER TABLE "rollup_1m_old" RENAME CONSTRAINT "pk_rollup_1m" TO "pk_rollup_1m_old"`);
    await q.query(
      `CREATE TABLE "rollup_1m" (${AGG}, CONSTRAINT "pk_rollup_1m" PRIMARY KEY ("series_id", "bucket")) PARTITION BY RANGE ("bucket")`,
    );
    await q.query(`CREATE TABLE "rollup_1m_default" PARTITION OF "rollup_1m" DEFAULT WITH (fillfactor = 70)`);
    // Day partitions for the last five weeks and the days ahead; older minutes land in the default partition.
    const today = Math.floor(Date.now() / DAY) * DAY;
    for (let d = today - 35 * DAY; d <= today + 3 * DAY; d += DAY) {
      for (const t of ['raw_chunks', 'rollup_1m']) {
        await q.query(
          `CREATE TABLE "${t}_p${dayName(d)}" PARTITION OF "${t}" FOR VALUES FROM (${d}) TO (${d + DAY})` +
            (t === 'rollup_1m' ? ' WITH (fillfactor = 70)' : ''),
        );
      }
    }
    await q.query(`INSERT INTO "rollup_1m" SELECT * FROM "rollup_1m_old"`);
    await q.query(`DROP TABLE "rollup_1m_old"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "rollup_1m" RENAME TO "rollup_1m_parts"`);
    await q.query(`ALTER TABLE "rollup_1m_parts" RENAME CONSTRAINT "pk_rollup_1m" TO "pk_rollup_1m_parts"`);
    await q.query(
      `CREATE TABLE "rollup_1m" (${AGG}, CONSTRAINT "pk_rollup_1m" PRIMARY KEY ("series_id", "bucket")) WITH (fillfactor = 70)`,
    );
    await q.query(`INSERT INTO "rollup_1m" SELECT * FROM "rollup_1m_parts"`);
    await q.query(`DROP TABLE "rollup_1m_parts"`);
    await q.query(`DROP TABLE "raw_chunks"`);
    await q.query(`DROP TABLE "raw_batches"`);
    const legacy = (await q.query(`SELECT to_regclass('samples_legacy') AS t`)) as { t: string | null }[];
    if (legacy[0]?.t) {
      await q.query(`ALTER TABLE "samples_legacy" RENAME TO "samples"`);
      await q.query(`ALTER TABLE "samples" RENAME CONSTRAINT "pk_samples_legacy" TO "pk_samples"`);
    } else {
      await q.query(
        `CREATE TABLE "samples" ("ts" bigint NOT NULL, "series_id" integer NOT NULL, "value" double precision NOT NULL, "ingested_at" bigint NOT NULL, "receipt_id" bigint NOT NULL, CONSTRAINT "pk_samples" PRIMARY KEY ("ts", "series_id"))`,
      );
    }
  }
}
