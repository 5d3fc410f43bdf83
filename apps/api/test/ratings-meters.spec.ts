/**
 * Counters that dip (issue #14, item 1), end to end: a facility meter on a 5 GWh register reads 0.5 kWh low once
 * inside a day and once at local midnight, and the IT meter is replaced mid-year. The glitches add no energy and
 * are listed in the rating; the replacement is still counted as a new meter; charts show no spike. SQLite and
 * PostgreSQL.
 */
import type { RatingsResponse, SeriesResponse } from '@dcfleet/contracts';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const HOUR = 3_600_000;
const SHANGHAI = 8 * HOUR;
const local = (y: number, m: number, d = 1): number => Date.UTC(y, m - 1, d) - SHANGHAI;
const YEAR = new Date(Date.now() + SHANGHAI).getUTCFullYear() - 1;
const START = local(YEAR, 1);
const END = local(YEAR + 1, 1);
const HOURS = (END - START) / HOUR;
const SITE = 'RM-DIP';
/** Facility measured by power gauges (every 15 min) until 30 June, by a new energy meter from 1 July. */
const SWITCH = 'RM-SWITCH';
const JULY = local(YEAR, 7);

/** Hour indexes (since the year's start) of the facility meter's two low readings and the IT meter's exchange. */
const DIP_IN_DAY = 24 * 60 + 14; // 14:00 local on day 60
const DIP_AT_MIDNIGHT = 24 * 230; // 00:00 local on day 230
const IT_REPLACED = 24 * 100 + 9; // 09:00 local on day 100

function facility(k: number): number {
  const v = 5_000_000 + 1250 * (k + 2);
  return k === DIP_IN_DAY || k === DIP_AT_MIDNIGHT ? 5_000_000 + 1250 * (k + 1) - 0.5 : v;
}
const itReading = (k: number): number =>
  k < IT_REPLACED ? 3_000_000 + 1000 * (k + 2) : 1000 * (k - IT_REPLACED + 1);

describe.each(dialects())('counter glitches and replacements on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    await t.createSite(SITE, { hub: 'Guizhou' });
    await t.createSite(SWITCH, { hub: 'Guizhou' });
    const token = (await t.createToken(SITE)).token;
    const switchToken = (await t.createToken(SWITCH)).token;
    const switched: { metric: string; ts: number; value: number }[] = [];
    for (let ts = START - HOUR; ts < JULY; ts += 15 * 60_000)
      switched.push({ metric: 'facility_power_kw', ts, value: 1300 });
    for (let ts = JULY; ts < END; ts += HOUR)
      switched.push({ metric: 'facility_energy_kwh', ts, value: 1300 * ((ts - JULY) / HOUR) });
    for (let k = -2; k < HOURS; k++)
      switched.push({ metric: 'it_energy_kwh', ts: START + k * HOUR, value: 1000 * (k + 2) });
    await t.ingestAll(switchToken, switched);
    const samples: { ts: number; values: Record<string, number> }[] = [];
    for (let k = -2; k < HOURS; k++)
      samples.push({
        ts: START + k * HOUR,
        values: { facility_energy_kwh: facility(k), it_energy_kwh: itReading(k) },
      });
    await t.ingestAll(token, samples, 2500);
    await t.flush();
  });
  afterAll(() => t?.close());

  it('rates the year on the true energy and lists each glitch and the replacement', async () => {
    const res = await t.request(`/api/v1/ratings?year=${YEAR}`, { token: await t.login('regulator') });
    const row = ((await res.json()) as RatingsResponse).sites.find((s) => s.code === SITE)!;
    // Was facility 2 × 5 GWh too high (each dip read as a new meter): PUE 2.4, graded below-limit.
    expect(row.energy.facilityKwh).toBeCloseTo(1250 * HOURS, 3);
    expect(row.energy.itKwh).toBeCloseTo(1000 * HOURS, 3);
    expect(row.pue).toBeCloseTo(1.25, 9);
    expect(row).toMatchObject({ status: 'final', grade: 2 });
    expect(row.meters!.facility).toMatchObject({ replacements: 0, glitches: 2, truncated: false });
    expect(row.meters!.facility!.glitchDropKwh).toBeCloseTo(1, 6); // two readings 0.5 kWh below their predecessors
    expect(row.meters!.facility!.events.map((e) => [e.kind, e.withinDay, e.at])).toEqual([
      ['glitch', true, new Date(START + 60 * 24 * HOUR).toISOString()],
      ['glitch', false, new Date(START + DIP_AT_MIDNIGHT * HOUR).toISOString()],
    ]);
    expect(row.meters!.it).toMatchObject({ replacements: 1, glitches: 0 });
  });

  it('charts the dip day without a spike: its daily increase is the day’s consumption', async () => {
    const day = START + 60 * 24 * HOUR;
    const res = await t.request(
      `/api/v1/datacenters/${SITE}/series?metric=facility_energy_kwh&step=1d&from=${day}&to=${day + 24 * HOUR}`,
      { token: await t.login('operator') },
    );
    const [point] = ((await res.json()) as SeriesResponse).series[0]!.points;
    // 23 hourly steps inside the day (the 24th is the link from the day before): not 5 GWh more.
    expect(point!.increase).toBeCloseTo(23 * 1250, 6);
  });

  it('stitches a site that moved from power gauges to an energy meter mid-year instead of dropping the gauges', async () => {
    const res = await t.request(`/api/v1/ratings?year=${YEAR}`, { token: await t.login('regulator') });
    const row = ((await res.json()) as RatingsResponse).sites.find((s) => s.code === SWITCH)!;
    // Was: the counter alone (from July), coverage ~0.5, interim, and January-June's energy gone.
    expect(row.sources.facility).toBe('counter+power');
    expect(row.status).toBe('final');
    expect(row.pue).toBeCloseTo(1.3, 3);
    expect(row.energy.facilityKwh).toBeGreaterThan(1300 * (HOURS - 2));
  });
});
