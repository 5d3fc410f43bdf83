import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counter readings that fall by less than 90 % are glitches, not meter replacements (docs/architecture.md,
 * "Counters: replacements and glitches"): each rollup bucket keeps how far its readings fell that way, for the
 * ratings' data-quality section. Buckets stored before keep 0 (a dip was then counted as a replacement).
 */
export class AddRollupGlitchDrop1796200000000 implements MigrationInterface {
  name = 'AddRollupGlitchDrop1796200000000';

  async up(q: QueryRunner): Promise<void> {
    for (const step of ['1m', '1h', '1d'])
      await q.query(
        `ALTER TABLE "rollup_${step}" ADD COLUMN "glitch_drop" double precision NOT NULL DEFAULT 0`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const step of ['1m', '1h', '1d'])
      await q.query(`ALTER TABLE "rollup_${step}" DROP COLUMN "glitch_drop"`);
  }
}
