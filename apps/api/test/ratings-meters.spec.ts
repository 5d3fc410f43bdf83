/**
 * Counters that dip (issue #14, item 1), end to end: a facility meter on a 5 GWh register reads 0.5 kWh low once
 * inside a day and once at local midnight, and the IT meter is replaced mid-year. The glitches add no energy and
 * are listed in the rating; the replacement is still counted as a new meter; charts show no spike. SQLite and
 * PostgreSQL.
 */
import type {
  MeterExchangeInfo,
  RatingDetailResponse,
  RatingsResponse,
  SeriesResponse,
} from '@dcfleet/contracts';
import { RatingsWatcher } from '../src/ratings/ratings.watcher';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { END, HOUR, HOURS, local, START, YEAR } from './support/shanghai-year';

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
    // The day's 24 hourly steps (the last one runs to the next midnight's reading; the glitch nets out): not 5 GWh
    // more.
    expect(point!.increase).toBeCloseTo(24 * 1250, 6);
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

/**
 * A recorded meter exchange (issue #14, item 1): the facility meter is exchanged mid-year for one whose register
 * starts at 2 GWh (40 % of the old one's), so the meter rule reads the fall as a glitch and a year of energy goes
 * missing. The site's gateway records the exchange (old meter's final reading, new meter's first); the rating then
 * counts the step across it exactly, lists it, and revises the served rating.
 */
describe.each(dialects())('recorded meter exchanges on %s', (dialect) => {
  const CODE = 'RM-EXCH';
  const X = 24 * 150 + 10; // 10:00 local on day 150: the first reading of the new meter
  const AT = START + X * HOUR - 36 * 60_000; // exchanged at 09:24
  const OLD_FINAL = 5_000_000 + 1250 * (X + 1) + 500; // the old meter ran 24 more minutes (500 kWh)
  const NEW_INITIAL = 2_000_000;
  const reading = (k: number): number =>
    k < X ? 5_000_000 + 1250 * (k + 2) : NEW_INITIAL + 750 + 1250 * (k - X); // 36 minutes (750 kWh) on the new one
  let t: TestApp;
  let gateway: string;
  let admin: string;
  let regulator: string;

  const row = async () =>
    (
      (await (
        await t.request(`/api/v1/ratings?year=${YEAR}`, { token: regulator })
      ).json()) as RatingsResponse
    ).sites.find((s) => s.code === CODE)!;

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    await t.createSite(CODE, { hub: 'Guizhou' });
    gateway = (await t.createToken(CODE)).token;
    admin = await t.login('admin');
    regulator = await t.login('regulator');
    const samples: { ts: number; values: Record<string, number> }[] = [];
    for (let k = -2; k < HOURS; k++)
      samples.push({
        ts: START + k * HOUR,
        values: { facility_energy_kwh: reading(k), it_energy_kwh: 1000 * (k + 2) },
      });
    await t.ingestAll(gateway, samples, 2500);
    await t.flush();
  });
  afterAll(() => t?.close());

  it('without a record the fall reads as a glitch: three GWh of facility energy missing, a metering fault', async () => {
    const r = await row();
    // The hour across the exchange counts as the (negative) fall instead of its 1250 kWh.
    expect(r.energy.facilityKwh).toBeCloseTo(1250 * (HOURS - 1) + reading(X) - reading(X - 1), 3);
    expect(r.meters?.facility?.glitches).toBe(1);
    expect(r.meteringFault).toBe(true); // PUE < 1
  });

  it('refuses bad records with a reason and stores nothing', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ metric: 'it_power_kw', at: AT, oldFinal: 1, newInitial: 0 }, /metric must be one of/],
      [{ metric: 'facility_energy_kwh', at: Date.now() + 3_600_000, oldFinal: 1, newInitial: 0 }, /future/],
      [{ metric: 'facility_energy_kwh', at: 'yesterday', oldFinal: 1, newInitial: 0 }, /RFC 3339/],
      [{ metric: 'facility_energy_kwh', at: AT, oldFinal: -1, newInitial: 0 }, /oldFinal/],
      [{ metric: 'facility_energy_kwh', at: AT, oldFinal: 1 }, /newInitial/],
    ];
    for (const [json, reason] of bad) {
      const res = await t.request('/api/v1/ingest/meter-exchanges', { method: 'POST', token: gateway, json });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(reason);
    }
    // Users and gateways keep to their own routes; operators cannot record.
    const asUser = await t.request('/api/v1/ingest/meter-exchanges', {
      method: 'POST',
      token: admin,
      json: { metric: 'facility_energy_kwh', at: AT, oldFinal: OLD_FINAL, newInitial: NEW_INITIAL },
    });
    expect(asUser.status).toBe(401);
    const operator = await t.request(`/api/v1/datacenters/${CODE}/meter-exchanges`, {
      method: 'POST',
      token: await t.login('operator'),
      json: { metric: 'facility_energy_kwh', at: AT, oldFinal: OLD_FINAL, newInitial: NEW_INITIAL },
    });
    expect(operator.status).toBe(403);
    const list = await t.request(`/api/v1/datacenters/${CODE}/meter-exchanges`, { token: regulator });
    expect(await list.json()).toEqual([]);
  });

  it("the gateway's record makes the rating count the step exactly, list it as evidence, and revise the served year", async () => {
    const res = await t.request('/api/v1/ingest/meter-exchanges', {
      method: 'POST',
      token: gateway,
      json: {
        metric: 'facility_energy_kwh',
        at: new Date(AT).toISOString(),
        oldFinal: OLD_FINAL,
        newInitial: NEW_INITIAL,
        note: 'meter M-17 replaced',
      },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as MeterExchangeInfo;
    expect(created).toMatchObject({
      metric: 'facility_energy_kwh',
      recordedBy: expect.stringMatching(/^token:/),
    });
    await t.app.get(RatingsWatcher).settle();
    const r = await row();
    expect(r.energy.facilityKwh).toBeCloseTo(1250 * HOURS, 3);
    expect(r.pue).toBeCloseTo(1.25, 9);
    expect(r.meteringFault).toBe(false);
    expect(r.meters?.facility).toMatchObject({ glitches: 0, replacements: 0 });
    expect(r.meters?.facility?.events).toEqual([
      expect.objectContaining({
        kind: 'exchange',
        before: reading(X - 1),
        after: reading(X),
        withinDay: false,
      }),
    ]);
    const detail = (await (
      await t.request(`/api/v1/ratings/${CODE}?year=${YEAR}`, { token: regulator })
    ).json()) as RatingDetailResponse;
    expect(detail.evidence.meterExchanges).toEqual([
      expect.objectContaining({
        id: created.id,
        status: 'applied',
        before: { at: new Date(START + (X - 1) * HOUR).toISOString(), value: reading(X - 1) },
        after: { at: new Date(START + X * HOUR).toISOString(), value: reading(X) },
        note: 'meter M-17 replaced',
      }),
    ]);
    expect(detail.revisions[0]?.reason).toMatch(
      /meter exchange of facility_energy_kwh at .* recorded \(by token:/,
    );
  });

  it('an admin removes the record: the meter rule decides again', async () => {
    const [x] = (await (
      await t.request(`/api/v1/datacenters/${CODE}/meter-exchanges`, { token: regulator })
    ).json()) as MeterExchangeInfo[];
    const res = await t.request(`/api/v1/datacenters/${CODE}/meter-exchanges/${x!.id}`, {
      method: 'DELETE',
      token: admin,
    });
    expect(res.status).toBe(200);
    await t.app.get(RatingsWatcher).settle();
    expect((await row()).meters?.facility?.glitches).toBe(1);
  });
});
