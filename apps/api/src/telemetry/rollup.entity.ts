import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';

/**
 * A rollup bucket: aggregates of one series over [bucket, bucket + step). For 1-day buckets `bucket` is
 * local midnight of the site's time zone as an instant, so days have 23–25 h around DST changes.
 * `increase` is the reset-aware increase between consecutive samples inside the bucket; the step from the
 * previous bucket's last sample to this bucket's first is left to readers, who see both (first/last): the series
 * API spreads it pro rata over the time between the two readings (counter-increase.ts).
 */
abstract class RollupColumns {
  @Column({ name: 'count', type: 'integer' })
  count: number;

  @Column({ name: 'sum', type: 'double precision' })
  sum: number;

  @Column({ name: 'min', type: 'double precision' })
  min: number;

  @Column({ name: 'max', type: 'double precision' })
  max: number;

  @Column({ name: 'first', type: 'double precision' })
  first: number;

  @Column({ name: 'first_ts', type: 'bigint', transformer: epochMs })
  firstTs: number;

  @Column({ name: 'last', type: 'double precision' })
  last: number;

  @Column({ name: 'last_ts', type: 'bigint', transformer: epochMs })
  lastTs: number;

  @Column({ name: 'increase', type: 'double precision' })
  increase: number;

  @Column({ name: 'resets', type: 'integer' })
  resets: number;

  /** How far counter readings fell as glitches (not replacements), in the counter's unit. */
  @Column({ name: 'glitch_drop', type: 'double precision', default: 0 })
  glitchDrop: number;
}

@Entity({ name: 'rollup_1m', withoutRowid: true })
export class Rollup1mEntity extends RollupColumns {
  @PrimaryColumn({ name: 'series_id', type: 'integer', primaryKeyConstraintName: 'pk_rollup_1m' })
  seriesId: number;

  @PrimaryColumn({
    name: 'bucket',
    type: 'bigint',
    transformer: epochMs,
    primaryKeyConstraintName: 'pk_rollup_1m',
  })
  bucket: number;
}

@Entity({ name: 'rollup_1h', withoutRowid: true })
export class Rollup1hEntity extends RollupColumns {
  @PrimaryColumn({ name: 'series_id', type: 'integer', primaryKeyConstraintName: 'pk_rollup_1h' })
  seriesId: number;

  @PrimaryColumn({
    name: 'bucket',
    type: 'bigint',
    transformer: epochMs,
    primaryKeyConstraintName: 'pk_rollup_1h',
  })
  bucket: number;
}

@Entity({ name: 'rollup_1d', withoutRowid: true })
export class Rollup1dEntity extends RollupColumns {
  @PrimaryColumn({ name: 'series_id', type: 'integer', primaryKeyConstraintName: 'pk_rollup_1d' })
  seriesId: number;

  @PrimaryColumn({
    name: 'bucket',
    type: 'bigint',
    transformer: epochMs,
    primaryKeyConstraintName: 'pk_rollup_1d',
  })
  bucket: number;
}
