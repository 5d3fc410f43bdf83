import { REPLACEMENT_MAX_RATIO } from './rollup-math';
import { PACKED_MERGE, PACKED_REF, type LevelFlush } from './telemetry-store';

/**
 * The in-memory 1-minute partial aggregates between two rollup flushes, as rows of one Float64Array in the packed
 * merge layout (telemetry-store.ts, PACKED_MERGE). At 50,000 series a flush holds a few 10⁵ partials: as objects
 * they were ~300 B each plus a boxed number per double field, the largest part of the API's live heap and most of
 * its garbage; as rows they are 128 B, outside the V8 heap, and a flush copies them out without building objects.
 */

const S = PACKED_MERGE;
// Row layout: the ref (seriesId, bucket, end, hour, day, dayEnd), then the aggregate.
const BUCKET = 1;
const END = 2;
const HOUR = 3;
const DAY = 4;
const DAY_END = 5;
const COUNT = PACKED_REF;
const SUM = COUNT + 1;
const MIN = COUNT + 2;
const MAX = COUNT + 3;
const FIRST = COUNT + 4;
const FIRST_TS = COUNT + 5;
const LAST = COUNT + 6;
const LAST_TS = COUNT + 7;
const INCREASE = COUNT + 8;
const RESETS = COUNT + 9;
const GLITCH_DROP = COUNT + 10;

const MINUTE = 60_000;
const HOUR_MS = 3_600_000;
const INITIAL_ROWS = 4_096;
/** Minutes per series-id step in minuteKey. */
const KEY_MINUTES = 67_108_864;

/**
 * Numeric key for (series, minute): cheaper than a string per sample. 2^26 minutes reach 2097 and 2^27 series ids
 * stay below 2^53.
 */
export function minuteKey(seriesId: number, bucket: number): number {
  return seriesId * KEY_MINUTES + Math.floor(bucket / MINUTE);
}

export interface LocalDay {
  start: number;
  end: number;
}

/**
 * Adds the counter step from `prev` to `next` to the row at `o` (rollup-math's counterStep, without an object per
 * sample): a fall to at most a tenth is a meter replacement (the step is the new value), a smaller one a glitch
 * (a negative step, its size added to the glitch drop).
 */
function addStep(a: Float64Array, o: number, prev: number, next: number): void {
  if (next >= prev) a[o + INCREASE] = a[o + INCREASE]! + (next - prev);
  else if (next <= prev * REPLACEMENT_MAX_RATIO) {
    a[o + INCREASE] = a[o + INCREASE]! + next;
    a[o + RESETS] = a[o + RESETS]! + 1;
  } else {
    a[o + INCREASE] = a[o + INCREASE]! + (next - prev);
    a[o + GLITCH_DROP] = a[o + GLITCH_DROP]! + (prev - next);
  }
}

/** Folds `late` (row `lo` of b) into the aggregate at row `eo` of a, `late` being wholly after it in time. */
function foldAfter(a: Float64Array, eo: number, b: Float64Array, lo: number): void {
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

function copyRow(src: Float64Array, from: number, dst: Float64Array, to: number, n: number): void {
  for (let k = 0; k < n; k++) dst[to + k] = src[from + k]!;
}

/** Packed levels under construction: merges and refs to recompute, sized exactly beforehand. */
class LevelOut {
  readonly merges: Float64Array;
  readonly recompute: Float64Array;
  private m = 0;
  private r = 0;

  constructor(merges: number, recompute: number, extraRefs?: Float64Array) {
    this.merges = new Float64Array(merges * S);
    this.recompute = new Float64Array(recompute * PACKED_REF + (extraRefs?.length ?? 0));
    if (extraRefs) {
      this.recompute.set(extraRefs);
      this.r = extraRefs.length;
    }
  }

  /**
   * Row `o` of `src` as a merge (whole row) or, when not mergeable, as a ref to recompute. Copied field by field:
   * a `subarray` per row was a view object per bucket, most of a flush's garbage.
   */
  put(src: Float64Array, o: number, mergeable: boolean): void {
    if (mergeable) {
      copyRow(src, o, this.merges, this.m, S);
      this.m += S;
    } else {
      copyRow(src, o, this.recompute, this.r, PACKED_REF);
      this.r += PACKED_REF;
    }
  }
}

export class MinutePartials {
  private rows = new Float64Array(INITIAL_ROWS * S);
  /** 1 while the row's samples arrived in time order around it (its aggregate is exact), else 0. */
  private ordered = new Uint8Array(INITIAL_ROWS);
  /**
   * Open-addressing hash of (series, minute) → 1 + row, 0 for an empty slot, linear probing, at most half full; the
   * key is read back from the row itself. A Map keyed by doubles boxed every key, and its backing store was regrown
   * from scratch after every flush: the main thread's largest source of garbage while ingesting.
   */
  private slots = new Int32Array(INITIAL_ROWS * 2);
  /**
   * Per series id, 1 + the row its last sample went to: consecutive samples of a series mostly share a minute,
   * and an array slot is much cheaper than hashing a key per sample.
   */
  private lastRow = new Int32Array(1_024);
  private count = 0;

  /** `dayOf`: the site-local day of a minute (its hour and day parents are fixed when the row is created). */
  constructor(private readonly dayOf: (siteId: number, minute: number) => LocalDay) {}

  get size(): number {
    return this.count;
  }

  /** Adds a sample. A sample inside its minute's time range so far only makes that minute be recomputed. */
  add(siteId: number, seriesId: number, ts: number, value: number): void {
    const minute = ts - (ts % MINUTE);
    const rows = this.rows;
    let row = seriesId < this.lastRow.length ? this.lastRow[seriesId]! - 1 : -1;
    if (row < 0 || rows[row * S + BUCKET] !== minute) {
      const found = this.find(seriesId, minute);
      if (found < 0) {
        this.create(siteId, seriesId, minute, ts, value);
        return;
      }
      row = found;
      this.remember(seriesId, row);
    }
    const o = row * S;
    if (ts > rows[o + LAST_TS]!) {
      addStep(rows, o, rows[o + LAST]!, value);
      rows[o + LAST] = value;
      rows[o + LAST_TS] = ts;
    } else if (ts < rows[o + FIRST_TS]!) {
      addStep(rows, o, value, rows[o + FIRST]!);
      rows[o + FIRST] = value;
      rows[o + FIRST_TS] = ts;
    } else {
      this.ordered[row] = 0; // recomputed from the raw samples at flush
      return;
    }
    rows[o + COUNT] = rows[o + COUNT]! + 1;
    rows[o + SUM] = rows[o + SUM]! + value;
    if (value < rows[o + MIN]!) rows[o + MIN] = value;
    if (value > rows[o + MAX]!) rows[o + MAX] = value;
  }

  /** Newest timestamp held for a series' minute, or -Infinity. */
  lastTs(seriesId: number, minute: number): number {
    const row = this.find(seriesId, minute);
    return row < 0 ? -Infinity : this.rows[row * S + LAST_TS]!;
  }

  /**
   * Everything held, as the 1m, 1h and 1d levels of a flush, then empties the table. Rows go out in (series,
   * minute) order, so a series' minutes of one hour (or local day) are adjacent and fold into their parent in one
   * pass; a parent with any out-of-order minute is recomputed instead. `minuteRefs`: further 1m buckets to recompute
   * (packed refs with parents).
   */
  drain(minuteRefs?: Float64Array): LevelFlush[] {
    const rows = this.rows;
    // Keys sort natively as doubles (no comparator call per pair); each sorted key finds its row again by hash.
    const keys = new Float64Array(this.count);
    for (let i = 0; i < keys.length; i++) keys[i] = minuteKey(rows[i * S]!, rows[i * S + BUCKET]!);
    keys.sort();
    const order = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const seriesId = Math.floor(keys[i]! / KEY_MINUTES);
      order[i] = this.find(seriesId, (keys[i]! - seriesId * KEY_MINUTES) * MINUTE);
    }
    const ordered = this.ordered;

    // First pass: how many rows each level gets, so every output is allocated once at its exact size.
    const counts = { m: [0, 0], h: [0, 0], d: [0, 0] };
    const groups = (col: number, c: number[]) => {
      let i = 0;
      while (i < order.length) {
        const o = order[i]! * S;
        let ok = ordered[order[i]!] === 1;
        let j = i + 1;
        while (
          j < order.length &&
          rows[order[j]! * S] === rows[o] &&
          rows[order[j]! * S + col] === rows[o + col]
        ) {
          if (ordered[order[j]!] !== 1) ok = false;
          j++;
        }
        c[ok ? 0 : 1]!++;
        i = j;
      }
    };
    for (const r of order) counts.m[ordered[r] === 1 ? 0 : 1]!++;
    groups(HOUR, counts.h);
    groups(DAY, counts.d);

    const minutes = new LevelOut(counts.m[0]!, counts.m[1]!, minuteRefs);
    for (const r of order) minutes.put(rows, r * S, ordered[r] === 1);
    const rollUp = (col: number, endCol: number, c: number[]) => {
      const out = new LevelOut(c[0]!, c[1]!);
      const acc = new Float64Array(S);
      let i = 0;
      while (i < order.length) {
        const first = order[i]!;
        copyRow(rows, first * S, acc, 0, S);
        acc[BUCKET] = rows[first * S + col]!;
        acc[END] = col === HOUR ? acc[BUCKET]! + HOUR_MS : rows[first * S + endCol]!;
        acc[HOUR] = acc[DAY] = acc[DAY_END] = NaN; // parents belong to 1m refs only
        let ok = ordered[first] === 1;
        let j = i + 1;
        for (; j < order.length; j++) {
          const o = order[j]! * S;
          if (rows[o] !== acc[0] || rows[o + col] !== acc[BUCKET]) break;
          if (ordered[order[j]!] !== 1) ok = false;
          else if (ok) foldAfter(acc, 0, rows, o);
        }
        out.put(acc, 0, ok);
        i = j;
      }
      return out;
    };
    const hours = rollUp(HOUR, END, counts.h);
    const days = rollUp(DAY, DAY_END, counts.d);
    this.reset();
    return [
      { step: '1m', merges: minutes.merges, recompute: minutes.recompute },
      { step: '1h', merges: hours.merges, recompute: hours.recompute },
      { step: '1d', merges: days.merges, recompute: days.recompute },
    ];
  }

  private create(siteId: number, seriesId: number, minute: number, ts: number, value: number): void {
    if (this.count === this.ordered.length) this.grow(this.count * 2);
    const row = this.count++;
    const o = row * S;
    const day = this.dayOf(siteId, minute);
    const r = this.rows;
    r[o] = seriesId;
    r[o + BUCKET] = minute;
    r[o + END] = minute + MINUTE;
    r[o + HOUR] = minute - (minute % HOUR_MS);
    r[o + DAY] = day.start;
    r[o + DAY_END] = day.end;
    r[o + COUNT] = 1;
    r[o + SUM] = value;
    r[o + MIN] = value;
    r[o + MAX] = value;
    r[o + FIRST] = value;
    r[o + FIRST_TS] = ts;
    r[o + LAST] = value;
    r[o + LAST_TS] = ts;
    r[o + INCREASE] = 0;
    r[o + RESETS] = 0;
    r[o + GLITCH_DROP] = 0;
    this.ordered[row] = 1;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.insert(row);
    this.remember(seriesId, row);
  }

  private slotOf(seriesId: number, minute: number): number {
    const h = Math.imul(seriesId, 0x9e3779b1) ^ Math.imul(minute / MINUTE, 0x85ebca77);
    return (h ^ (h >>> 15)) & (this.slots.length - 1);
  }

  /** The row of (series, minute), or -1. */
  private find(seriesId: number, minute: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const rows = this.rows;
    for (let i = this.slotOf(seriesId, minute); ; i = (i + 1) & mask) {
      const v = slots[i]!;
      if (v === 0) return -1;
      const o = (v - 1) * S;
      if (rows[o] === seriesId && rows[o + BUCKET] === minute) return v - 1;
    }
  }

  private insert(row: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.slotOf(this.rows[row * S]!, this.rows[row * S + BUCKET]!);
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = row + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let row = 0; row < this.count; row++) this.insert(row);
  }

  private remember(seriesId: number, row: number): void {
    if (seriesId >= this.lastRow.length) {
      let n = this.lastRow.length;
      while (n <= seriesId) n *= 2;
      const next = new Int32Array(n);
      next.set(this.lastRow);
      this.lastRow = next;
    }
    this.lastRow[seriesId] = row + 1;
  }

  private grow(rowsWanted: number): void {
    const rows = new Float64Array(rowsWanted * S);
    rows.set(this.rows.subarray(0, this.count * S));
    const ordered = new Uint8Array(rowsWanted);
    ordered.set(this.ordered.subarray(0, this.count));
    this.rows = rows;
    this.ordered = ordered;
  }

  /** Empties the table; a table grown far beyond what the last flush held gives the memory back. */
  private reset(): void {
    const held = this.count;
    this.count = 0;
    this.lastRow.fill(0);
    const capacity = this.ordered.length;
    if (capacity > INITIAL_ROWS && held < capacity / 4) {
      this.rows = new Float64Array(Math.max(INITIAL_ROWS, held * 2) * S);
      this.ordered = new Uint8Array(this.rows.length / S);
    }
    // Kept at its size while flushes stay alike, so the next one does not regrow it step by step.
    let slots = INITIAL_ROWS * 2;
    while (slots < held * 2) slots *= 2;
    if (this.slots.length > slots * 2) this.slots = new Int32Array(slots);
    else this.slots.fill(0);
  }
}
