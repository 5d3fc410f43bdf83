/**
 * A rollup flush streamed in slices of whole series (MinutePartials.drainSlices, TelemetryStore.flushRollupSlices):
 * a flush larger than one slice, with a replaced sample (a minute to recompute, and its hour and day with it) and a
 * late sample inside a minute of a series of the second slice, leaves every rollup equal to its raw samples.
 */
import { rawSamples, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import {
  differingBuckets,
  postZones,
  rawBuckets,
  storedBuckets,
  type Buckets,
} from './support/rollup-buckets';

const MIN = 60_000;
const HOUR = 3_600_000;
/** Minutes per series: 4 series make 24,000 partials, more than a slice (16,384), cut after the third series. */
const MINUTES = 6_000;

describe.each(dialects())('rollup flush in slices on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  // Whole hours, ending a day ago: every minute is in the past.
  const base = Math.floor((Date.now() - 6 * 86_400_000) / HOUR) * HOUR;

  const post = (samples: { zone: string; ts: number; value: number }[]) => postZones(t, token, samples);

  beforeAll(async () => {
    t = await bootTestApp(dialect, { ROLLUP_FLUSH_MS: '600000', ROLLUP_CHECK_MS: '0' });
    await t.createSite('GZ-S-01');
    token = (await t.createToken('GZ-S-01')).token;
  });
  afterAll(() => t.close());

  it('leaves minutes, hours and days equal to the raw samples', async () => {
    // Zones A–D are series 1–4 in that order; zone D's (in the second slice) stored sample at base + 30 s is then
    // replaced by the big batch.
    await post(['A', 'B', 'C', 'D'].map((zone) => ({ zone, ts: base + 30_000, value: 50 })));
    await t.flush();
    for (const zone of ['A', 'B', 'C', 'D']) {
      const samples = Array.from({ length: MINUTES }, (_, m) => ({
        zone,
        ts: base + m * MIN + 10_000,
        value: 20 + (m % 37) / 4 + zone.charCodeAt(0) - 65,
      }));
      if (zone === 'D') samples.push({ zone, ts: base + 30_000, value: 30 }); // replaces the stored 50
      await post(samples);
    }
    // A late sample inside a minute of zone D's already held: that minute is recomputed too.
    await post([{ zone: 'D', ts: base + 2 * HOUR + 5_000, value: 3 }]);
    await post([{ zone: 'D', ts: base + 2 * HOUR + 50_000, value: 4 }]);
    await post([{ zone: 'D', ts: base + 2 * HOUR + 20_000, value: 5 }]);
    await t.flush();
    expect(await rows(t, 'SELECT id FROM receipts WHERE NOT rolled_up')).toHaveLength(0);

    const raw = await rawSamples(t);
    expect(raw).toHaveLength(4 * (MINUTES + 1) + 3);
    expect(differingBuckets(await storedBuckets(t, 'rollup_1m'), rawBuckets(raw, MIN))).toEqual([]);
    expect(differingBuckets(await storedBuckets(t, 'rollup_1h'), rawBuckets(raw, HOUR))).toEqual([]);
    // Days are the site's local days: per series, they add up to its samples.
    const perSeries = (m: Buckets) => {
      const out: Buckets = new Map();
      for (const [k, v] of m) {
        const id = k.split(':')[0]!;
        const a = out.get(id) ?? { count: 0, sum: 0 };
        a.count += v.count;
        a.sum += v.sum;
        out.set(id, a);
      }
      return out;
    };
    expect(
      differingBuckets(perSeries(await storedBuckets(t, 'rollup_1d')), perSeries(rawBuckets(raw, MIN))),
    ).toEqual([]);
  });
});
