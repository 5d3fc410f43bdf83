import { decodeBatchPayload, decodeChunk, encodeBatchPayload, encodeChunk, mergeChunk } from './raw-codec';
import {
  BucketIndex,
  RAW_WINDOW_MS,
  planCompaction,
  resolveRaw,
  windowOf,
  type BatchRow,
} from './raw-layout';

const T0 = Date.UTC(2026, 11, 1, 8);

/** A chunk; positions and batch sizes -1 (unknown) unless given. */
function chunk(ts: number[], values: number[], seqs: number[], positions?: number[], sizes?: number[]) {
  return {
    ts: Float64Array.from(ts),
    values: Float64Array.from(values),
    seqs: Float64Array.from(seqs),
    positions: positions ? Int32Array.from(positions) : new Int32Array(ts.length).fill(-1),
    sizes: sizes ? Int32Array.from(sizes) : new Int32Array(ts.length).fill(-1),
  };
}

/** A sample as compaction merges it (position and batch size unknown unless given). */
const vs = (ts: number, value: number, seq: number, pos = -1, size = -1) => ({ ts, value, seq, pos, size });

describe('raw chunk codec', () => {
  it('round-trips decimal readings, negative values, irregular timestamps and sequence runs exactly', () => {
    const c = chunk(
      [T0, T0 + 10_000, T0 + 20_000, T0 + 35_001, T0 + 3_599_999],
      [23.41, 23.4, -0.05, 1e6, 23.41],
      [5, 5, 6, 6, 9],
    );
    expect(decodeChunk(encodeChunk(c))).toEqual(c);
  });

  it('keeps values no decimal scale fits as raw doubles', () => {
    const c = chunk([T0, T0 + 1], [Math.PI, 1 / 3], [1, 1]);
    expect(decodeChunk(encodeChunk(c))).toEqual(c);
  });

  it('stores noisy 10-second gauges in well under 4 bytes per sample', () => {
    const n = 360;
    let v = 2300;
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      v += ((i * 7919) % 7) - 3;
      values.push((v + ((i * 104729) % 17) - 8) / 100);
    }
    const c = chunk(
      Array.from({ length: n }, (_, i) => T0 + i * 10_000),
      values,
      Array.from({ length: n }, (_, i) => Math.floor(i / 5) + 1),
    );
    const bytes = encodeChunk(c).length;
    expect(decodeChunk(encodeChunk(c))).toEqual(c);
    expect(bytes / n).toBeLessThan(4);
  });

  it('round-trips positions and batch sizes (version 2), runs split where the batch changes', () => {
    // Series 2 of a batch of 3 series × 4 ticks (positions 2, 5, 8, 11), then a correction from another batch,
    // then a sample of unknown position (a version 1 chunk merged), then back to the first batch.
    const c = chunk(
      [T0, T0 + 10_000, T0 + 20_000, T0 + 30_000, T0 + 40_000, T0 + 50_000],
      [1, 2, 3, 4, 5, 6],
      [5, 5, 8, 3, 5, 5],
      [2, 5, 0, -1, 8, 11],
      [12, 12, 1, -1, 12, 12],
    );
    expect(decodeChunk(encodeChunk(c))).toEqual(c);
    // Irregular positions (a batch in any order) round-trip too.
    const d = chunk(
      [T0, T0 + 1, T0 + 2, T0 + 3],
      [1, 1, 1, 1],
      [4, 4, 4, 4],
      [7, 0, 49_999, 3],
      [50_000, 50_000, 50_000, 50_000],
    );
    expect(decodeChunk(encodeChunk(d))).toEqual(d);
  });

  it('positions of a regular batch cost almost nothing (delta-of-delta zeros)', () => {
    const n = 360;
    const ts = Array.from({ length: n }, (_, i) => T0 + i * 10_000);
    const values = ts.map((_, i) => 20 + (i % 7) / 10);
    const seqs = ts.map((_, i) => Math.floor(i / 60) + 1); // six batches of 60 ticks
    const without = encodeChunk(chunk(ts, values, seqs)).length;
    const withPos = encodeChunk(
      chunk(
        ts,
        values,
        seqs,
        ts.map((_, i) => 3 + (i % 60) * 50), // series 3 of 50, 60 ticks per batch
        ts.map(() => 3000),
      ),
    ).length;
    expect(withPos - without).toBeLessThan(40);
  });

  it('still decodes version 1 chunks, positions and batch sizes unknown', () => {
    const v2 = chunk([T0, T0 + 10_000, T0 + 20_000], [23.41, 23.4, 1], [5, 5, 6], [0, 3, 1], [6, 6, 2]);
    const old = decodeChunk(encodeChunk(v2, 1));
    expect(old).toEqual(chunk([T0, T0 + 10_000, T0 + 20_000], [23.41, 23.4, 1], [5, 5, 6]));
    // Merged into (compaction of a later batch), the old samples keep "unknown" and the new ones their position.
    const merged = mergeChunk(old, [vs(T0 + 30_000, 7, 9, 4, 10)]);
    expect(decodeChunk(encodeChunk(merged))).toEqual(
      chunk(
        [T0, T0 + 10_000, T0 + 20_000, T0 + 30_000],
        [23.41, 23.4, 1, 7],
        [5, 5, 6, 9],
        [-1, -1, -1, 4],
        [-1, -1, -1, 10],
      ),
    );
    expect(() => decodeChunk(encodeChunk(v2).fill(0, 0, 1))).toThrow();
  });

  it('round-trips a batch payload', () => {
    const out = decodeBatchPayload(encodeBatchPayload([3, 4, 3], [T0, T0, T0 + 1], [1.5, -2, 3]));
    expect(Array.from(out.seriesIds)).toEqual([3, 4, 3]);
    expect(Array.from(out.ts)).toEqual([T0, T0, T0 + 1]);
    expect(Array.from(out.values)).toEqual([1.5, -2, 3]);
  });
});

describe('last write wins inside a chunk', () => {
  const base = chunk([T0, T0 + 10_000, T0 + 20_000], [1, 2, 3], [4, 4, 4]);

  it('an overwrite with a higher sequence replaces the value; a lower one (an older batch merged late) does not', () => {
    const merged = mergeChunk(base, [
      vs(T0 + 10_000, 20, 7, 0, 1),
      vs(T0 + 20_000, 30, 2, 0, 2),
      vs(T0 + 5_000, 1.5, 1, 1, 2),
    ]);
    expect(Array.from(merged.ts)).toEqual([T0, T0 + 5_000, T0 + 10_000, T0 + 20_000]);
    expect(Array.from(merged.values)).toEqual([1, 1.5, 20, 3]);
    expect(Array.from(merged.seqs)).toEqual([4, 1, 7, 4]);
    // Each sample keeps the position and batch size of the batch that wrote it.
    expect(Array.from(merged.positions)).toEqual([-1, 1, 0, -1]);
    expect(Array.from(merged.sizes)).toEqual([-1, 2, 1, -1]);
  });

  it('appends (the usual compaction) give what the general merge gives', () => {
    // Ascending adds after the base take the append path; the same adds reversed take the general one.
    for (const from of [T0 + 30_000, T0 + 20_000, T0 + 15_000]) {
      const adds = [0, 1, 2, 3].map((k) => vs(from + k * 10_000, k + 0.5, 5 + k, k, 4));
      expect(mergeChunk(base, adds)).toEqual(mergeChunk(base, [...adds].reverse()));
      expect(mergeChunk(undefined, adds)).toEqual(mergeChunk(undefined, [...adds].reverse()));
    }
    expect(Array.from(mergeChunk(base, [vs(T0 + 20_000, 9, 9, 0, 1)]).values)).toEqual([1, 2, 9]);
  });

  it('merging the same batch twice (compaction repeated after a crash) changes nothing', () => {
    const adds = [vs(T0 + 30_000, 9, 5, 0, 1)];
    const once = mergeChunk(base, adds);
    expect(mergeChunk(once, adds)).toEqual(once);
  });
});

describe('compaction plan and chunk boundaries', () => {
  const W = RAW_WINDOW_MS;
  const w0 = windowOf(T0);
  const batch = (
    receiptId: number,
    seq: number,
    samples: [number, number, number][],
    doneBelow = 0,
  ): BatchRow => ({
    receiptId,
    siteId: 1,
    seq,
    minTs: Math.min(...samples.map((s) => s[1])),
    maxTs: Math.max(...samples.map((s) => s[1])),
    doneBelow,
    payload: encodeBatchPayload(
      samples.map((s) => s[0]),
      samples.map((s) => s[1]),
      samples.map((s) => s[2]),
    ),
  });

  it('puts the last millisecond of a window and the first of the next into different chunks', () => {
    const plan = planCompaction(
      [
        batch(1, 1, [
          [7, w0 + W - 1, 1],
          [7, w0 + W, 2],
        ]),
      ],
      w0 + 2 * W,
    );
    expect(plan.groups.map((g) => [g.windowStart, g.samples.map((s) => s.ts)])).toEqual([
      [w0, [w0 + W - 1]],
      [w0 + W, [w0 + W]],
    ]);
    expect(plan.drop).toEqual([1]);
  });

  it('carries the payload index and batch size into its chunk group', () => {
    const plan = planCompaction(
      [
        batch(4, 6, [
          [8, w0 + 20, 1],
          [7, w0 + 10, 2],
          [8, w0 + 10, 3],
          [7, w0 + W + 5, 4],
        ]),
      ],
      w0 + 2 * W,
    );
    expect(
      plan.groups.map((g) => [g.windowStart, g.seriesId, g.samples.map((s) => [s.pos, s.size])]),
    ).toEqual([
      // In the chunks' key order: window, then series.
      [w0, 7, [[1, 4]]],
      [
        w0,
        8,
        [
          [0, 4],
          [2, 4],
        ],
      ],
      [w0 + W, 7, [[3, 4]]],
    ]);
  });

  it('a batch straddling the horizon gives up only its closed part and stays, marked done below it', () => {
    const b = batch(2, 3, [
      [7, w0 + W - 10, 1],
      [7, w0 + W + 10, 2],
    ]);
    const plan = planCompaction([b], w0 + W);
    expect(plan.samples).toBe(1);
    expect(plan.advance).toEqual([2]);
    // Read back: the stored batch no longer offers what went to the chunk.
    const rest = resolveRaw(() => true, [], [{ ...b, doneBelow: w0 + W }]);
    expect(rest.map((s) => s.ts)).toEqual([w0 + W + 10]);
  });

  it('resolves a sample held both in a chunk and in a newer batch to the newer write', () => {
    const c = encodeChunk(chunk([w0 + 1000], [5], [1]));
    const out = resolveRaw(
      () => true,
      [{ windowStart: w0, seriesId: 7, payload: c }],
      [batch(3, 2, [[7, w0 + 1000, 6]])],
    );
    expect(out).toEqual([{ seriesId: 7, ts: w0 + 1000, value: 6, seq: 2 }]);
  });

  it('finds the bucket of a sample for buckets of any step', () => {
    const idx = new BucketIndex([
      { seriesId: 1, bucket: w0, end: w0 + 60_000 },
      { seriesId: 1, bucket: w0 + W, end: w0 + 2 * W },
    ]);
    expect(idx.find(1, w0 + 59_999)).toBe(0);
    expect(idx.find(1, w0 + 60_000)).toBe(-1);
    expect(idx.find(1, w0 + W + 5)).toBe(1);
    expect(idx.chunkKeys).toEqual([
      { windowStart: w0, seriesId: 1 },
      { windowStart: w0 + W, seriesId: 1 },
    ]);
  });
});
