import type { SeriesResponse } from '@dcfleet/contracts';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SITE = 'CTR-01';

/**
 * A water meter read once an hour: the series API's hourly and daily increases are the meter's increments
 * (issue #18: hourly buckets read 0 because a bucket ignored the step from the previous bucket's reading).
 */
describe.each(dialects())('counter increases per bucket (GET …/series) on %s', (dialect) => {
  let t: TestApp;
  // Three whole UTC days ending at least a day ago, readings on the hour and one at the last midnight.
  const start = Math.floor((Date.now() - 5 * DAY) / DAY) * DAY;
  const HOURS = 3 * 24;
  const steps = Array.from({ length: HOURS }, (_, k) => 6 + ((k * 7) % 5)); // 6 … 10 m³ an hour
  const readings = [50_000];
  for (const s of steps) readings.push(readings[readings.length - 1]! + s);

  async function series(metric: string, step: string, from: number, to: number) {
    const res = await t.request(
      `/api/v1/datacenters/${SITE}/series?metric=${metric}&step=${step}&from=${from}&to=${to}`,
      { token: await t.login('operator') },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as SeriesResponse).series[0]!.points;
  }

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    await t.createSite(SITE, { timezone: 'UTC' });
    const token = (await t.createToken(SITE)).token;
    await t.ingestAll(
      token,
      readings.flatMap((value, k) => [
        { metric: 'water_m3', ts: start + k * HOUR, value },
        // The same meter read at half past: a step straddles every hour boundary.
        { metric: 'water_m3', ts: start + k * HOUR + HOUR / 2, value, labels: { meter: 'half-past' } },
      ]),
    );
    await t.flush();
  });
  afterAll(() => t?.close());

  it('hourly buckets: each hour is the meter’s increment to the next reading, not 0', async () => {
    const points = await series('water_m3', '1h', start, start + HOURS * HOUR);
    expect(points).toHaveLength(HOURS);
    points.forEach((p, k) => expect(p.increase).toBeCloseTo(steps[k]!, 9));
    const total = points.reduce((a, p) => a + p.increase!, 0);
    expect(total).toBeCloseTo(readings[HOURS]! - readings[0]!, 9);
  });

  it('daily buckets: each day is the growth from midnight to midnight, the step into the next day included', async () => {
    const points = await series('water_m3', '1d', start, start + 3 * DAY);
    expect(points.map((p) => p.increase)).toEqual(
      [0, 1, 2].map((d) => readings[(d + 1) * 24]! - readings[d * 24]!),
    );
  });

  it('readings straddling hour boundaries are split pro rata over time', async () => {
    const res = await t.request(
      `/api/v1/datacenters/${SITE}/series?metric=water_m3&step=1h&from=${start + HOUR}&to=${start + 4 * HOUR}&label.meter=half-past`,
      { token: await t.login('operator') },
    );
    const points = ((await res.json()) as SeriesResponse).series[0]!.points;
    // Hour k holds the second half of the step read at k:30 and the first half of the one read at (k+1):30.
    expect(points.map((p) => p.increase)).toEqual([1, 2, 3].map((k) => (steps[k - 1]! + steps[k]!) / 2));
  });
});
