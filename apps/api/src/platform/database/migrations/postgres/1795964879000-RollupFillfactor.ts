import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every rollup flush updates each active series' current minute, hour and day bucket in place. With free room on
 * the page PostgreSQL updates them as heap-only tuples (no new index entry, less WAL): measured ~35 % less server
 * CPU per merge (20 → 13 µs per row). Hour and day buckets are updated all their life, minutes only for a minute,
 * and the minute table is the large one. Applies to pages written from now on.
 */
export class RollupFillfactor1795964879000 implements MigrationInterface {
  name = 'RollupFillfactor1795964879000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "rollup_1m" SET (fillfactor = 70)`);
    await q.query(`ALTER TABLE "rollup_1h" SET (fillfactor = 50)`);
    await q.query(`ALTER TABLE "rollup_1d" SET (fillfactor = 50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const step of ['1m', '1h', '1d']) await q.query(`ALTER TABLE "rollup_${step}" RESET (fillfactor)`);
  }
}
