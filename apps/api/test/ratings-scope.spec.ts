/**
 * Ratings per scope (issue #16; docs/contract.md "Green ratings"), on each database. Two organisations own two sites
 * each; every site meters a constant load through the whole ended year YEAR (energy counters read every 2 hours), so a
 * site's energies are kW × HOURS and each scope's fleet PUE (Σ E_DC / Σ E_IT, never a mean of site PUEs) is computed
 * here by hand:
 *
 *   site  owner  region   facility kW  IT kW  PUE
 *   A-1   ALPHA  Zunyi        1000      800   1.25
 *   A-2   ALPHA  Guiyang      1300     1000   1.3
 *   B-1   BETA   Zunyi        1200     1000   1.2
 *   B-2   BETA   Anshun        900      600   1.5
 *
 *   ALPHA            (1000 + 1300) / (800 + 1000)                    = 2300 / 1800 ≈ 1.27778 (mean 1.275)
 *   BETA            (B-1, B-2)  (1200 + 900) / (1000 + 600)                     = 2100 / 1600 = 1.3125  (mean 1.35)
 *   regions [Zunyi] (A-1, B-1)  (1000 + 1200) / (800 + 1000)                    = 2200 / 1800 ≈ 1.22222 (mean 1.225)
 *   hub             (all four)  (1000 + 1300 + 1200 + 900) / (800 + 1000 + 1000 + 600) = 4400 / 3400 ≈ 1.29412
 *
 * The role × scope matrix (test/scope-matrix.spec.ts) checks statuses of every route; this file checks the figures.
 */
import type {
  EedExport,
  EligibilityExport,
  MeterExchangeInfo,
  RatingDetailResponse,
  RatingsResponse,
  ScopeInfo,
} from '@dcfleet/contracts';
import { parseCsv } from './support/csv';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { HOUR, HOURS, START, YEAR } from './support/shanghai-year';

const LOAD = {
  'A-1': { org: 'ALPHA', region: 'Zunyi', facility: 1000, it: 800 },
  'A-2': { org: 'ALPHA', region: 'Guiyang', facility: 1300, it: 1000 },
  'B-1': { org: 'BETA', region: 'Zunyi', facility: 1200, it: 1000 },
  'B-2': { org: 'BETA', region: 'Anshun', facility: 900, it: 600 },
} as const;
type Site = keyof typeof LOAD;
const ALL_SITES = Object.keys(LOAD) as Site[];
const ORGS = { ALPHA: 'Alpha Compute Co.', BETA: 'Beta Data, Ltd.' } as const;

type Caller = 'hub' | 'alphaOperator' | 'alphaAdmin' | 'betaRegulator' | 'zunyiRegulator';

/** What a caller sees: its sites and how its scope is described (and the CSV's words for it). */
interface View {
  sites: Site[];
  scope: ScopeInfo;
  label: string;
}

/** ALPHA's members see ALPHA's sites whatever their role. */
const ALPHA_VIEW: View = {
  sites: ['A-1', 'A-2'],
  scope: { kind: 'organization', code: 'ALPHA', name: ORGS.ALPHA },
  label: `${ORGS.ALPHA} (ALPHA)`,
};

const SEES: Record<Caller, View> = {
  hub: { sites: ALL_SITES, scope: { kind: 'hub' }, label: 'all sites' },
  alphaOperator: ALPHA_VIEW,
  alphaAdmin: ALPHA_VIEW,
  betaRegulator: {
    sites: ['B-1', 'B-2'],
    scope: { kind: 'organization', code: 'BETA', name: ORGS.BETA },
    label: `${ORGS.BETA} (BETA)`,
  },
  zunyiRegulator: {
    sites: ['A-1', 'B-1'],
    scope: { kind: 'regions', regions: ['Zunyi'] },
    label: 'regions Zunyi',
  },
};
const CALLERS = Object.keys(SEES) as Caller[];

/** The hand computation of the header, per caller: Σ facility kW and Σ IT kW of its sites. */
const HAND: Record<Caller, { facilityKw: number; itKw: number }> = {
  hub: { facilityKw: 4400, itKw: 3400 },
  alphaOperator: { facilityKw: 2300, itKw: 1800 },
  alphaAdmin: { facilityKw: 2300, itKw: 1800 },
  betaRegulator: { facilityKw: 2100, itKw: 1600 },
  zunyiRegulator: { facilityKw: 2200, itKw: 1800 },
};

const sorted = (codes: readonly string[]): string[] => [...codes].sort();

describe.each(dialects())('ratings per scope on %s', (dialect) => {
  let t: TestApp;
  const tokens = new Map<Caller, string>();

  const get = async <T>(path: string, caller: Caller): Promise<T> => {
    const res = await t.request(path, { token: tokens.get(caller) });
    if (res.status !== 200) throw new Error(`${path} as ${caller}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const text = async (path: string, caller: Caller): Promise<string> => {
    const res = await t.request(path, { token: tokens.get(caller) });
    if (res.status !== 200) throw new Error(`${path} as ${caller}: ${res.status} ${await res.text()}`);
    return res.text();
  };
  const move = async (site: Site, org: string): Promise<void> => {
    const res = await t.request(`/api/v1/organizations/${org}/sites`, {
      method: 'POST',
      token: tokens.get('hub'),
      json: { site },
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    const admin = await t.login('admin');
    for (const [code, name] of Object.entries(ORGS)) {
      const res = await t.request('/api/v1/organizations', {
        method: 'POST',
        token: admin,
        json: { code, name },
      });
      expect(res.status).toBe(201);
    }
    for (const code of ALL_SITES) {
      const { org, region, facility, it } = LOAD[code];
      await t.createSite(code, { organization: org, region, hub: 'Guizhou' });
      const ingest = await t.createToken(code);
      // Counters read every 2 hours from the last reading before the year (k = -2) to the last one in it.
      const samples: { ts: number; values: Record<string, number> }[] = [];
      for (let k = -2; k < HOURS; k += 2)
        samples.push({
          ts: START + k * HOUR,
          values: { facility_energy_kwh: 50_000 + facility * (k + 1), it_energy_kwh: 20_000 + it * (k + 1) },
        });
      await t.ingestAll(ingest.token, samples, 2500);
    }
    await t.flush();
    tokens.set('hub', admin);
    tokens.set('alphaOperator', await t.loginNew('alpha-op', 'operator', { organization: 'ALPHA' }));
    tokens.set('alphaAdmin', await t.loginNew('alpha-admin', 'admin', { organization: 'ALPHA' }));
    tokens.set('betaRegulator', await t.loginNew('beta-reg', 'regulator', { organization: 'BETA' }));
    tokens.set('zunyiRegulator', await t.loginNew('zunyi-reg', 'regulator', { regions: ['Zunyi'] }));
  });
  afterAll(() => t?.close());

  function expectOwnFleet(body: RatingsResponse, caller: Caller): void {
    const { sites, scope } = SEES[caller];
    const { facilityKw, itKw } = HAND[caller];
    expect(body.scope).toEqual(scope);
    expect(sorted(body.sites.map((r) => r.code))).toEqual(sorted(sites));
    for (const row of body.sites) expect(row.status).toBe('final');
    expect(body.fleet.sites).toBe(sites.length);
    expect(body.fleet.excluded).toBe(0);
    expect(body.fleet.energy.facilityKwh).toBe(facilityKw * HOURS);
    expect(body.fleet.energy.itKwh).toBe(itKw * HOURS);
    expect(body.fleet.pue).toBeCloseTo(facilityKw / itKw, 12);
    expect(body.fleet.status).toBe('final');
  }

  it('gives each caller its sites and the fleet row over them, energy-weighted (numbers in the header)', async () => {
    // All at once: the per-site cache is filled by whichever comes first; each fleet row is still its own.
    const bodies = await Promise.all(
      CALLERS.map((c) => get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`, c)),
    );
    CALLERS.forEach((c, i) => expectOwnFleet(bodies[i]!, c));
    // Again from the cache, in the opposite order: no scope's row is served to another.
    for (const c of [...CALLERS].reverse())
      expectOwnFleet(await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`, c), c);
    // Spot checks of the hand computation, and that it is not a mean of the sites' PUEs.
    const alpha = bodies[CALLERS.indexOf('alphaOperator')]!.fleet.pue!;
    expect(alpha).toBeCloseTo(1.277778, 6);
    expect(Math.abs(alpha - (1.25 + 1.3) / 2)).toBeGreaterThan(0.002);
    expect(bodies[CALLERS.indexOf('betaRegulator')]!.fleet.pue).toBeCloseTo(1.3125, 12);
    expect(bodies[CALLERS.indexOf('zunyiRegulator')]!.fleet.pue).toBeCloseTo(1.222222, 6);
    expect(bodies[CALLERS.indexOf('hub')]!.fleet.pue).toBeCloseTo(1.294118, 6);
  });

  it('lists only the sites in scope for the trailing 12 months too', async () => {
    for (const c of CALLERS) {
      const body = await get<RatingsResponse>('/api/v1/ratings?period=trailing12', c);
      expect(body.scope).toEqual(SEES[c].scope);
      expect(sorted(body.sites.map((r) => r.code))).toEqual(sorted(SEES[c].sites));
    }
  });

  it.each(CALLERS)('ratings CSV read by %s: its sites, and a FLEET row naming its scope', async (c) => {
    const rows = parseCsv(await text(`/api/v1/ratings.csv?year=${YEAR}`, c));
    const [header, ...body] = rows;
    const fleet = body.find((r) => r[0] === 'FLEET')!;
    expect(sorted(body.filter((r) => r !== fleet).map((r) => r[0]!))).toEqual(sorted(SEES[c].sites));
    const n = SEES[c].sites.length;
    expect(fleet[1]).toBe(`Fleet of ${SEES[c].label}, energy-weighted (${n} sites, 0 excluded)`);
    const { facilityKw, itKw } = HAND[c];
    expect(Number(fleet[header!.indexOf('pue')])).toBeCloseTo(facilityKw / itKw, 5);
  });

  it.each(CALLERS)(
    'eligibility and EED exports read by %s hold only its sites and name its scope',
    async (c) => {
      const mine = sorted(SEES[c].sites);
      const eligibility = await get<EligibilityExport>(`/api/v1/ratings/eligibility?year=${YEAR}`, c);
      expect(eligibility.scope).toEqual(SEES[c].scope);
      expect(sorted(eligibility.sites.map((s) => s.code))).toEqual(mine);
      const eed = await get<EedExport>(`/api/v1/ratings/eed?year=${YEAR}`, c);
      expect(eed.scope).toEqual(SEES[c].scope);
      expect(sorted(eed.sites.map((s) => s.code))).toEqual(mine);
      for (const s of eed.sites) expect(s.totalEnergyKwh).toBe(LOAD[s.code as Site].facility * HOURS);
      for (const path of [
        `/api/v1/ratings/eligibility.csv?year=${YEAR}`,
        `/api/v1/ratings/eed.csv?year=${YEAR}`,
      ]) {
        const [, ...rows] = parseCsv(await text(path, c));
        expect(sorted(rows.map((r) => r[0]!))).toEqual(mine);
      }
    },
  );

  it("answers 404 on every per-site ratings route for another organisation's site, exactly like an unknown one", async () => {
    const hub = tokens.get('hub')!;
    // A real exchange at BETA's site (outside the rated year), so the DELETE below names something that exists.
    const recorded = await t.request('/api/v1/datacenters/B-1/meter-exchanges', {
      method: 'POST',
      token: hub,
      json: { metric: 'facility_energy_kwh', at: Date.now() - 3_600_000, oldFinal: 10, newInitial: 0 },
    });
    expect(recorded.status).toBe(201);
    const exchange = (await recorded.json()) as MeterExchangeInfo;
    const body = { metric: 'it_energy_kwh', at: Date.now() - 3_600_000, oldFinal: 10, newInitial: 0 };
    const routes = (code: string) => [
      { method: 'GET', path: `/api/v1/ratings/${code}?year=${YEAR}` },
      { method: 'GET', path: `/api/v1/ratings/${code}?period=trailing12` },
      { method: 'GET', path: `/api/v1/datacenters/${code}/meter-exchanges` },
      { method: 'POST', path: `/api/v1/datacenters/${code}/meter-exchanges`, json: body },
      { method: 'DELETE', path: `/api/v1/datacenters/${code}/meter-exchanges/${exchange.id}` },
    ];
    const answer = async (caller: Caller, r: { method: string; path: string; json?: unknown }) => {
      const res = await t.request(r.path, { method: r.method, token: tokens.get(caller), json: r.json });
      return { status: res.status, body: await res.text() };
    };
    // Reads by an operator, writes by an admin (an operator's write is refused by role before any site is looked up).
    const cases: [Caller, Site][] = [
      ['alphaAdmin', 'B-1'],
      ['alphaOperator', 'B-2'],
      ['betaRegulator', 'A-1'],
      ['zunyiRegulator', 'A-2'],
    ];
    for (const [caller, site] of cases) {
      const writes = caller === 'alphaAdmin';
      const [outside, unknown] = [routes(site), routes('NO-SUCH')];
      for (let i = 0; i < outside.length; i++) {
        if (outside[i]!.method !== 'GET' && !writes) continue;
        const got = await answer(caller, outside[i]!);
        const missing = await answer(caller, unknown[i]!);
        expect({ route: outside[i]!.path, status: got.status }).toEqual({
          route: outside[i]!.path,
          status: 404,
        });
        expect(got.body.replaceAll(site, 'NO-SUCH')).toBe(missing.body);
      }
      // The same caller reads its own sites' details.
      const own = SEES[caller].sites[0]!;
      expect((await get<RatingDetailResponse>(`/api/v1/ratings/${own}?year=${YEAR}`, caller)).code).toBe(own);
    }
    // Nothing was recorded or removed at BETA's site by ALPHA's admin.
    const left = await get<MeterExchangeInfo[]>('/api/v1/datacenters/B-1/meter-exchanges', 'betaRegulator');
    expect(left.map((e) => e.id)).toEqual([exchange.id]);
    const removed = await t.request(`/api/v1/datacenters/B-1/meter-exchanges/${exchange.id}`, {
      method: 'DELETE',
      token: hub,
    });
    expect(removed.status).toBe(200);
  });

  it("moves a site's energy to its new owner's fleet row at once", async () => {
    await move('A-2', 'BETA');
    try {
      // ALPHA: A-1 alone, 1000 / 800. BETA: A-2, B-1, B-2 = (1300 + 1200 + 900) / (1000 + 1000 + 600) = 3400 / 2600.
      const alpha = await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`, 'alphaOperator');
      expect(alpha.sites.map((r) => r.code)).toEqual(['A-1']);
      expect(alpha.fleet.pue).toBeCloseTo(1.25, 12);
      const beta = await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`, 'betaRegulator');
      expect(sorted(beta.sites.map((r) => r.code))).toEqual(['A-2', 'B-1', 'B-2']);
      expect(beta.fleet.energy.facilityKwh).toBe(3400 * HOURS);
      expect(beta.fleet.pue).toBeCloseTo(3400 / 2600, 12);
      const detail = await t.request(`/api/v1/ratings/A-2?year=${YEAR}`, {
        token: tokens.get('alphaOperator'),
      });
      expect(detail.status).toBe(404);
      // The hub's row is the same whoever owns what.
      expectOwnFleet(await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`, 'hub'), 'hub');
    } finally {
      await move('A-2', 'ALPHA');
    }
    expectOwnFleet(
      await get<RatingsResponse>(`/api/v1/ratings?year=${YEAR}`, 'alphaOperator'),
      'alphaOperator',
    );
  });
});
