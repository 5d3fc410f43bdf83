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

function chunk(ts: number[], values: number[], seqs: number[]) {
  return { ts: Float64Array.from(ts), values: Float64Array.from(values), seqs: Float64Array.from(seqs) };
}

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
      { ts: T0 + 10_000, value: 20, seq: 7 },
      { ts: T0 + 20_000, value: 30, seq: 2 },
      { ts: T0 + 5_000, value: 1.5, seq: 1 },
    ]);
    expect(Array.from(merged.ts)).toEqual([T0, T0 + 5_000, T0 + 10_000, T0 + 20_000]);
    expect(Array.from(merged.values)).toEqual([1, 1.5, 20, 3]);
    expect(Array.from(merged.seqs)).toEqual([4, 1, 7, 4]);
  });

  it('merging the same batch twice (compaction repeated after a crash) changes nothing', () => {
    const adds = [{ ts: T0 + 30_000, value: 9, seq: 5 }];
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
    expect([...plan.groups.values()].map((g) => [g.windowStart, g.samples.map((s) => s.ts)])).toEqual([
      [w0, [w0 + W - 1]],
      [w0 + W, [w0 + W]],
    ]);
    expect(plan.drop).toEqual([1]);
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
