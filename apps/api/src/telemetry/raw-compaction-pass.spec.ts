import { emptyMaintainStats } from './raw-layout';
import { takeForPass } from './raw-compaction-pass';

describe('takeForPass', () => {
  const batches = (...samples: number[]) => samples.map((n, i) => ({ receipt_id: 100 + i, samples: n }));

  it('takes every batch when they hold fewer samples than a pass, and asks for no further pass', () => {
    const stats = emptyMaintainStats();
    expect(takeForPass(batches(5_000, 5_000, 1), 60_000, stats)).toEqual([100, 101, 102]);
    expect(stats.more).toBe(false);
  });

  it('stops at the batch that reaches the bound, in the given (min_ts) order, and asks for another pass', () => {
    const stats = emptyMaintainStats();
    expect(takeForPass(batches(20_000, 30_000, 10_000, 5_000), 60_000, stats)).toEqual([100, 101, 102]);
    expect(stats.more).toBe(true);
  });

  it('takes a batch larger than a whole pass on its own', () => {
    const stats = emptyMaintainStats();
    expect(takeForPass(batches(100_000, 5_000), 60_000, stats)).toEqual([100]);
    expect(stats.more).toBe(true);
  });
});
