import { LIVE_WINDOW_MS, RatingCache } from './rating-cache';

const NOW = 1_800_000_000_000;

describe('RatingCache', () => {
  it('drops an entry when a batch has a sample in its input range, and only then', () => {
    const c = new RatingCache<string>();
    const t = c.begin(1, 1000, 2000, NOW);
    expect(c.commit(t, 'k', 'v', NOW)).toBe(true);
    expect(c.invalidate(2, [1500])).toBe(0); // another site
    expect(c.invalidate(1, [999, 2000, 5000])).toBe(0); // outside [readFrom, end)
    expect(c.get('k', NOW)).toBe('v');
    expect(c.invalidate(1, [5000, 1000])).toBe(1);
    expect(c.get('k', NOW)).toBeUndefined();
  });

  it('drops an open period’s entry as soon as the period ends (its status may now be final)', () => {
    const c = new RatingCache<string>(600_000, 60_000);
    const end = NOW + 10_000;
    c.commit(c.begin(1, 1000, end, NOW), 'k', 'v', NOW);
    expect(c.get('k', end - 1)).toBe('v');
    expect(c.get('k', end)).toBeUndefined();
  });

  it('ignores samples the caller marks as unchanged', () => {
    const c = new RatingCache<string>();
    c.commit(c.begin(1, 1000, 2000, NOW), 'k', 'v', NOW);
    expect(c.invalidate(1, [1500, 3000], (i) => i === 0)).toBe(0);
    expect(c.get('k', NOW)).toBe('v');
  });

  it('keeps a result computed while a batch touched its range out of the cache', () => {
    const c = new RatingCache<string>();
    const touched = c.begin(1, 1000, 2000, NOW);
    const untouched = c.begin(2, 1000, 2000, NOW);
    c.invalidate(1, [1200]);
    expect(c.commit(touched, 'a', 'stale', NOW)).toBe(false);
    expect(c.commit(untouched, 'b', 'fresh', NOW)).toBe(true);
    expect(c.get('a', NOW)).toBeUndefined();
    expect(c.get('b', NOW)).toBe('fresh');
  });

  it('widens the dependency range when the computation read further back', () => {
    const c = new RatingCache<string>();
    const t = c.begin(1, 1000, 2000, NOW);
    c.widen(t, 100);
    c.commit(t, 'k', 'v', NOW);
    expect(c.invalidate(1, [500])).toBe(1);
  });

  it('expires entries after the TTL; open periods sooner, and live data does not invalidate them', () => {
    const c = new RatingCache<string>(10_000, 1_000);
    c.commit(c.begin(1, 0, NOW - 1, NOW), 'closed', 'c', NOW);
    c.commit(c.begin(1, 0, NOW + 86_400_000, NOW), 'open', 'o', NOW);
    expect(c.invalidate(1, [NOW + 5])).toBe(0); // live sample: neither entry drops
    expect(c.get('open', NOW + 500)).toBe('o');
    expect(c.get('open', NOW + 1_001)).toBeUndefined();
    expect(c.get('closed', NOW + 5_000)).toBe('c');
    expect(c.get('closed', NOW + 10_001)).toBeUndefined();

    c.commit(c.begin(1, 0, NOW + 86_400_000, NOW), 'open', 'o', NOW);
    expect(c.invalidate(1, [NOW - LIVE_WINDOW_MS - 1])).toBe(1); // late data for the open period
  });

  it('evicts the oldest entry beyond its capacity', () => {
    const c = new RatingCache<number>(60_000, 60_000, 2);
    for (let i = 0; i < 3; i++) c.commit(c.begin(i, 0, 10, NOW), `k${i}`, i, NOW);
    expect(c.size).toBe(2);
    expect(c.get('k0', NOW)).toBeUndefined();
    expect(c.get('k2', NOW)).toBe(2);
  });
});
