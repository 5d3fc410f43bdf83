import { REPLACEMENT_MAX_RATIO } from './rollup-math';
import { PACKED_MERGE, PACKED_REF } from './telemetry-store';

// The row layout of MinutePartials' table and the arithmetic on a row's aggregate, shared by the table
// (minute-partials.ts) and its drain (minute-drain.ts).

/**
 * Table row: seriesId, minute, siteId, then the aggregate (the packed merge's fields after its ref, same order).
 * The ref's end, hour and local day follow from the minute and site, so they are derived at drain rather than held
 * for every partial: at a 200,000-partial flush that is 8 MB less.
 */
export const R = 3 + PACKED_MERGE - PACKED_REF;
export const BUCKET = 1;
export const SITE = 2;
/** Where the aggregate starts in a table row. */
export const AGG = 3;
// Aggregate fields, relative to the aggregate's start (AGG in a table row, PACKED_REF in a packed merge).
export const COUNT = 0;
export const SUM = 1;
export const MIN = 2;
export const MAX = 3;
export const FIRST = 4;
export const FIRST_TS = 5;
export const LAST = 6;
export const LAST_TS = 7;
export const INCREASE = 8;
export const RESETS = 9;
export const GLITCH_DROP = 10;
export const AGG_FIELDS = PACKED_MERGE - PACKED_REF;

export const MINUTE = 60_000;

export interface LocalDay {
  start: number;
  end: number;
}

/**
 * Adds the counter step from `prev` to `next` to the aggregate at `o` (rollup-math's counterStep, without an object per
 * sample): a fall to at most a tenth is a meter replacement (the step is the new value), a smaller one a glitch
 * (a negative step, its size added to the glitch drop).
 */
export function addStep(a: Float64Array, o: number, prev: number, next: number): void {
  if (next >= prev) a[o + INCREASE] = a[o + INCREASE]! + (next - prev);
  else if (next <= prev * REPLACEMENT_MAX_RATIO) {
    a[o + INCREASE] = a[o + INCREASE]! + next;
    a[o + RESETS] = a[o + RESETS]! + 1;
  } else {
    a[o + INCREASE] = a[o + INCREASE]! + (next - prev);
    a[o + GLITCH_DROP] = a[o + GLITCH_DROP]! + (prev - next);
  }
}

/** Folds `late` (aggregate at `lo` of b) into the aggregate at `eo` of a, `late` being wholly after it in time. */
export function foldAfter(a: Float64Array, eo: number, b: Float64Array, lo: number): void {
  // The same order of additions as rollup-math's combine: early + late, then the step between them.
  a[eo + INCREASE] = a[eo + INCREASE]! + b[lo + INCREASE]!;
  addStep(a, eo, a[eo + LAST]!, b[lo + FIRST]!);
  a[eo + RESETS] = a[eo + RESETS]! + b[lo + RESETS]!;
  a[eo + GLITCH_DROP] = a[eo + GLITCH_DROP]! + b[lo + GLITCH_DROP]!;
  a[eo + COUNT] = a[eo + COUNT]! + b[lo + COUNT]!;
  a[eo + SUM] = a[eo + SUM]! + b[lo + SUM]!;
  if (b[lo + MIN]! < a[eo + MIN]!) a[eo + MIN] = b[lo + MIN]!;
  if (b[lo + MAX]! > a[eo + MAX]!) a[eo + MAX] = b[lo + MAX]!;
  a[eo + LAST] = b[lo + LAST]!;
  a[eo + LAST_TS] = b[lo + LAST_TS]!;
}

export function copyRow(src: Float64Array, from: number, dst: Float64Array, to: number, n: number): void {
  for (let k = 0; k < n; k++) dst[to + k] = src[from + k]!;
}
