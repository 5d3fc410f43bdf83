import type { Agg } from './rollup-math';

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
