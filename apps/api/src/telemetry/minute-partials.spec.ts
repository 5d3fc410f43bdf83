import { joinLevels } from './minute-drain';
import { MinutePartials } from './minute-partials';
import { addSample, single, type Agg } from './rollup-math';
import { PACKED_MERGE, PACKED_REF, packRefs, refAt, type LevelFlush } from './telemetry-store';

const MIN = 60_000;
const HOUR = 3_600_000;
// A fixed "local day" of 6 hours keeps several days in a short test; any day function works.
const DAY = 6 * HOUR;
const dayOf = (_site: number, t: number) => ({ start: t - (t % DAY), end: t - (t % DAY) + DAY });

function aggAt(a: Float64Array, o: number): Agg {
  const x = (k: number) => a[o + PACKED_REF + k]!;
  return {
    count: x(0),
    sum: x(1),
    min: x(2),
    max: x(3),
    first: x(4),
    firstTs: x(5),
    last: x(6),
    lastTs: x(7),
    increase: x(8),
    resets: x(9),
    glitchDrop: x(10),
  };
}

function merges(l: LevelFlush): [string, Agg][] {
  const out: [string, Agg][] = [];
  for (let o = 0; o < l.merges.length; o += PACKED_MERGE)
    out.push([`${l.merges[o]}:${l.merges[o + 1]}:${l.merges[o + 2]}`, aggAt(l.merges, o)]);
  return out;
}

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function refs(l: LevelFlush): string[] {
  const out: string[] = [];
  for (let o = 0; o < l.recompute.length; o += PACKED_REF) {
    const r = refAt(l.recompute, o);
    out.push(`${r.seriesId}:${r.bucket}:${r.end}`);
  }
  return out.sort();
}

/** The reference: per-bucket aggregates from rollup-math over the samples, in arrival order. */
function expected(samples: [number, number, number][], width: (t: number) => [number, number]) {
  const byBucket = new Map<string, { agg: Agg; ok: boolean }>();
  for (const [sid, t, v] of samples) {
    const [b, e] = width(t);
    const key = `${sid}:${b}:${e}`;
    const cur = byBucket.get(key);
    if (!cur) byBucket.set(key, { agg: single(t, v), ok: true });
    else if (!addSample(cur.agg, t, v)) cur.ok = false;
  }
  return byBucket;
}

describe('MinutePartials', () => {
  it('drains minutes, hours and days equal to rollup-math over the same samples, in (series, bucket) order', () => {
    const t0 = Date.UTC(2026, 11, 5, 3, 0, 0);
    const samples: [number, number, number][] = [];
    // Two gauges and a counter with a reset, 10 s apart over 13 hours (three 6-hour "days"), series interleaved.
    for (let k = 0; k < 13 * 360; k++) {
      const t = t0 + k * 10_000;
      samples.push([7, t, 20 + Math.sin(k / 7) * 3]);
      samples.push([3, t, 40 + ((k * 37) % 11) / 10]);
      samples.push([12, t, k === 2000 ? 5 : k > 2000 ? 5 + (k - 2000) * 0.5 : 100 + k * 0.5]);
    }
    const p = new MinutePartials(dayOf);
    for (const [sid, t, v] of samples) p.add(1, sid, t, v);
    expect(p.size).toBe(3 * 13 * 60);
    const [m, h, d] = p.drain();
    expect(p.size).toBe(0);

    const minutes = expected(samples, (t) => [t - (t % MIN), t - (t % MIN) + MIN]);
    const hours = expected(samples, (t) => [t - (t % HOUR), t - (t % HOUR) + HOUR]);
    const days = expected(samples, (t) => [dayOf(1, t).start, dayOf(1, t).end]);
    const sorted = (x: Map<string, { agg: Agg }>) =>
      [...x.entries()]
        .map(([k, v]) => [k, v.agg] as [string, Agg])
        .sort((a, b) => {
          const [as, ab] = a[0].split(':').map(Number);
          const [bs, bb] = b[0].split(':').map(Number);
          return as! - bs! || ab! - bb!;
        });
    expect(merges(m!)).toEqual(sorted(minutes));
    for (const [got, want] of [
      [merges(h!), sorted(hours)],
      [merges(d!), sorted(days)],
    ] as const) {
      expect(got.map((g) => g[0])).toEqual(want.map((w) => w[0]));
      got.forEach(([, a], i) => {
        const b = want[i]![1];
        // Sums of doubles in another order: equal to rounding.
        expect({ ...a, sum: 0, increase: 0, glitchDrop: 0 }).toEqual({
          ...b,
          sum: 0,
          increase: 0,
          glitchDrop: 0,
        });
        expect(a.sum).toBeCloseTo(b.sum, 6);
        expect(a.increase).toBeCloseTo(b.increase, 6);
        expect(a.glitchDrop).toBeCloseTo(b.glitchDrop, 6);
      });
    }
    expect(d!.merges.length / PACKED_MERGE).toBe(3 * 3);
    const counter = merges(h!).filter(([k]) => k.startsWith('12:'));
    expect(counter.reduce((n, [, a]) => n + a.resets, 0)).toBe(1);
    // 1m merges carry their parents; hour and day merges do not.
    expect(m!.merges[3]).toBe(t0 - (t0 % HOUR));
    expect(Number.isNaN(h!.merges[3])).toBe(true);
    expect([m, h, d].every((l) => l!.recompute.length === 0)).toBe(true);
  });

  it('turns a minute with a sample inside its range into a recompute, and its hour and day with it', () => {
    const t0 = Date.UTC(2026, 11, 5, 0, 0, 0);
    const p = new MinutePartials(dayOf);
    p.add(1, 5, t0 + 10_000, 1);
    p.add(1, 5, t0 + 50_000, 2);
    p.add(1, 5, t0 + 30_000, 3); // inside the minute's range so far
    p.add(1, 5, t0 + 5_000, 4); // before it: still exact
    p.add(1, 6, t0 + 5_000, 4);
    p.add(1, 5, t0 + HOUR + 1_000, 9); // another hour of the same day
    expect(p.lastTs(5, t0)).toBe(t0 + 50_000);
    const extra = packRefs([{ seriesId: 8, bucket: t0, end: t0 + MIN, hour: t0, day: t0, dayEnd: t0 + DAY }]);
    const [m, h, d] = p.drain(extra);
    expect(refs(m!)).toEqual([`5:${t0}:${t0 + MIN}`, `8:${t0}:${t0 + MIN}`]);
    expect(merges(m!).map((x) => x[0])).toEqual([`5:${t0 + HOUR}:${t0 + HOUR + MIN}`, `6:${t0}:${t0 + MIN}`]);
    expect(refs(h!)).toEqual([`5:${t0}:${t0 + HOUR}`]);
    expect(merges(h!).map((x) => x[0])).toEqual([`5:${t0 + HOUR}:${t0 + 2 * HOUR}`, `6:${t0}:${t0 + HOUR}`]);
    expect(refs(d!)).toEqual([`5:${t0}:${t0 + DAY}`]);
    expect(p.lastTs(5, t0)).toBe(-Infinity); // drained
  });

  it('grows past its initial size and starts empty again after a drain', () => {
    const p = new MinutePartials(dayOf);
    const t0 = Date.UTC(2026, 0, 1);
    for (let s = 0; s < 20_000; s++) p.add(1, s, t0, s);
    const [m] = p.drain();
    expect(m!.merges.length / PACKED_MERGE).toBe(20_000);
    expect(m!.merges[19_999 * PACKED_MERGE]).toBe(19_999);
    p.add(1, 3, t0 + MIN, 1);
    const [m2] = p.drain();
    expect(merges(m2!)).toHaveLength(1);
  });

  it('finds every (series, minute) among many, drains them in key order, and forgets them after shrinking', () => {
    const p = new MinutePartials(dayOf);
    const t0 = Date.UTC(2026, 0, 1);
    // Series ids and minutes interleaved so that keys collide in the hash and the table rehashes several times.
    for (let m = 0; m < 12; m++) for (let s = 0; s < 3_000; s++) p.add(1, s * 7 + 1, t0 + m * MIN + s, s);
    expect(p.size).toBe(36_000);
    let missed = 0;
    for (let s = 0; s < 3_000; s++)
      for (let m = 0; m < 12; m++) if (p.lastTs(s * 7 + 1, t0 + m * MIN) !== t0 + m * MIN + s) missed++;
    expect(missed).toBe(0);
    expect(p.lastTs(2, t0)).toBe(-Infinity);
    const [m1] = p.drain();
    const rows = m1!.merges;
    expect(rows.length / PACKED_MERGE).toBe(36_000);
    let outOfOrder = 0;
    for (let i = 1; i < 36_000; i++) {
      const a = rows[(i - 1) * PACKED_MERGE]! * 1e13 + rows[(i - 1) * PACKED_MERGE + 1]!;
      const b = rows[i * PACKED_MERGE]! * 1e13 + rows[i * PACKED_MERGE + 1]!;
      if (b <= a) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
    p.add(1, 8, t0, 1);
    p.drain();
    expect(p.lastTs(8, t0)).toBe(-Infinity);
    expect(p.lastTs(1, t0)).toBe(-Infinity);
    p.add(1, 1, t0 + 5, 2);
    expect(p.lastTs(1, t0)).toBe(t0 + 5);
  });

  it('drains a series whose minutes arrived newest first (a reversed backfill) in minute order', () => {
    const p = new MinutePartials(dayOf);
    const t0 = Date.UTC(2026, 0, 1);
    for (let m = 99; m >= 0; m--) p.add(1, 4, t0 + m * MIN, m);
    for (let m = 0; m < 3; m++) p.add(1, 2, t0 + m * MIN, m);
    const [m1, h1] = p.drain();
    const keys = merges(m1!).map(([k]) => k.split(':').slice(0, 2).map(Number));
    expect(keys).toEqual([
      ...[0, 1, 2].map((m) => [2, t0 + m * MIN]),
      ...Array.from({ length: 100 }, (_, m) => [4, t0 + m * MIN]),
    ]);
    // Each minute was added before the earlier ones: every minute is exact, so the hours fold exactly too.
    const hour = merges(h1!).find(([k]) => k.startsWith(`4:${t0}:`))![1];
    expect(hour).toMatchObject({ count: 60, firstTs: t0, lastTs: t0 + 59 * MIN, increase: 59 });
  });

  it('drains sparse series ids (far apart, few rows) in (series, minute) order too', () => {
    const p = new MinutePartials(dayOf);
    const t0 = Date.UTC(2026, 0, 1);
    for (const [sid, m] of [
      [9_000_000, 2],
      [5, 1],
      [9_000_000, 0],
      [5, 0],
      [70_000, 3],
    ] as const)
      p.add(1, sid, t0 + m * MIN, m);
    const [m1] = p.drain();
    expect(merges(m1!).map(([k]) => k.split(':').slice(0, 2).map(Number))).toEqual([
      [5, t0],
      [5, t0 + MIN],
      [70_000, t0 + 3 * MIN],
      [9_000_000, t0],
      [9_000_000, t0 + 2 * MIN],
    ]);
  });

  it('streams slices while samples keep arriving: those go to the next drain, and stay visible meanwhile', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const fill = (p: MinutePartials) => {
      for (let m = 0; m < 3; m++) for (let s = 1; s <= 20_000; s++) p.add(1, s, t0 + m * MIN + 10_000, s + m);
    };
    const whole = new MinutePartials(dayOf);
    fill(whole);
    const expectedLevels = whole.drain();

    const p = new MinutePartials(dayOf);
    fill(p);
    let pauses = 0;
    const slices: LevelFlush[][] = [];
    for await (const levels of p.drainSlices(undefined, async () => {
      pauses++;
      // A late sample of a minute being drained, and a new minute of a series being drained.
      p.add(1, 7, t0 + 5_000 + pauses, -1);
      p.add(1, 7, t0 + 3 * MIN + pauses, 1);
      expect(p.lastTs(7, t0)).toBe(t0 + 10_000); // the drained row's newest sample still counts
      await Promise.resolve();
    })) {
      slices.push(levels);
      expect(p.lastTs(7, t0)).toBe(t0 + 10_000); // and between slices
    }
    expect(slices.length).toBeGreaterThan(2);
    expect(pauses).toBeGreaterThan(5);
    const levels = joinLevels(slices);
    for (let l = 0; l < 3; l++) {
      expect(bytes(levels[l]!.merges).equals(bytes(expectedLevels[l]!.merges))).toBe(true);
      expect(bytes(levels[l]!.recompute).equals(bytes(expectedLevels[l]!.recompute))).toBe(true);
    }
    // What arrived during the drain is held for the next one, whole.
    expect(p.size).toBe(2);
    expect(p.lastTs(7, t0)).toBe(t0 + 5_000 + pauses);
    const [m2] = p.drain();
    expect(merges(m2!).map(([k, a]) => [k.split(':')[1], a.count])).toEqual([
      [String(t0), pauses],
      [String(t0 + 3 * MIN), pauses],
    ]);
    const empty: LevelFlush[][] = [];
    for await (const x of p.drainSlices(undefined, () => Promise.resolve())) empty.push(x);
    expect(empty).toEqual([]);
  });

  it('gives each slice whole series, their hours and days, and the refs to recompute of its series', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const p = new MinutePartials(dayOf);
    // 30,000 series of 1 minute and one long series spanning the slice size: a slice is never cut inside a series.
    for (let s = 1; s <= 30_000; s++) p.add(1, s, t0 + 1_000, s);
    for (let m = 0; m < 20_000; m++) p.add(1, 15_000, t0 + MIN + m * MIN, m);
    p.add(1, 25_000, t0 + 500, 1); // before the minute's first sample: still exact
    p.add(1, 25_000, t0 + 700, 1); // inside the range so far: recomputed
    const extra = packRefs(
      [29_999, 3, 15_000, 40_000].map((seriesId) => ({
        seriesId,
        bucket: t0 - HOUR,
        end: t0 - HOUR + MIN,
        hour: t0 - HOUR,
        day: t0 - DAY,
        dayEnd: t0,
      })),
    );
    const seriesOf = (a: Float64Array, stride: number) => {
      const ids: number[] = [];
      for (let o = 0; o < a.length; o += stride) ids.push(a[o]!);
      return ids;
    };
    let lastMax = 0;
    const seenRefs: number[][] = [];
    const stream = p.drainSlices(extra, () => Promise.resolve());
    for await (const [m, h, d] of stream) {
      const ids = [...seriesOf(m!.merges, PACKED_MERGE), ...seriesOf(m!.recompute, PACKED_REF)];
      const lo = Math.min(...ids);
      const hi = Math.max(...ids);
      expect(lo).toBeGreaterThan(lastMax); // ascending, disjoint: a series is in one slice only
      lastMax = hi;
      const parents = [h!, d!].flatMap((x) => [
        ...seriesOf(x.merges, PACKED_MERGE),
        ...seriesOf(x.recompute, PACKED_REF),
      ]);
      expect(parents.filter((id) => id < lo || id > hi)).toEqual([]);
      seenRefs.push(seriesOf(m!.recompute, PACKED_REF).sort((a, b) => a - b));
    }
    // The first slice reaches past its size to the end of series 15,000; each ref went with the slice of its
    // series, 40,000 (no partial) with the last one.
    expect(seenRefs).toEqual([
      [3, 15_000],
      [25_000, 29_999, 40_000],
    ]);
    expect(p.size).toBe(0);
  });

  it('drops what a flush abandoned did not drain, and keeps what arrived meanwhile', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const p = new MinutePartials(dayOf);
    for (let s = 1; s <= 40_000; s++) p.add(1, s, t0 + 1_000, s);
    const stream = p.drainSlices(undefined, () => Promise.resolve());
    for await (const slice of stream) {
      expect(slice).toHaveLength(3);
      p.add(1, 1, t0 + 2_000, 5); // arrives during the flush: for the next one
      break; // the store failed: for-await ends the stream, the rows not drained are dropped
    }
    stream.close(); // idempotent
    expect(p.size).toBe(1);
    expect(p.lastTs(40_000, t0)).toBe(-Infinity);
    const [m] = p.drain();
    expect(merges(m!).map(([k, a]) => [k, a.count, a.first])).toEqual([[`1:${t0}:${t0 + MIN}`, 1, 5]]);
    // Closed before the store asked for a slice (it failed at once): the same.
    p.add(1, 2, t0 + 1_000, 1);
    const unused = p.drainSlices(undefined, () => Promise.resolve());
    p.add(1, 3, t0 + 1_000, 1);
    unused.close();
    expect(p.size).toBe(1);
    expect(p.lastTs(3, t0)).toBe(t0 + 1_000);
  });

  it("grows past its soft maximum without losing rows and gives each minute its hour and its site's local day", () => {
    // Site 2's "local day" starts 2 hours later than site 1's, so the parents must come from each row's own site.
    const dayOfSite = (site: number, t: number) => {
      const shift = site === 2 ? 2 * HOUR : 0;
      const start = t - ((t - shift) % DAY);
      return { start, end: start + DAY };
    };
    const p = new MinutePartials(dayOfSite, 1_000);
    const t0 = Date.UTC(2026, 0, 1);
    for (let m = 0; m < 500; m++)
      for (let s = 1; s <= 5; s++) {
        p.add(s % 2 === 0 ? 2 : 1, s, t0 + m * MIN, m);
        p.add(s % 2 === 0 ? 2 : 1, s, t0 + m * MIN + 30_000, m + 1);
      }
    expect(p.size).toBe(2_500);
    const [m1, h1, d1] = p.drain();
    const rows = m1!.merges;
    expect(rows.length / PACKED_MERGE).toBe(2_500);
    let wrong = 0;
    for (let o = 0; o < rows.length; o += PACKED_MERGE) {
      const [sid, bucket, end, hour, day, dayEnd] = Array.from(rows.subarray(o, o + PACKED_REF));
      const d = dayOfSite(sid! % 2 === 0 ? 2 : 1, bucket!);
      const agg = aggAt(rows, o);
      if (
        end !== bucket! + MIN ||
        hour !== bucket! - (bucket! % HOUR) ||
        day !== d.start ||
        dayEnd !== d.end ||
        agg.count !== 2 ||
        agg.first !== (bucket! - t0) / MIN ||
        agg.increase !== 1
      )
        wrong++;
    }
    expect(wrong).toBe(0);
    // 500 minutes are 9 hours (8 whole and a partial one) per series.
    expect(h1!.merges.length / PACKED_MERGE).toBe(5 * 9);
    // Days split at 00:00 (site 1) and 02:00 (site 2) UTC: 2 days for site 1's series, 3 for site 2's.
    expect(d1!.merges.length / PACKED_MERGE).toBe(3 * 2 + 2 * 3);
  });
});
