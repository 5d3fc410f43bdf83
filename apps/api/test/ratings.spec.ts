/**
 * Green ratings end to end: a full (ended) year of hourly (or 2-hourly) meter readings is posted through the ingest API for
 * several sites; the ratings API must give the figures computed here independently from the simulated
 * constant loads (energy = power × hours), on SQLite and PostgreSQL.
 */
import type {
  EedExport,
  EligibilityExport,
  IngestResponse,
  RatingDetailResponse,
  RatingRow,
  RatingsResponse,
} from '@dcfleet/contracts';
import { DbHandle } from '../src/platform/database/db-handle';
import { RatingEvents, type RatingRevised } from '../src/ratings/rating-events';
import { RatingRevisionsService } from '../src/ratings/rating-revisions.service';
import { RatingsRepository } from '../src/ratings/ratings.repository';
import { latestYear } from '../src/ratings/rating-period';
import { RatingsService } from '../src/ratings/ratings.service';
import { RatingsWatcher } from '../src/ratings/ratings.watcher';
import { parseCsv } from './support/csv';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { END, HOUR, HOURS, local, NOW_LOCAL, START, YEAR } from './support/shanghai-year';

const iso = (ms: number): string => new Date(ms).toISOString();
const CURRENT = YEAR + 1;
const JUNE = local(YEAR, 6);
const JULY = local(YEAR, 7);

type Entry = { ts: number; values: Record<string, number> };

/**
 * Readings every `step` hours (k = hours since the year's start), from the last reading before the year to the
 * last one in it. A 2-hour step is still fully covered (the counter max gap is 2 h) and keeps the suite quick.
 */
function readings(step: 1 | 2, f: (k: number) => Record<string, number> | null): Entry[] {
  const out: Entry[] = [];
  for (let k = -step; k < HOURS; k += step) {
    const values = f(k);
    if (values) out.push({ ts: START + k * HOUR, values });
  }
  return out;
}

/** Energy counters of a constant load: reading after hour k. */
const counters = (facilityKw: number, itKw: number) => (k: number) => ({
  facility_energy_kwh: 50_000 + facilityKw * (k + 1),
  it_energy_kwh: 20_000 + itKw * (k + 1),
});

const SITES = {
  FLAT: 'RT-FLAT', // 1000 / 800 kW counters, with water, renewable and an emission factor
  RESET: 'RT-RESET', // 1200 / 1000 kW, both meters replaced mid-year
  GAP: 'RT-GAP', // 1000 / 800 kW, June missing
  FAULT: 'RT-FAULT', // IT 800 kW > facility 700 kW
  POWER: 'RT-POWER', // power gauges only, 1500 / 1000 kW
  MONTH: 'RT-MONTH', // current-year data only (closed-month revisions)
} as const;

function rowOf(body: { sites: RatingRow[] }, code: string): RatingRow {
  const row = body.sites.find((s) => s.code === code);
  if (!row) throw new Error(`no row for ${code}`);
  return row;
}

describe.each(dialects())('green ratings on %s', (dialect) => {
  let t: TestApp;
  let regulator: string;
  const tokens: Record<string, string> = {};
  const receiptsPosted: Record<string, number> = {};
  const revised: RatingRevised[] = [];

  async function post(
    code: string,
    entries: Entry[] | { metric: string; ts: number; value: number }[],
  ): Promise<void> {
    const perEntry = 'values' in (entries[0] ?? {}) ? Object.keys((entries[0] as Entry).values).length : 1;
    const chunk = Math.floor(5000 / perEntry);
    for (let i = 0; i < entries.length; i += chunk) {
      const res = await t.request('/api/v1/ingest', {
        method: 'POST',
        token: tokens[code],
        json: { samples: entries.slice(i, i + chunk) },
      });
      const body = (await res.json()) as IngestResponse;
      expect(res.status).toBe(200);
      expect(body.rejected).toEqual([]);
      receiptsPosted[code] = (receiptsPosted[code] ?? 0) + 1;
    }
  }

  const get = async <T>(path: string, token = regulator): Promise<T> => {
    const res = await t.request(path, { token });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    t.app.get(RatingEvents).onRevised((e) => revised.push(e));
    for (const code of Object.values(SITES)) {
      await t.createSite(code, { hub: 'Guizhou', gridEmissionFactor: code === SITES.FLAT ? 0.5 : null });
      tokens[code] = (await t.createToken(code)).token;
    }
    regulator = await t.login('regulator');

    await post(SITES.FLAT, readings(1, counters(1000, 800)));
    // Water (1 m³/h) and certified renewable energy (100 kW) read once a day at 23:00 local.
    const daily: Entry[] = [];
    for (let ts = START - HOUR; ts < END; ts += 24 * HOUR) {
      const h = (ts - (START - HOUR)) / HOUR;
      daily.push({ ts, values: { water_m3: 10 + h, renewable_energy_kwh: 100 * h } });
    }
    await post(SITES.FLAT, daily);

    // Facility meter replaced at 22:00 on day 166 (inside a daily bucket), IT meter at local midnight of day
    // 200 (between buckets); each new meter counts from 0.
    const rF = 4006;
    const rI = 24 * 200;
    await post(
      SITES.RESET,
      readings(2, (k) => ({
        facility_energy_kwh: k < rF ? 9_000_000 + 1200 * (k + 2) : 1200 * (k - rF + 2),
        it_energy_kwh: k < rI ? 3_000_000 + 1000 * (k + 2) : 1000 * (k - rI + 2),
      })),
    );
    const flat = counters(1000, 800);
    await post(
      SITES.GAP,
      readings(2, (k) => (START + k * HOUR >= JUNE && START + k * HOUR < JULY ? null : flat(k))),
    );
    await post(SITES.FAULT, readings(2, counters(700, 800)));
    await post(
      SITES.POWER,
      readings(2, () => ({ facility_power_kw: 1500, it_power_kw: 1000 })),
    );
    await t.flush();
  });
  afterAll(() => t?.close());

  it('rates every site of an ended year from its counters, resets and gaps handled', async () => {
    const started = performance.now();
    const body = await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000); // loose: catches a per-bucket or per-day query, not a slow CI machine
    expect(body.year).toBe(YEAR);
    expect(body.scheme.id).toBe('GB40879-2021');
    // The rules are stated with the answer, not only in the README.
    expect(body.scheme.rules).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^status: final once the period has ended and coverage .* at least 0\.95/),
        expect.stringMatching(/^counters: a reading at most 0\.1 of the previous one is a meter replacement/),
      ]),
    );
    expect(Date.parse(body.generatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.sites.map((s) => s.code).sort()).toEqual(Object.values(SITES).sort());

    const flat = rowOf(body, SITES.FLAT);
    expect(flat).toMatchObject({
      name: `Site ${SITES.FLAT}`,
      hub: 'Guizhou',
      from: iso(START),
      to: iso(END),
      pue: 1.25,
      pueCategory: 1,
      status: 'final',
      coverage: 1,
      grade: 2,
      meetsHubTarget: true,
      meteringFault: false,
      sources: { facility: 'counter', it: 'counter' },
      energy: {
        facilityKwh: 1000 * HOURS,
        itKwh: 800 * HOURS,
        renewableKwh: 100 * HOURS,
        reusedKwh: null,
        waterM3: HOURS,
      },
    });
    expect(flat.dcie).toBeCloseTo(0.8, 12);
    expect(flat.wue).toBeCloseTo((HOURS * 1000) / (800 * HOURS), 12); // L/kWh
    expect(flat.ref).toBeCloseTo(0.1, 12);
    expect(flat.cue).toBeCloseTo((0.5 * (1000 - 100)) / 800, 12);
    expect(flat.cueLocation).toBeCloseTo(0.5 * 1.25, 12);
    expect(flat.erf).toBeNull();
    expect(flat.ere).toBeNull();

    const reset = rowOf(body, SITES.RESET);
    expect(reset).toMatchObject({
      pue: 1.2,
      status: 'final',
      coverage: 1,
      grade: 1,
      meetsHubTarget: true,
      energy: { facilityKwh: 1200 * HOURS, itKwh: 1000 * HOURS },
    });
    // No factor of its own and no grid region: the latest published national factor up to the year (2022's).
    expect(reset.emissionFactor).toMatchObject({
      factor: 0.5366,
      kind: 'national',
      region: 'CN',
      year: 2022,
    });
    expect(reset.cue).toBeCloseTo(0.5366 * 1.2, 12);
    expect(flat.emissionFactor).toMatchObject({ factor: 0.5, kind: 'site' });

    // No readings from May 31 22:00 to Jul 1 00:00, but both meters kept counting: June's energy is there and its
    // time counts as measured (was interim at 11/12 coverage).
    const gap = rowOf(body, SITES.GAP);
    expect(gap.status).toBe('final');
    expect(gap.coverage).toBe(1);
    expect(gap.pue).toBe(1.25);
    expect(gap.energy.facilityKwh).toBe(1000 * HOURS);
    expect(gap.grade).toBe(2);
    expect(gap.meetsHubTarget).toBe(true);

    const fault = rowOf(body, SITES.FAULT);
    expect(fault).toMatchObject({ meteringFault: true, grade: null, meetsHubTarget: null, status: 'final' });
    expect(fault.pue).toBeCloseTo(700 / 800, 12);
    expect(fault.faultReasons.join()).toMatch(/exceeds facility/);

    const power = rowOf(body, SITES.POWER);
    expect(power).toMatchObject({
      pue: 1.5,
      status: 'final',
      grade: 3,
      meetsHubTarget: false,
      sources: { facility: 'power', it: 'power' },
      energy: { facilityKwh: 1500 * HOURS, itKwh: 1000 * HOURS },
    });
    expect(power.coverage).toBeCloseTo(1, 9);

    expect(rowOf(body, SITES.MONTH)).toMatchObject({
      status: 'insufficient-data',
      pue: null,
      coverage: 0,
      grade: null,
    });
  });

  it('weights the fleet by energy (Σ facility / Σ IT) over final sites only, leaving out faults and empty sites', async () => {
    const { fleet } = await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`);
    // FLAT, RESET, GAP and POWER; not FAULT or MONTH (no data in YEAR).
    const facility = (1000 + 1200 + 1000 + 1500) * HOURS;
    const it = (800 + 1000 + 800 + 1000) * HOURS;
    expect(fleet.sites).toBe(4);
    expect(fleet.excluded).toBe(2);
    expect(fleet.excludedBy).toEqual({ 'metering-fault': 1, 'insufficient-data': 1 });
    expect(fleet.energy.facilityKwh).toBe(facility);
    expect(fleet.energy.itKwh).toBe(it);
    expect(fleet.pue).toBeCloseTo(facility / it, 12);
    const meanOfPues = (1.25 + 1.2 + 1.25 + 1.5) / 4;
    expect(Math.abs(fleet.pue! - meanOfPues)).toBeGreaterThan(0.004);
    // FAULT's 800 kW of IT energy is measured but not rated: 3.6 of 4.4 units.
    expect(fleet.coverage).toBeCloseTo(3600 / 4400, 6);
    expect(fleet.status).toBe('interim');
  });

  it("computes the fleet row over the caller's scope and says which (an organisation's two sites)", async () => {
    const admin = await t.login('admin');
    const org = { code: 'RT-ORG', name: 'Ratings Test Co.' };
    expect(
      (await t.request('/api/v1/organizations', { method: 'POST', token: admin, json: org })).status,
    ).toBe(201);
    for (const site of [SITES.FLAT, SITES.POWER]) {
      const moved = await t.request('/api/v1/organizations/RT-ORG/sites', {
        method: 'POST',
        token: admin,
        json: { site },
      });
      expect(moved.status).toBe(200);
    }
    const member = await t.loginNew('rt-org-op', 'operator', { organization: 'RT-ORG' });
    const mine = await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`, member);
    // FLAT 1000 / 800 kW and POWER 1500 / 1000 kW all year: (1000 + 1500) / (800 + 1000) = 2500 / 1800.
    expect(mine.scope).toEqual({ kind: 'organization', ...org });
    expect(mine.sites.map((r) => r.code).sort()).toEqual([SITES.FLAT, SITES.POWER]);
    expect(mine.fleet.sites).toBe(2);
    expect(mine.fleet.energy.facilityKwh).toBe(2500 * HOURS);
    expect(mine.fleet.energy.itKwh).toBe(1800 * HOURS);
    expect(mine.fleet.pue).toBeCloseTo(2500 / 1800, 12);
    const csv = await (await t.request(`/api/v1/ratings.csv?year=${YEAR}`, { token: member })).text();
    expect(csv).toMatch(/\r\nFLEET,"Fleet of Ratings Test Co\. \(RT-ORG\), energy-weighted \(2 sites/);
    // The hub's row is unchanged by the organisation's: cached per site, aggregated per scope.
    const hub = await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`);
    expect(hub.scope).toEqual({ kind: 'hub' });
    expect(hub.fleet.sites).toBe(4);
    for (const site of [SITES.FLAT, SITES.POWER])
      await t.request('/api/v1/organizations/DEFAULT/sites', {
        method: 'POST',
        token: admin,
        json: { site },
      });
  });

  it('exports the table as CSV with a header, one row per site and a FLEET row', async () => {
    const res = await t.request(`/api/v1/ratings.csv?year=${YEAR}`, { token: regulator });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="dcfleet-ratings-${YEAR}.csv"`);
    const rows = parseCsv(await res.text());
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['code', 'name', 'hub']);
    expect(rows).toHaveLength(1 + Object.keys(SITES).length + 1);
    const byCode = new Map(
      rows.slice(1).map((r) => [r[0]!, Object.fromEntries(header.map((h, i) => [h, r[i]!]))]),
    );
    expect(byCode.get(SITES.FLAT)).toMatchObject({
      pue: '1.25',
      grade: '2',
      status: 'final',
      meets_hub_target: 'true',
      facility_kwh: String(1000 * HOURS),
    });
    expect(byCode.get(SITES.GAP)).toMatchObject({ status: 'final', grade: '2' });
    expect(byCode.get(SITES.FAULT)).toMatchObject({ metering_fault: 'true', grade: '' });
    const fleet = byCode.get('FLEET')!;
    expect(Number(fleet.pue)).toBeCloseTo(4700 / 3600, 6);
    expect(fleet.name).toMatch(
      /energy-weighted \(4 sites, 2 excluded: 1 insufficient-data, 1 metering-fault\)/,
    );
    expect(fleet).toMatchObject({ status: 'interim' });
  });

  it('exports National Green Data Center eligibility: each criterion met, failed or missing, JSON and CSV', async () => {
    const x = await get<EligibilityExport>(`/api/v1/ratings/eligibility?year=${YEAR}`);
    expect(x.scheme.id).toBe('MIIT-green-dc-2025');
    const flat = x.sites.find((s) => s.code === SITES.FLAT)!;
    // Final, PUE 1.25, grade 2: met; racks and commissioning date were never entered, occupancy is not recorded.
    expect(flat.eligible).toBe(false);
    expect(flat.failed).toEqual([]);
    expect(flat.missing).toEqual(['racks', 'rack occupancy', 'years in operation']);
    expect(flat.criteria.find((c) => c.criterion === 'PUE')).toMatchObject({ value: '1.250', met: true });
    const fault = x.sites.find((s) => s.code === SITES.FAULT)!;
    expect(fault.failed).toContain('final annual rating without metering fault');
    const csv = await t.request(`/api/v1/ratings/eligibility.csv?year=${YEAR}`, { token: regulator });
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="dcfleet-green-dc-eligibility-${YEAR}.csv"`,
    );
    const rows = parseCsv(await csv.text());
    expect(rows[0]).toEqual([
      'code',
      'name',
      'hub',
      'year',
      'scheme',
      'eligible',
      'failed',
      'missing',
      'not_assessed',
      // Chinese names, appended (existing columns keep their places).
      'name_zh',
      'hub_zh',
    ]);
    expect(rows).toHaveLength(1 + Object.keys(SITES).length);
    const trailing = await t.request('/api/v1/ratings/eligibility?period=trailing12', { token: regulator });
    expect(trailing.status).toBe(400);
  });

  it('exports the EU EED annual report with the fields dcfleet measures and those it cannot fill', async () => {
    const x = await get<EedExport>(`/api/v1/ratings/eed?year=${YEAR}`);
    expect(x.scheme).toMatchObject({ id: 'EU-2024/1364', minItPowerKw: 500 });
    expect(x.notFilled).toContain('total floor area (m²)');
    const flat = x.sites.find((s) => s.code === SITES.FLAT)!;
    expect(flat).toMatchObject({
      applies: false, // installed IT power not entered
      status: 'final',
      totalEnergyKwh: 1000 * HOURS,
      itEnergyKwh: 800 * HOURS,
      pue: 1.25,
    });
    expect(flat.waterInputM3).toBeGreaterThan(0);
    expect(flat.renewableEnergyKwh).toBeGreaterThan(0);
    const csv = await t.request(`/api/v1/ratings/eed.csv?year=${YEAR}`, { token: regulator });
    const rows = parseCsv(await csv.text());
    const header = rows[0]!;
    const flatRow = Object.fromEntries(header.map((h, i) => [h, rows.find((r) => r[0] === SITES.FLAT)![i]]));
    expect(flatRow).toMatchObject({ reporting_year: String(YEAR), pue: '1.25', eed_applies: 'false' });
    expect(flatRow.not_filled).toContain('redundancy level');
  });

  it('breaks a site year into 12 local months that add up to the year, with evidence', async () => {
    const flat = await get<RatingDetailResponse>(`/api/v1/ratings/${SITES.FLAT}?year=${YEAR}`);
    expect(flat).toMatchObject({ code: SITES.FLAT, year: YEAR, pue: 1.25, status: 'final', grade: 2 });
    expect(flat.monthly.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(flat.monthly[0]).toMatchObject({ year: YEAR, from: iso(START), to: iso(local(YEAR, 2)) });
    for (const m of flat.monthly) {
      const hours = (Date.parse(m.to) - Date.parse(m.from)) / HOUR;
      expect(m).toMatchObject({ facilityKwh: 1000 * hours, itKwh: 800 * hours, pue: 1.25, coverage: 1 });
    }
    expect(flat.monthly.reduce((s, m) => s + m.facilityKwh, 0)).toBe(flat.energy.facilityKwh);
    expect(flat.monthly.reduce((s, m) => s + m.itKwh, 0)).toBe(flat.energy.itKwh);
    expect(flat.evidence.receiptCount).toBe(receiptsPosted[SITES.FLAT]);
    expect(flat.evidence.chainHead.seq).toBe(receiptsPosted[SITES.FLAT]);
    expect(flat.evidence.chainHead.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(flat.evidence.chainVerification).toMatchObject({
      valid: true,
      firstBroken: null,
      head: flat.evidence.chainHead,
    });
    expect(flat.evidence.dataGaps).toEqual({ facility: [], it: [] });
    expect(flat.revisions).toEqual([]);

    const gap = await get<RatingDetailResponse>(`/api/v1/ratings/${SITES.GAP}?year=${YEAR}`);
    expect(gap.monthly.reduce((s, m) => s + m.facilityKwh, 0)).toBe(gap.energy.facilityKwh);
    expect(gap.monthly[5]).toMatchObject({ month: 6, facilityKwh: 0, coverage: 0, pue: null });
    const gapLink = { from: iso(JUNE - 2 * HOUR), to: iso(JULY), bridged: true };
    expect(gap.evidence.dataGaps).toEqual({ facility: [gapLink], it: [gapLink] });

    const reset = await get<RatingDetailResponse>(`/api/v1/ratings/${SITES.RESET}?year=${YEAR}`);
    expect(reset.monthly.reduce((s, m) => s + m.facilityKwh, 0)).toBe(1200 * HOURS);
    expect(reset.monthly.every((m) => m.pue !== null && Math.abs(m.pue - 1.2) < 1e-12)).toBe(true);
  });

  it('rates the 12 complete local months before now (period=trailing12)', async () => {
    const body = await get<RatingsResponse>('/api/v1/ratings?period=trailing12');
    expect(body.period).toBe('trailing12');
    expect(body.year).toBeUndefined();
    const y = NOW_LOCAL.getUTCFullYear();
    const m = NOW_LOCAL.getUTCMonth() + 1;
    const from = local(y - 1, m);
    const to = local(y, m);
    const flat = rowOf(body, SITES.FLAT);
    expect(flat).toMatchObject({ from: iso(from), to: iso(to) });
    const overlapHours = Math.max(0, Math.min(to, END) - Math.max(from, START)) / HOUR;
    expect(flat.energy.facilityKwh).toBe(1000 * overlapHours);
    expect(flat.coverage).toBeCloseTo(overlapHours / ((to - from) / HOUR), 9);

    const detail = await get<RatingDetailResponse>(`/api/v1/ratings/${SITES.FLAT}?period=trailing12`);
    expect(detail.monthly).toHaveLength(12);
    expect(detail.monthly[0]).toMatchObject({ year: y - 1, month: m, from: iso(from) });
    expect(detail.monthly.reduce((s, r) => s + r.facilityKwh, 0)).toBe(detail.energy.facilityKwh);
  });

  it('validates the period and the site (400 with a reason, 404)', async () => {
    for (const q of [
      '',
      '?year=',
      '?year=abcd',
      '?year=1999',
      `?year=${CURRENT + 2}`,
      '?year=20250',
      '?period=last12',
      `?year=${YEAR}&period=trailing12`,
    ]) {
      const res = await t.request(`/api/v1/ratings${q}`, { token: regulator });
      expect([q, res.status]).toEqual([q, 400]);
      expect(((await res.json()) as { message: string }).message).toBeTruthy();
    }
    expect((await t.request(`/api/v1/ratings.csv?year=1999`, { token: regulator })).status).toBe(400);
    expect((await t.request(`/api/v1/ratings/${SITES.FLAT}?year=x`, { token: regulator })).status).toBe(400);
    expect((await t.request(`/api/v1/ratings/NO-SUCH-SITE?year=${YEAR}`, { token: regulator })).status).toBe(
      404,
    );
    expect((await t.request(`/api/v1/ratings?year=${CURRENT}`, { token: regulator })).status).toBe(200);
  });

  it('lets every user role read ratings; refuses ingest tokens and anonymous callers (401)', async () => {
    for (const role of ['admin', 'operator', 'regulator'] as const) {
      const token = await t.login(role);
      for (const path of [
        `/api/v1/ratings?year=${YEAR}`,
        `/api/v1/ratings/${SITES.FLAT}?year=${YEAR}`,
        `/api/v1/ratings.csv?year=${YEAR}`,
      ]) {
        expect([role, path, (await t.request(path, { token })).status]).toEqual([role, path, 200]);
      }
    }
    for (const path of [
      `/api/v1/ratings?year=${YEAR}`,
      `/api/v1/ratings/${SITES.FLAT}?year=${YEAR}`,
      `/api/v1/ratings.csv?year=${YEAR}`,
    ]) {
      expect((await t.request(path, { token: tokens[SITES.FLAT] })).status).toBe(401);
      expect((await t.request(path)).status).toBe(401);
    }
  });

  it('serves repeated reads from the cache, keeps it across current data and drops it on late data', async () => {
    const repo = t.app.get(RatingsRepository);
    const watcher = t.app.get(RatingsWatcher);
    await watcher.settle();
    watcher.debounceMs = 600_000; // keep the background re-check out of the read counts below (next test settles it)
    const reads = jest.spyOn(repo, 'dailyBuckets');
    try {
      await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`);
      await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`);
      expect(reads).toHaveBeenCalledTimes(0); // computed by the earlier tests, unchanged since

      // Live data of today does not touch the ended year.
      await post(SITES.FLAT, [{ metric: 'facility_power_kw', ts: Date.now() - 60_000, value: 1000 }]);
      await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`);
      expect(reads).toHaveBeenCalledTimes(0);

      // A corrected last reading of the year (+8760 kWh): last write wins.
      await post(SITES.FLAT, [
        { metric: 'facility_energy_kwh', ts: END - HOUR, value: 50_000 + 1000 * HOURS + 8760 },
      ]);
      const beforeFlush = rowOf(await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`), SITES.FLAT);
      expect(reads).toHaveBeenCalledTimes(1); // the cache entry was dropped …
      expect(beforeFlush.pue).toBe(1.25); // … but the rollups do not have the sample yet
      await t.flush();
      const after = rowOf(await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`), SITES.FLAT);
      expect(reads).toHaveBeenCalledTimes(2); // not cached while the batch was pending
      expect(after.energy.facilityKwh).toBe(1000 * HOURS + 8760);
      expect(after.pue).toBeCloseTo((1000 * HOURS + 8760) / (800 * HOURS), 12);
      expect(after.meetsHubTarget).toBe(false);
      expect(after.grade).toBe(2);
    } finally {
      reads.mockRestore();
      watcher.debounceMs = 2000;
    }
  });

  it('records a revision of the closed year and emits it once', async () => {
    await t.app.get(RatingsWatcher).settle();
    await t.app.get(RatingRevisionsService).idle();
    const detail = await get<RatingDetailResponse>(`/api/v1/ratings/${SITES.FLAT}?year=${YEAR}`);
    const newPue = (1000 * HOURS + 8760) / (800 * HOURS);
    expect(detail.revisions).toHaveLength(1);
    const [rev] = detail.revisions;
    expect(rev).toMatchObject({
      year: YEAR,
      month: null,
      previousPue: 1.25,
      previousStatus: 'final',
      status: 'final',
    });
    expect(rev!.pue).toBeCloseTo(newPue, 12);
    expect(rev!.reason).toMatch(/late data changed the year \d{4} rating: PUE 1\.25 → 1\.25125/);
    expect(Date.parse(rev!.revisedAt)).toBeGreaterThan(Date.now() - 120_000);
    const events = revised.filter((e) => e.code === SITES.FLAT);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      code: SITES.FLAT,
      year: YEAR,
      month: null,
      previousPue: 1.25,
      revisionId: rev!.id,
    });
    expect(events[0]!.pue).toBeCloseTo(newPue, 12);
    expect('seq' in events[0]!).toBe(false);

    // Sites whose data did not change have no revision.
    const other = await get<RatingDetailResponse>(`/api/v1/ratings/${SITES.RESET}?year=${YEAR}`);
    expect(other.revisions).toEqual([]);
    const db = t.app.get(DbHandle);
    const n =
      db.dialect === 'sqlite'
        ? (db.sqlite.prepare('SELECT COUNT(*) AS n FROM rating_revisions').get() as { n: number }).n
        : Number(
            (await db.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM rating_revisions')).rows[0]!.n,
          );
    expect(n).toBe(1);
  });

  it('records a revision of a closed month of the current year from the background check', async () => {
    const march = local(CURRENT, 3);
    const april = local(CURRENT, 4);
    const entries: Entry[] = [];
    for (let ts = march - HOUR; ts < april; ts += HOUR) {
      const k = (ts - march) / HOUR;
      entries.push({ ts, values: { facility_energy_kwh: 1000 * (k + 1), it_energy_kwh: 800 * (k + 1) } });
    }
    await post(SITES.MONTH, entries);
    await t.flush();
    await t.app.get(RatingsWatcher).settle();
    await t.app.get(RatingRevisionsService).idle();
    let detail = await get<RatingDetailResponse>(`/api/v1/ratings/${SITES.MONTH}?year=${CURRENT}`);
    expect(detail.monthly[2]).toMatchObject({ month: 3, pue: 1.25, coverage: 1 });
    expect(detail.revisions).toEqual([]);

    // A late correction of March's last reading, then the debounced check (run now) compares with the baseline.
    await post(SITES.MONTH, [
      { metric: 'it_energy_kwh', ts: april - HOUR, value: 800 * ((april - march) / HOUR) - 744 },
    ]);
    await t.flush();
    await t.app.get(RatingsWatcher).settle();
    detail = await get<RatingDetailResponse>(`/api/v1/ratings/${SITES.MONTH}?year=${CURRENT}`);
    const hours = (april - march) / HOUR;
    expect(detail.revisions).toHaveLength(1);
    expect(detail.revisions[0]).toMatchObject({ year: CURRENT, month: 3, previousPue: 1.25 });
    expect(detail.revisions[0]!.pue).toBeCloseTo((1000 * hours) / (800 * hours - 744), 12);
    expect(detail.revisions[0]!.reason).toMatch(/detected after ingest/);
    expect(revised.filter((e) => e.code === SITES.MONTH).map((e) => e.month)).toEqual([3]);
  });
  it('records no revision for a closed year nobody has read yet: a first backfill is not a change', async () => {
    // A site created now (no earlier test listed it): its history arrives in two halves with the background
    // checks in between. The first half alone is an interim rating, but nobody saw it: nothing to revise.
    const code = 'RT-BACKFILL';
    await t.createSite(code);
    tokens[code] = (await t.createToken(code)).token;
    const all = readings(2, counters(1000, 800));
    const watcher = t.app.get(RatingsWatcher);
    await post(code, all.slice(0, all.length / 2));
    await t.flush();
    await watcher.settle();
    await post(code, all.slice(all.length / 2));
    await t.flush();
    await watcher.settle();
    await t.app.get(RatingRevisionsService).idle();
    const detail = await get<RatingDetailResponse>(`/api/v1/ratings/${code}?year=${YEAR}`);
    expect(detail).toMatchObject({ status: 'final', pue: 1.25 });
    expect(detail.revisions).toEqual([]);
    expect(revised.filter((e) => e.code === code)).toEqual([]);

    // From this read on, a change is a revision.
    await post(code, [
      { metric: 'it_energy_kwh', ts: END - 2 * HOUR, value: 20_000 + 800 * (HOURS - 1) - 8000 },
    ]);
    await t.flush();
    await watcher.settle();
    await t.app.get(RatingRevisionsService).idle();
    const again = await get<RatingDetailResponse>(`/api/v1/ratings/${code}?year=${YEAR}`);
    expect(again.revisions).toHaveLength(1);
    expect(again.revisions[0]).toMatchObject({ year: YEAR, month: null, previousPue: 1.25 });
  });
  it('warms the cache with last year, this year and the trailing 12 months, so first reads are cache hits', async () => {
    const svc = t.app.get(RatingsService);
    const repo = t.app.get(RatingsRepository);
    svc.cache.clear();
    await svc.warm();
    const reads = jest.spyOn(repo, 'dailyBuckets');
    try {
      const year = latestYear(); // what warm() takes as "this year"
      await get<RatingsResponse>(`/api/v1/ratings?year=${year - 1}`);
      await get<RatingsResponse>(`/api/v1/ratings?year=${year}`);
      await get<RatingsResponse>('/api/v1/ratings?period=trailing12');
      expect(reads).toHaveBeenCalledTimes(0);
      svc.cache.clear();
      await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`);
      expect(reads).toHaveBeenCalled(); // the spy does see cold reads
    } finally {
      reads.mockRestore();
    }
  });
});

// Configuration, not storage: SQLite is enough.
describe('hub PUE targets from the configuration (HUB_TARGET_PUE, HUB_TARGETS)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp('sqlite', { HUB_TARGET_PUE: '1.3', HUB_TARGETS: 'Guizhou=1.5, Ulanqab=1.2' });
  });
  afterAll(() => t?.close());

  it('rates each site against its hub’s target and reports the targets in the scheme', async () => {
    const token = async (code: string, hub: string) => {
      await t.createSite(code, { hub });
      return (await t.createToken(code)).token;
    };
    const sites = { 'HT-GZ': await token('HT-GZ', 'Guizhou'), 'HT-XX': await token('HT-XX', 'Elsewhere') };
    const entries = readings(2, () => ({ facility_power_kw: 1400, it_power_kw: 1000 })); // PUE 1.40
    for (const tk of Object.values(sites)) {
      for (let i = 0; i < entries.length; i += 2500) {
        const res = await t.request('/api/v1/ingest', {
          method: 'POST',
          token: tk,
          json: { samples: entries.slice(i, i + 2500) },
        });
        expect(res.status).toBe(200);
      }
    }
    await t.flush();
    const res = await t.request(`/api/v1/ratings?year=${YEAR}`, { token: await t.login('regulator') });
    const body = (await res.json()) as RatingsResponse;
    expect(body.scheme.hubTarget).toEqual({ defaultMaxPue: 1.3, overrides: { Guizhou: 1.5, Ulanqab: 1.2 } });
    const row = (code: string) => body.sites.find((s) => s.code === code)!;
    expect(row('HT-GZ')).toMatchObject({ status: 'final', grade: 3, meetsHubTarget: true }); // 1.40 ≤ 1.5
    expect(row('HT-XX')).toMatchObject({ status: 'final', grade: 3, meetsHubTarget: false }); // 1.40 > 1.3
  });
});
