/**
 * Samples that arrive while a streamed rollup flush is running go to the spare partial table and are flushed by the
 * next one: a new site's first batch, posted mid-flush at "now", shows in its live 1-minute chart after that flush,
 * and a sample of a minute being drained at that moment ends up in its minute too. (A clean-clone e2e run once showed
 * a new site's live chart empty a minute after its samples; this pins down that the flush is not where they go.)
 */
import type { SeriesResponse } from '@dcfleet/contracts';
import { rawSamples, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { differingBuckets, postZones, rawBuckets, storedBuckets } from './support/rollup-buckets';

const MIN = 60_000;
const HOUR = 3_600_000;
/** Minutes per series of the big site: 3 series make 18,000 partials, more than one slice (16,384). */
const MINUTES = 6_000;

describe.each(dialects())('samples posted during a rollup flush on %s', (dialect) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const base = Math.floor((Date.now() - 6 * 86_400_000) / HOUR) * HOUR;

  const post = (site: string, samples: { zone: string; ts: number; value: number }[]) =>
    postZones(t, tokens[site]!, samples);

  beforeAll(async () => {
    t = await bootTestApp(dialect, { ROLLUP_FLUSH_MS: '600000', ROLLUP_CHECK_MS: '0' });
    for (const site of ['GZ-F-01', 'GZ-F-02']) {
      await t.createSite(site);
      tokens[site] = (await t.createToken(site)).token;
    }
  });
  afterAll(() => t.close());

  it("a new site's first batch, posted mid-flush, is in its 1-minute chart after the next flush", async () => {
    for (const zone of ['A', 'B', 'C'])
      await post(
        'GZ-F-01',
        Array.from({ length: MINUTES }, (_, m) => ({
          zone,
          ts: base + m * MIN + 10_000,
          value: 20 + (m % 13),
        })),
      );
    const now = Date.now();
    const flushing = t.flush();
    // While the first flush drains: the new site's first samples, and a late one inside a minute of zone C.
    await Promise.all([
      post('GZ-F-02', [
        { zone: 'A', ts: now - 5_000, value: 24.5 },
        { zone: 'B', ts: now - 4_000, value: 25.5 },
      ]),
      post('GZ-F-01', [{ zone: 'C', ts: base + 5 * MIN + 30_000, value: 9 }]),
    ]);
    await flushing;
    await t.flush();
    expect(await rows(t, 'SELECT id FROM receipts WHERE NOT rolled_up')).toHaveLength(0);

    const res = await t.request(
      `/api/v1/datacenters/GZ-F-02/series?metric=inlet_temp_c&step=1m&from=${now - HOUR}&to=${now + MIN}`,
      { token: await t.login('operator') },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as SeriesResponse;
    const byZone = Object.fromEntries(body.series.map((s) => [s.labels['zone'], s.points.map((p) => p.avg)]));
    expect(byZone).toEqual({ A: [24.5], B: [25.5] });

    // Every 1-minute bucket equal to its raw samples (the late one included).
    const raw = await rawSamples(t);
    expect(differingBuckets(await storedBuckets(t, 'rollup_1m'), rawBuckets(raw, MIN))).toEqual([]);
  });
});
