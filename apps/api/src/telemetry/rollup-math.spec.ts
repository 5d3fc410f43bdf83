import { addSample, combine, counterStep, fromOrdered, single, type Agg } from './rollup-math';

function aggOf(points: [number, number][]): Agg {
  const a = single(points[0]![0], points[0]![1]);
  for (const [ts, v] of points.slice(1)) expect(addSample(a, ts, v)).toBe(true);
  return a;
}

describe('rollup math', () => {
  it('aggregates a gauge', () => {
    const a = aggOf([
      [1000, 5],
      [2000, 7],
      [3000, 3],
    ]);
    expect(a).toMatchObject({
      count: 3,
      sum: 15,
      min: 3,
      max: 7,
      first: 5,
      firstTs: 1000,
      last: 3,
      lastTs: 3000,
    });
  });

  it('computes a reset-aware counter increase', () => {
    // 100 → 110 → 125, meter replaced → 4 → 9: 10 + 15 + 4 + 5 = 34
    const a = aggOf([
      [1, 100],
      [2, 110],
      [3, 125],
      [4, 4],
      [5, 9],
    ]);
    expect(a.increase).toBe(34);
    expect(a.resets).toBe(1);
  });

  it('reads a small fall as a glitch (negative step, given back when readings recover), a fall to ≤ 10 % as a replacement', () => {
    expect(counterStep(5_000_000, 4_999_999.5)).toEqual({ inc: -0.5, reset: false, drop: 0.5 });
    expect(counterStep(5_000_000, 500_000)).toEqual({ inc: 500_000, reset: true, drop: 0 });
    expect(counterStep(5_000_000, 500_001)).toEqual({ inc: -4_499_999, reset: false, drop: 4_499_999 });
    // 5 GWh register, one reading 0.5 kWh low, then on: the bucket's increase is last − first.
    const a = aggOf([
      [1, 5_000_000],
      [2, 5_000_010],
      [3, 5_000_009.5],
      [4, 5_000_030],
    ]);
    expect(a).toMatchObject({ increase: 30, resets: 0, glitchDrop: 0.5 });
    // Across buckets (the step between two aggregates) the same rule.
    const early = aggOf([[1, 5_000_000]]);
    const late = aggOf([
      [2, 4_999_999.5],
      [3, 5_000_020],
    ]);
    expect(combine(early, late)).toMatchObject({ increase: 20, resets: 0, glitchDrop: 0.5 });
  });

  it('accepts samples before the first one (late data) and refuses ones inside the range', () => {
    const a = aggOf([
      [10, 20],
      [20, 30],
    ]);
    expect(addSample(a, 5, 15)).toBe(true);
    expect(a).toMatchObject({ first: 15, firstTs: 5, increase: 15, count: 3 });
    expect(addSample(a, 15, 25)).toBe(false);
    expect(addSample(a, 20, 31)).toBe(false);
  });

  it('combines disjoint aggregates in either order and refuses overlaps', () => {
    const early = aggOf([
      [1, 10],
      [2, 12],
    ]);
    const late = aggOf([
      [3, 15],
      [4, 16],
    ]);
    const all = aggOf([
      [1, 10],
      [2, 12],
      [3, 15],
      [4, 16],
    ]);
    expect(combine(early, late)).toEqual(all);
    expect(combine(late, early)).toEqual(all);
    expect(combine(all, early)).toBeUndefined();
  });

  it('builds an aggregate from ordered parts equal to adding samples one by one', () => {
    const points: [number, number][] = [
      [1, 1],
      [2, 3],
      [3, 2],
      [4, 8],
    ];
    expect(fromOrdered(points.map(([t, v]) => single(t, v)))).toEqual(aggOf(points));
    expect(fromOrdered([])).toBeUndefined();
    expect(() => fromOrdered([single(1, 1), single(1, 2)])).toThrow();
  });
});
