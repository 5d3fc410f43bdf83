import { COMPACT_GRACE_MS, RAW_WINDOW_MS, siteHorizon } from './raw-layout';

const H = RAW_WINDOW_MS;
const MIN = 60_000;
const QUIET = 600_000;

describe('siteHorizon', () => {
  const now = Date.UTC(2026, 11, 6, 12, 30);

  it('compacts a live site by its data: windows the data is the grace period past', () => {
    expect(siteHorizon(now - MIN, now - 5_000, now, QUIET)).toBe(Date.UTC(2026, 11, 6, 12));
    // Ten minutes into a window is not enough: the previous window stays the newest compactable one.
    expect(siteHorizon(Date.UTC(2026, 11, 6, 12, 9), now, now, QUIET)).toBe(Date.UTC(2026, 11, 6, 11));
    expect(siteHorizon(Date.UTC(2026, 11, 6, 12, 10), now, now, QUIET)).toBe(Date.UTC(2026, 11, 6, 12));
  });

  it('compacts a site replaying a backlog by its data, not by wall time', () => {
    // Data six hours old still arriving: the hour it is in stays open until the data has moved past it, so the
    // chunk is written once rather than at every pass.
    const newest = now - 6 * H + 20 * MIN; // 06:50
    expect(siteHorizon(newest, now - 1_000, now, QUIET)).toBe(Date.UTC(2026, 11, 6, 6));
  });

  it('compacts a site that has gone quiet by wall time as well', () => {
    const newest = now - 6 * H + 20 * MIN;
    expect(siteHorizon(newest, now - QUIET, now, QUIET)).toBe(Date.UTC(2026, 11, 6, 10));
    expect(siteHorizon(newest, now, now, 0)).toBe(Date.UTC(2026, 11, 6, 10));
    expect(COMPACT_GRACE_MS).toBe(10 * MIN);
  });
});
