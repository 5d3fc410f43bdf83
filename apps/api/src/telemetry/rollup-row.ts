import { REPLACEMENT_MAX_RATIO, type Agg } from './rollup-math';

/** Column list of the rollup tables' aggregates, in the order both stores bind them. */
export const AGG_COLS = 'count, sum, min, max, first, first_ts, last, last_ts, increase, resets, glitch_drop';

/** A rollup row as the drivers return it (snake_case columns). */
export interface AggRow {
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  first_ts: number;
  last: number;
  last_ts: number;
  increase: number;
  resets: number;
  glitch_drop: number;
}

export function rowToAgg(r: AggRow): Agg {
  return {
    count: r.count,
    sum: r.sum,
    min: r.min,
    max: r.max,
    first: r.first,
    firstTs: r.first_ts,
    last: r.last,
    lastTs: r.last_ts,
    increase: r.increase,
    resets: r.resets,
    glitchDrop: r.glitch_drop,
  };
}

/** How a dialect spells what the rollup merge needs: the incoming row, two-argument min and max, a test as 0/1. */
export interface MergeDialect {
  excluded: 'EXCLUDED' | 'excluded';
  least: 'LEAST' | 'MIN';
  greatest: 'GREATEST' | 'MAX';
  asInt: (test: string) => string;
}

/**
 * The ON CONFLICT clause that merges a partial into its stored bucket `r`, for both stores: rollup-math's `combine`
 * in SQL, so a change to the meter rule is made once. Rows whose time ranges overlap are left as they are (the
 * caller recomputes them). The text keeps each store's statement as it was, white space included.
 */
export function mergeOnConflict({ excluded: x, least, greatest, asInt }: MergeDialect): string {
  const ratio = REPLACEMENT_MAX_RATIO;
  return `ON CONFLICT (series_id, bucket) DO UPDATE SET
             count = r.count + ${x}.count,
             sum = r.sum + ${x}.sum,
             min = ${least}(r.min, ${x}.min),
             max = ${greatest}(r.max, ${x}.max),
             increase = r.increase + ${x}.increase + CASE WHEN ${x}.first_ts > r.last_ts
               THEN (CASE WHEN ${x}.first < r.last AND ${x}.first <= r.last * ${ratio}
                 THEN ${x}.first ELSE ${x}.first - r.last END)
               ELSE (CASE WHEN r.first < ${x}.last AND r.first <= ${x}.last * ${ratio}
                 THEN r.first ELSE r.first - ${x}.last END) END,
             resets = r.resets + ${x}.resets + ${asInt(`CASE WHEN ${x}.first_ts > r.last_ts
               THEN (${x}.first < r.last AND ${x}.first <= r.last * ${ratio})
               ELSE (r.first < ${x}.last AND r.first <= ${x}.last * ${ratio}) END`)},
             glitch_drop = r.glitch_drop + ${x}.glitch_drop + CASE WHEN ${x}.first_ts > r.last_ts
               THEN (CASE WHEN ${x}.first < r.last AND ${x}.first > r.last * ${ratio}
                 THEN r.last - ${x}.first ELSE 0 END)
               ELSE (CASE WHEN r.first < ${x}.last AND r.first > ${x}.last * ${ratio}
                 THEN ${x}.last - r.first ELSE 0 END) END,
             first = CASE WHEN ${x}.first_ts < r.first_ts THEN ${x}.first ELSE r.first END,
             first_ts = ${least}(r.first_ts, ${x}.first_ts),
             last = CASE WHEN ${x}.last_ts > r.last_ts THEN ${x}.last ELSE r.last END,
             last_ts = ${greatest}(r.last_ts, ${x}.last_ts)
           WHERE ${x}.first_ts > r.last_ts OR ${x}.last_ts < r.first_ts`;
}

export function aggParams(a: Agg): number[] {
  return [
    a.count,
    a.sum,
    a.min,
    a.max,
    a.first,
    a.firstTs,
    a.last,
    a.lastTs,
    a.increase,
    a.resets,
    a.glitchDrop,
  ];
}

/** Columns a chart reads, in the order of `RollupColumns`' arrays after series_id and bucket. */
export const CHART_COLS = 'series_id, bucket, count, sum, min, max, increase';

/**
 * Rollup rows for charts as columns (one entry per row, sorted by series then bucket): a year of hourly rows as
 * objects cost ~20 ms to build and to clone between threads; these cross as transferred buffers.
 */
export interface RollupColumns {
  length: number;
  seriesId: Int32Array;
  bucket: Float64Array;
  count: Float64Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
  increase: Float64Array;
}

/** Packs rows of `CHART_COLS` (as arrays, the drivers' raw mode) into columns. */
export function rollupColumns(rows: readonly (readonly (number | string)[])[]): RollupColumns {
  const n = rows.length;
  const c: RollupColumns = {
    length: n,
    seriesId: new Int32Array(n),
    bucket: new Float64Array(n),
    count: new Float64Array(n),
    sum: new Float64Array(n),
    min: new Float64Array(n),
    max: new Float64Array(n),
    increase: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    // PostgreSQL returns bigint columns as strings.
    c.seriesId[i] = Number(r[0]);
    c.bucket[i] = Number(r[1]);
    c.count[i] = Number(r[2]);
    c.sum[i] = Number(r[3]);
    c.min[i] = Number(r[4]);
    c.max[i] = Number(r[5]);
    c.increase[i] = Number(r[6]);
  }
  return c;
}

export function rollupColumnsTransfer(c: RollupColumns): ArrayBuffer[] {
  return [c.seriesId, c.bucket, c.count, c.sum, c.min, c.max, c.increase].map((a) => a.buffer as ArrayBuffer);
}
