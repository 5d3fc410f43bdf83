import type { SeriesResponse } from '@dcfleet/contracts';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SITE = 'GAP-01';

/**
 * Series answers carry only the buckets with data (issue #18: a 1-year site page shipped 145 kB of inlet and
 * humidity answers that were mostly null buckets of months the series never had).
 */
describe.each(dialects())('series answers without empty buckets (GET …/series) on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  const to = Math.floor(Date.now() / DAY) * DAY;
  const from = to - 365 * DAY;
  // Three days in each of two months, 9 and 3 months back: every other day of the year has nothing.
  const days = [270, 269, 268, 90, 89, 88].map((d) => to - d * DAY);

  async function series(query: string): Promise<SeriesResponse> {
    const res = await t.request(`/api/v1/datacenters/${SITE}/series?${query}`, {
      token: await t.login('operator'),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as SeriesResponse;
  }

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    await t.createSite(SITE, { timezone: 'UTC' });
    token = (await t.createToken(SITE)).token;
    await t.ingestAll(
      token,
      days.flatMap((day) =>
        [2, 8, 14, 20].flatMap((h) => [
          { metric: 'inlet_temp_c', ts: day + h * HOUR, value: 20 + h / 10, labels: { zone: 'A1' } },
          { metric: 'inlet_temp_c', ts: day + h * HOUR, value: 21, labels: { zone: 'B1' } },
        ]),
      ),
    );
    // A water meter read at the start and the end of the later month's days only.
    await t.ingestAll(token, [
      { metric: 'water_m3', ts: days[3]!, value: 100 },
      { metric: 'water_m3', ts: days[5]! + 23 * HOUR, value: 172 },
    ]);
    await t.flush();
  });
  afterAll(() => t?.close());

  it('a year at 1 day: only the six days with data, per series, oldest first', async () => {
    const body = await series(`metric=inlet_temp_c&step=1d&from=${from}&to=${to}`);
    // The answer still names the whole window it covers.
    expect(Date.parse(body.from)).toBe(from);
    expect(Date.parse(body.to)).toBe(to);
    expect(body.series).toHaveLength(2);
    const want = [...days].sort((a, b) => a - b);
    for (const s of body.series) {
      expect(s.points.map((p) => Date.parse(p.t))).toEqual(want);
      expect(s.points.every((p) => p.avg !== null && p.min !== null && p.max !== null)).toBe(true);
    }
    const a1 = body.series.find((s) => s.labels.zone === 'A1')!;
    expect(a1.points[0]!.avg).toBeCloseTo(21.1, 9);
    expect(a1.points[0]).toMatchObject({ min: 20.2, max: 22 });
  });

  it('hours with data inside one day, the hours between them left out (gaps)', async () => {
    const day = days[0]!;
    const body = await series(`metric=inlet_temp_c&label.zone=A1&step=1h&from=${day}&to=${day + DAY}`);
    expect(body.series[0]!.points.map((p) => (Date.parse(p.t) - day) / HOUR)).toEqual([2, 8, 14, 20]);
  });

  it('a counter: the buckets its readings and the steps between them cover, no others', async () => {
    const body = await series(`metric=water_m3&step=1d&from=${from}&to=${to}`);
    const points = body.series[0]!.points;
    expect(points.map((p) => Date.parse(p.t))).toEqual([days[3], days[4], days[5]]);
    expect(points.reduce((n, p) => n + p.increase!, 0)).toBeCloseTo(72, 9);
    // The middle day has no reading: its share of the step, without an average.
    expect(points[1]).toMatchObject({ avg: null, min: null, max: null });
    expect(points[1]!.increase).toBeGreaterThan(0);
  });

  it('a range without data: the series with no points; a metric the site never reported: no series', async () => {
    const quiet = await series(`metric=inlet_temp_c&step=1d&from=${to - 30 * DAY}&to=${to}`);
    expect(quiet.series.map((s) => s.points)).toEqual([[], []]);
    const never = await series(`metric=relative_humidity_pct&step=1d&from=${from}&to=${to}`);
    expect(never.series).toEqual([]);
  });
});
