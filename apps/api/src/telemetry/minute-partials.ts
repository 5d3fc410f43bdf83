import { Drain, LevelOut, joinLevels, refsBySeries } from './minute-drain';
import * as layout from './minute-row';
import type { LocalDay } from './minute-row';
import { PACKED_REF, type LevelFlush } from './telemetry-store';

// Local bindings of the row layout: an imported name compiles (CommonJS) to a getter call at every use, and add()
// runs once per sample.
const { R, BUCKET, SITE, AGG, COUNT, SUM, MIN, MAX, FIRST, FIRST_TS, LAST, LAST_TS, INCREASE, RESETS } =
  layout;
const { GLITCH_DROP, MINUTE, addStep } = layout;

const INITIAL_ROWS = 4_096;
/** Minute rows per slice of a drain (rounded up to a whole series): a few ms of main-thread work per step. */
const DRAIN_SLICE = 16_384;
/** Minutes per series-id step in minuteKey. */
const KEY_MINUTES = 67_108_864;

/**
 * Numeric key for (series, minute): cheaper than a string per sample. 2^26 minutes reach 2097 and 2^27 series ids
 * stay below 2^53.
 */
export function minuteKey(seriesId: number, bucket: number): number {
  return seriesId * KEY_MINUTES + Math.floor(bucket / MINUTE);
}

/**
 * The in-memory 1-minute partial aggregates between two rollup flushes, as rows of one Float64Array in the packed
 * merge layout (telemetry-store.ts, PACKED_MERGE). At 50,000 series a flush holds a few 10⁵ partials: as objects
 * they were ~300 B each plus a boxed number per double field, the largest part of the API's live heap and most of
 * its garbage; as rows they are 128 B, outside the V8 heap, and a flush copies them out without building objects.
 */
export class MinutePartials {
  private rows = new Float64Array(INITIAL_ROWS * R);
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
  /** While a sliced drain runs: the table that takes new samples, whose rows come back when the drain ends. */
  private overflow: MinutePartials | undefined;
  private spare: MinutePartials | undefined;

  /**
   * `dayOf`: the site-local day of a minute. `softMax`: the size at which the owner starts a flush; the table grows
   * to a little above it rather than doubling past it (at 200,000 partials a doubling would hold 60 MB for 131,073).
   */
  constructor(
    private readonly dayOf: (siteId: number, minute: number) => LocalDay,
    private readonly softMax = Infinity,
  ) {}

  get size(): number {
    return this.count + (this.overflow?.size ?? 0);
  }

  /** Adds a sample. A sample inside its minute's time range so far only makes that minute be recomputed. */
  add(siteId: number, seriesId: number, ts: number, value: number): void {
    if (this.overflow) {
      this.overflow.add(siteId, seriesId, ts, value);
      return;
    }
    const minute = ts - (ts % MINUTE);
    const rows = this.rows;
    let row = seriesId < this.lastRow.length ? this.lastRow[seriesId]! - 1 : -1;
    if (row < 0 || rows[row * R + BUCKET] !== minute) {
      const found = this.find(seriesId, minute);
      if (found < 0) {
        this.create(siteId, seriesId, minute, ts, value);
        return;
      }
      row = found;
      this.remember(seriesId, row);
    }
    const o = row * R + AGG;
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

  /** Newest timestamp held for a series' minute, or -Infinity (rows being drained count until the drain ends). */
  lastTs(seriesId: number, minute: number): number {
    const row = this.find(seriesId, minute);
    const own = row < 0 ? -Infinity : this.rows[row * R + AGG + LAST_TS]!;
    return this.overflow ? Math.max(own, this.overflow.lastTs(seriesId, minute)) : own;
  }

  /**
   * Everything held, as the 1m, 1h and 1d levels of a flush, then empties the table. Rows go out in (series,
   * minute) order, so a series' minutes of one hour (or local day) are adjacent and fold into their parent in one
   * pass; a parent with any out-of-order minute is recomputed instead. `minuteRefs`: further 1m buckets to recompute
   * (packed refs with parents).
   */
  drain(minuteRefs?: Float64Array): LevelFlush[] {
    if (this.overflow) throw new Error('MinutePartials: a drain is already running');
    const slices: LevelFlush[][] = [];
    try {
      for (const step of this.drainSteps(minuteRefs)) if (step) slices.push(step);
    } finally {
      this.reset();
    }
    return joinLevels(slices);
  }

  /**
   * `drain` as a stream of slices of whole series (ascending ids, ~DRAIN_SLICE minutes each; `minuteRefs` go with
   * their series' slice), built one at a time as the consumer asks, with `pause()` between a slice's steps so the
   * event loop keeps serving requests. Drained whole, a 200,000-partial flush held its levels (~42 MB) until the
   * writer had merged the last bucket; now at most the slice being built and the one being written.
   *
   * Samples added meanwhile go to a side table, held for the next flush: the rows being drained stay visible to
   * `lastTs` until the stream is closed, and a sample is never drained by a flush whose receipts do not include its
   * batch. `close()` (idempotent, also run when the stream ends or is abandoned) empties this table and takes the side
   * table's rows over by swapping the two, so no row is copied. Call it however the flush ends: rows not drained by
   * a failed flush are dropped, their batches are repaired from the raw samples.
   */
  drainSlices(
    minuteRefs: Float64Array | undefined,
    pause: () => Promise<void>,
  ): AsyncIterable<LevelFlush[]> & { close(): void } {
    if (this.overflow) throw new Error('MinutePartials: a drain is already running');
    const side = (this.spare ??= new MinutePartials(this.dayOf, this.softMax));
    this.overflow = side;
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      this.overflow = undefined;
      this.reset();
      this.swapRows(side);
    };
    const steps = this.drainSteps(minuteRefs);
    async function* stream(): AsyncGenerator<LevelFlush[]> {
      try {
        for (const step of steps) {
          if (!open) return;
          if (step) yield step;
          else await pause();
        }
      } finally {
        close();
      }
    }
    return Object.assign(stream(), { close });
  }

  /** Slices of whole series as LevelFlush triples, with `undefined` where the caller may pause. */
  private *drainSteps(minuteRefs?: Float64Array): Generator<LevelFlush[] | undefined, void> {
    const n = this.count;
    const rows = this.rows;
    const order = this.sortedRows();
    const extra = refsBySeries(minuteRefs);
    const extraCount = extra.length / PACKED_REF;
    yield;
    // Each site's days seen in this drain: in (series, minute) order a site's series each walk the same few days
    // again, and one cached day per site (dayOf's own cache) would miss at every day boundary of every series.
    const seen = new Map<number, LocalDay[]>();
    const dayAt = (site: number, minute: number): LocalDay => {
      let list = seen.get(site);
      if (!list) seen.set(site, (list = []));
      for (const x of list) if (minute >= x.start && minute < x.end) return x;
      const x = this.dayOf(site, minute);
      list.push(x);
      return x;
    };
    const seriesAt = (k: number) => rows[order[k]! * R]!;
    for (let i = 0, e = 0; i < n || e < extraCount;) {
      // A slice ends with a series: its minutes, hours and days are all in it (the store relies on that).
      let j = Math.min(n, i + DRAIN_SLICE);
      while (j < n && seriesAt(j) === seriesAt(j - 1)) j++;
      const lastSeries = j < n ? seriesAt(j - 1) : Infinity;
      let f = e;
      while (f < extraCount && extra[f * PACKED_REF]! <= lastSeries) f++;
      const d = new Drain(rows, this.ordered, order.subarray(i, j));
      d.parents(0, j - i, dayAt);
      yield;
      const minutes = new LevelOut(
        d.exactRows,
        j - i - d.exactRows,
        extra.subarray(e * PACKED_REF, f * PACKED_REF),
      );
      d.minutes(minutes, 0, j - i);
      yield;
      const levels = [minutes];
      for (const parent of [d.hour, d.day]) {
        const [exact, inexact] = d.count(parent);
        const out = new LevelOut(exact, inexact);
        d.rollUp(parent, out, 0, j - i);
        levels.push(out);
      }
      const [m, h, dd] = levels as [LevelOut, LevelOut, LevelOut];
      yield [
        { step: '1m', merges: m.merges, recompute: m.recompute },
        { step: '1h', merges: h.merges, recompute: h.recompute },
        { step: '1d', merges: dd.merges, recompute: dd.recompute },
      ];
      i = j;
      e = f;
    }
  }

  /**
   * Row numbers in (series, minute) order: counted out by series id (ids are dense: the table already holds an
   * array indexed by them), then each series' few minutes put in order — mostly already so.
   */
  private sortedRows(): Int32Array {
    const rows = this.rows;
    const n = this.count;
    let maxId = 0;
    for (let i = 0; i < n; i++) if (rows[i * R]! > maxId) maxId = rows[i * R]!;
    if (maxId > 4 * n + 65_536) {
      // Sparse ids (a few series of a long-lived fleet): a count per id would cost more than sorting.
      return Int32Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => rows[a * R]! - rows[b * R]! || rows[a * R + BUCKET]! - rows[b * R + BUCKET]!,
      );
    }
    const next = new Int32Array(maxId + 2);
    for (let i = 0; i < n; i++) next[rows[i * R]! + 1]!++;
    for (let s = 1; s < next.length; s++) next[s] = next[s]! + next[s - 1]!;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[next[rows[i * R]!]!++] = i;
    const minuteOf = (k: number) => rows[order[k]! * R + BUCKET]!;
    for (let i = 0; i < n;) {
      const seriesId = rows[order[i]! * R]!;
      let j = i + 1;
      let sorted = true;
      for (; j < n && rows[order[j]! * R] === seriesId; j++)
        if (minuteOf(j) < minuteOf(j - 1)) sorted = false;
      if (!sorted) order.subarray(i, j).sort((a, b) => rows[a * R + BUCKET]! - rows[b * R + BUCKET]!);
      i = j;
    }
    return order;
  }

  /** Exchanges this table's rows with `other`'s. */
  private swapRows(other: MinutePartials): void {
    [this.rows, other.rows] = [other.rows, this.rows];
    [this.ordered, other.ordered] = [other.ordered, this.ordered];
    [this.slots, other.slots] = [other.slots, this.slots];
    [this.lastRow, other.lastRow] = [other.lastRow, this.lastRow];
    [this.count, other.count] = [other.count, this.count];
  }

  private create(siteId: number, seriesId: number, minute: number, ts: number, value: number): void {
    if (this.count === this.ordered.length) this.grow();
    const row = this.count++;
    const r = this.rows;
    const o = row * R;
    r[o] = seriesId;
    r[o + BUCKET] = minute;
    r[o + SITE] = siteId;
    const a = o + AGG;
    r[a + COUNT] = 1;
    r[a + SUM] = value;
    r[a + MIN] = value;
    r[a + MAX] = value;
    r[a + FIRST] = value;
    r[a + FIRST_TS] = ts;
    r[a + LAST] = value;
    r[a + LAST_TS] = ts;
    r[a + INCREASE] = 0;
    r[a + RESETS] = 0;
    r[a + GLITCH_DROP] = 0;
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
      const o = (v - 1) * R;
      if (rows[o] === seriesId && rows[o + BUCKET] === minute) return v - 1;
    }
  }

  private insert(row: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.slotOf(this.rows[row * R]!, this.rows[row * R + BUCKET]!);
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

  /** Doubles the table, but stops a tenth above softMax (past it, while a flush runs, it grows by halves). */
  private grow(): void {
    const cap = this.ordered.length;
    const near = Math.ceil(this.softMax * 1.1);
    const wanted = cap < near ? Math.min(cap * 2, near) : Math.ceil(cap * 1.5);
    const rows = new Float64Array(wanted * R);
    rows.set(this.rows.subarray(0, this.count * R));
    const ordered = new Uint8Array(wanted);
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
      this.rows = new Float64Array(Math.max(INITIAL_ROWS, held * 2) * R);
      this.ordered = new Uint8Array(this.rows.length / R);
    }
    // Kept at its size while flushes stay alike, so the next one does not regrow it step by step.
    let slots = INITIAL_ROWS * 2;
    while (slots < held * 2) slots *= 2;
    if (this.slots.length > slots * 2) this.slots = new Int32Array(slots);
    else this.slots.fill(0);
  }
}
