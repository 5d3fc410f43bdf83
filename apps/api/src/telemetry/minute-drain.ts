import * as layout from './minute-row';
import type { LocalDay } from './minute-row';
import { PACKED_MERGE, PACKED_REF, type LevelFlush } from './telemetry-store';

// Local bindings of the row layout: an imported name compiles (CommonJS) to a getter call at every use, and the
// drain's loops walk every row.
const { AGG, AGG_FIELDS, BUCKET, MINUTE, R, SITE, copyRow, foldAfter } = layout;

const S = PACKED_MERGE;
const HOUR_MS = 3_600_000;

/** Packed levels under construction: merges and refs to recompute, sized exactly beforehand. */
export class LevelOut {
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
   * A bucket as a merge (its ref, then the aggregate at `agg` of `src`) or, when not mergeable, as a ref to
   * recompute. Written field by field: a `subarray` per row was a view object per bucket, most of a flush's garbage.
   */
  put(
    seriesId: number,
    bucket: number,
    end: number,
    hour: number,
    day: number,
    dayEnd: number,
    src: Float64Array,
    agg: number,
    mergeable: boolean,
  ): void {
    const a = mergeable ? this.merges : this.recompute;
    const o = mergeable ? this.m : this.r;
    a[o] = seriesId;
    a[o + 1] = bucket;
    a[o + 2] = end;
    a[o + 3] = hour;
    a[o + 4] = day;
    a[o + 5] = dayEnd;
    if (mergeable) {
      copyRow(src, agg, a, o + PACKED_REF, AGG_FIELDS);
      this.m += S;
    } else this.r += PACKED_REF;
  }
}

/** One drain's rows in (series, minute) order with their parents, walked in slices by MinutePartials' drain. */
export class Drain {
  /** Parents of each row, in drained order: hour, local day start and end. */
  readonly hour: Float64Array;
  readonly day: Float64Array;
  readonly dayEnd: Float64Array;
  exactRows = 0;

  constructor(
    private readonly rows: Float64Array,
    private readonly ordered: Uint8Array,
    private readonly order: Int32Array,
  ) {
    const n = order.length;
    this.hour = new Float64Array(n);
    this.day = new Float64Array(n);
    this.dayEnd = new Float64Array(n);
  }

  private exact(i: number): boolean {
    return this.ordered[this.order[i]!] === 1;
  }

  private seriesAt(i: number): number {
    return this.rows[this.order[i]! * R]!;
  }

  /** Rows [i, j) of one series and one parent (hour or day): the end of the group starting at i. */
  private groupEnd(parent: Float64Array, i: number): number {
    const n = this.order.length;
    let j = i + 1;
    while (j < n && this.seriesAt(j) === this.seriesAt(i) && parent[j] === parent[i]) j++;
    return j;
  }

  parents(from: number, to: number, dayAt: (site: number, minute: number) => LocalDay): void {
    const rows = this.rows;
    for (let i = from; i < to; i++) {
      const o = this.order[i]! * R;
      const minute = rows[o + BUCKET]!;
      const d = dayAt(rows[o + SITE]!, minute);
      this.hour[i] = minute - (minute % HOUR_MS);
      this.day[i] = d.start;
      this.dayEnd[i] = d.end;
      if (this.exact(i)) this.exactRows++;
    }
  }

  minutes(out: LevelOut, from: number, to: number): void {
    const rows = this.rows;
    for (let i = from; i < to; i++) {
      const o = this.order[i]! * R;
      const minute = rows[o + BUCKET]!;
      out.put(
        rows[o]!,
        minute,
        minute + MINUTE,
        this.hour[i]!,
        this.day[i]!,
        this.dayEnd[i]!,
        rows,
        o + AGG,
        this.exact(i),
      );
    }
  }

  /** How many parents are exact (every minute in time order) and how many are not. */
  count(parent: Float64Array): [number, number] {
    const c: [number, number] = [0, 0];
    const n = this.order.length;
    for (let i = 0; i < n;) {
      const j = this.groupEnd(parent, i);
      let ok = true;
      for (let k = i; k < j && ok; k++) ok = this.exact(k);
      c[ok ? 0 : 1]++;
      i = j;
    }
    return c;
  }

  /** Folds the groups starting in [from, limit) into their parents; returns where the next group starts. */
  rollUp(parent: Float64Array, out: LevelOut, from: number, limit: number): number {
    const rows = this.rows;
    const n = this.order.length;
    const acc = new Float64Array(AGG_FIELDS);
    let i = from;
    while (i < n && i < limit) {
      const j = this.groupEnd(parent, i);
      copyRow(rows, this.order[i]! * R + AGG, acc, 0, AGG_FIELDS);
      let ok = this.exact(i);
      for (let k = i + 1; k < j; k++) {
        if (!this.exact(k)) ok = false;
        else if (ok) foldAfter(acc, 0, rows, this.order[k]! * R + AGG);
      }
      // Parents belong to 1m refs only.
      const end = parent === this.hour ? parent[i]! + HOUR_MS : this.dayEnd[i]!;
      out.put(this.seriesAt(i), parent[i]!, end, NaN, NaN, NaN, acc, 0, ok);
      i = j;
    }
    return i;
  }
}

/** Packed refs sorted by series id (then bucket), so a drain hands each to the slice of its series. */
export function refsBySeries(refs: Float64Array | undefined): Float64Array {
  if (!refs || refs.length === 0) return new Float64Array(0);
  const n = refs.length / PACKED_REF;
  const order = Array.from({ length: n }, (_, i) => i * PACKED_REF).sort(
    (a, b) => refs[a]! - refs[b]! || refs[a + 1]! - refs[b + 1]!,
  );
  const out = new Float64Array(refs.length);
  order.forEach((o, i) => copyRow(refs, o, out, i * PACKED_REF, PACKED_REF));
  return out;
}

/** The slices of a drain joined into whole 1m, 1h and 1d levels. */
export function joinLevels(slices: readonly LevelFlush[][]): LevelFlush[] {
  return (['1m', '1h', '1d'] as const).map((step, l) => {
    const join = (pick: (x: LevelFlush) => Float64Array) => {
      const parts = slices.map((s) => pick(s[l]!));
      const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    };
    return { step, merges: join((x) => x.merges), recompute: join((x) => x.recompute) };
  });
}
