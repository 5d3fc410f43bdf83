import {
  DAY,
  HOUR,
  constantKw,
  gaugeSamples,
  meterSamples,
  rollupDaily,
  steps,
  trapezoidKwh,
} from './daily-buckets';

// The generator is the ground truth of the other specs, so it gets its own checks.
describe('test-support daily bucket generator', () => {
  it('rolls hourly samples into local days of 23 and 25 samples around Berlin DST changes', () => {
    const from = Date.parse('2025-03-29T23:00:00Z'); // 2025-03-30 00:00 CET
    const buckets = rollupDaily(
      gaugeSamples(steps(from, from + 23 * HOUR, HOUR), () => 1),
      'Europe/Berlin',
    );
    expect(buckets).toHaveLength(1);
    expect(buckets[0]).toMatchObject({ bucket: from, end: from + 23 * HOUR, count: 23 });

    const octFrom = Date.parse('2025-10-25T22:00:00Z'); // 2025-10-26 00:00 CEST
    const oct = rollupDaily(
      gaugeSamples(steps(octFrom, octFrom + 25 * HOUR, HOUR), () => 1),
      'Europe/Berlin',
    );
    expect(oct).toHaveLength(1);
    expect(oct[0]).toMatchObject({ count: 25, end: octFrom + 25 * HOUR });
  });

  it('computes a reset-aware increase inside a day', () => {
    const from = Date.parse('2025-01-01T00:00:00Z');
    const ts = steps(from, from + 6 * HOUR, HOUR); // readings 100, 110, 120, | 10, 20, 30 (replaced before the 4th)
    const samples = meterSamples(ts, constantKw(10), { startReading: 100, replacedAt: [from + 3 * HOUR] });
    expect(samples.map((s) => s.value)).toEqual([100, 110, 120, 10, 20, 30]);
    const [b] = rollupDaily(samples, 'UTC');
    expect(b).toMatchObject({
      count: 6,
      first: 100,
      last: 30,
      increase: 50,
      resets: 1,
      min: 10,
      max: 120,
      sum: 390,
    });
  });

  it('integrates raw power samples with the trapezoid rule, skipping long links', () => {
    const from = 0;
    const samples = gaugeSamples([0, HOUR, 2 * HOUR, DAY], (t) => (t === HOUR ? 200 : 100));
    expect(trapezoidKwh(samples, from, 2 * DAY, 2 * HOUR)).toBe(150 + 150);
  });
});
