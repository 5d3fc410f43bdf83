/**
 * The demo fleet (FleetRunner of @dcfleet/demo-fleet) against the real app over HTTP: sites, per-site ingest
 * tokens, history and live data through POST /api/v1/ingest, a restart that continues the meters, and the
 * faults that post something (malformed batch, replay, replay with corrected readings).
 */
import {
  DEFAULT_ORGANIZATION_CODE,
  type DataCenterWithSnapshot,
  type IngestTokenInfo,
  type LoginResponse,
  type OrganizationInfo,
  type SeriesResponse,
} from '@dcfleet/contracts';
import { DEMO_ORGANIZATIONS, FleetRunner, selectSites } from '@dcfleet/demo-fleet';
import { fromLocal, toLocal } from '@dcfleet/green-metrics';
import { DEMO_TOKEN_NAME, DEMO_USERS } from '../src/demo/demo.service';
import { RatingRevisionsService } from '../src/ratings/rating-revisions.service';
import { ADMIN_PASSWORD, bootTestApp, type TestApp } from './support/harness';
import { waitFor } from './support/wait';

const CODES = ['GZ-GA-01', 'GZ-LP-02', 'GZ-BJ-01'];
const DAY = 86_400_000;

describe('demo fleet over HTTP (sqlite)', () => {
  let t: TestApp;
  let admin: string;
  const runners: FleetRunner[] = [];
  // The runners' clock: a live tick posts at most one reading per site and second, so instead of sleeping
  // for a second between ticks a test moves this clock on (a few seconds ahead at most: the API accepts up
  // to 5 minutes).
  let ahead = 0;
  const clock = () => Date.now() + ahead;
  const nextSecond = () => {
    ahead += 1000;
  };

  const fleet = (extra: Partial<ConstructorParameters<typeof FleetRunner>[0]> = {}) => {
    const r = new FleetRunner({
      baseUrl: t.url,
      admin: { username: 'admin', password: ADMIN_PASSWORD },
      sites: selectSites(CODES),
      history: { days: 30 },
      liveIntervalMs: 0,
      checkRatings: false,
      tokenName: DEMO_TOKEN_NAME,
      now: clock,
      ...extra,
    });
    runners.push(r);
    return r;
  };
  const get = async <T>(path: string): Promise<T> => {
    const res = await t.request(path, { token: admin });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    t = await bootTestApp('sqlite');
    admin = await t.login('admin');
  });

  afterAll(async () => {
    for (const r of runners) await r.stop();
    await t?.close();
  });

  it('creates the sites, issues one token per site, and posts 30 days of history and live readings', async () => {
    const runner = fleet();
    await runner.start();
    const history = await runner.whenHistoryDone();
    expect(history).toMatchObject({ sites: 3, failedBatches: 0, rejected: 0 });
    expect(history.samples).toBe(history.samplesTotal);
    expect(history.samples).toBeGreaterThan(3 * 30 * 24 * 7);
    await runner.tick();
    expect(runner.liveStats).toMatchObject({ posts: 3, failed: 0 });
    await t.flush();

    const sites = await get<DataCenterWithSnapshot[]>('/api/v1/datacenters');
    for (const code of CODES) {
      const dc = sites.find((s) => s.code === code)!;
      expect(dc).toMatchObject({ hub: "Guizhou hub / Gui'an cluster", timezone: 'Asia/Shanghai' });
      expect(dc.itCapacityKw).toBeGreaterThanOrEqual(5000);
      expect(dc.snapshot.status).toBe('online');
      expect(dc.snapshot.livePue).toBeGreaterThan(1.05);
      expect(dc.snapshot.livePue).toBeLessThan(2);
      expect(dc.snapshot.hottestInletC).toBeGreaterThan(18);
      expect(dc.snapshot.values.facility_energy_kwh).toBeGreaterThan(0);
    }
    expect(sites.find((s) => s.code === 'GZ-GA-01')!.greenCertifiedYear).toBe(2021);

    // One fresh token per site, each used by its own site only.
    const activeTokens = async () =>
      (await get<IngestTokenInfo[]>('/api/v1/tokens')).filter(
        (x) => x.name === DEMO_TOKEN_NAME && !x.revokedAt,
      );
    const active = await activeTokens();
    expect(active.map((x) => x.datacenter).sort()).toEqual([...CODES].sort());
    expect(Object.fromEntries(active.map((x) => [x.datacenter, x.id]))).toEqual(runner.tokenIds());
    // last_used_at is written for the tokens used within a second together.
    await waitFor('every token used', async () => (await activeTokens()).every((x) => x.lastUsedAt !== null));

    // Hourly history: a reading in every hour of the last 30 days (daily buckets with 24 samples).
    const now = Date.now();
    const series = await get<SeriesResponse>(
      `/api/v1/datacenters/GZ-LP-02/series?metric=facility_energy_kwh&from=${now - 20 * DAY}&to=${now - 2 * DAY}&step=1d`,
    );
    const points = series.series[0]!.points;
    expect(points.length).toBeGreaterThanOrEqual(18);
    for (const p of points) expect(p.increase).toBeGreaterThan(0);
    // Inlet temperature and humidity have history too (issue #18): every hour of the last 14 days, every 6 local
    // hours before.
    for (const metric of ['inlet_temp_c', 'relative_humidity_pct']) {
      const hourly = await get<SeriesResponse>(
        `/api/v1/datacenters/GZ-GA-01/series?metric=${metric}&label.zone=D2&from=${now - 10 * DAY}&to=${now - 2 * DAY}&step=1h`,
      );
      expect(hourly.series[0]!.points.every((p) => p.avg !== null)).toBe(true);
      const daily = await get<SeriesResponse>(
        `/api/v1/datacenters/GZ-GA-01/series?metric=${metric}&label.zone=D2&from=${now - 28 * DAY}&to=${now - 16 * DAY}&step=1d`,
      );
      expect(daily.series[0]!.points.every((p) => p.avg !== null)).toBe(true);
    }
    const zones = await get<SeriesResponse>(
      `/api/v1/datacenters/GZ-GA-01/series?metric=inlet_temp_c&from=${now - 600_000}&to=${now + 60_000}&step=1m`,
    );
    expect(zones.series.map((s) => s.labels.zone).sort()).toEqual([
      'A1',
      'A2',
      'B1',
      'B2',
      'C1',
      'C2',
      'D1',
      'D2',
    ]);
    const receipts = await get<{ receipts: unknown[] }>('/api/v1/datacenters/GZ-BJ-01/receipts?limit=5');
    expect(receipts.receipts.length).toBeGreaterThan(0);
  });

  it("gives each site to its operator company's organisation", async () => {
    const orgs = await get<OrganizationInfo[]>('/api/v1/organizations');
    expect(orgs.map((o) => o.code).sort()).toEqual(
      [DEFAULT_ORGANIZATION_CODE, ...DEMO_ORGANIZATIONS.map((o) => o.code)].sort(),
    );
    const owner = (code: string) => orgs.find((o) => o.sites.includes(code))?.code;
    expect(CODES.map(owner)).toEqual(['YELANG', 'WUMENG', 'AZALEA']);
  });

  it("moves a site an older demo left in the default organisation to its company's, and no other", async () => {
    await t.createSite('GZ-GY-03', { name: 'Left by an older demo' });
    await t.createSite('GZ-QD-02', { name: 'Placed by the admin', organization: 'YELANG' });
    await fleet({ sites: selectSites(['GZ-GY-03', 'GZ-QD-02']), history: { days: 1 } }).setup();
    const orgs = await get<OrganizationInfo[]>('/api/v1/organizations');
    const owner = (code: string) => orgs.find((o) => o.sites.includes(code))?.code;
    expect(owner('GZ-GY-03')).toBe('LEIGONG');
    expect(owner('GZ-QD-02')).toBe('YELANG');
  });

  it('continues the meters on restart: no new history, fresh tokens, counters never go back', async () => {
    const before = runners[0]!;
    const oldIds = before.tokenIds();
    const counters = Object.fromEntries(CODES.map((c) => [c, { ...before.counters(c)! }]));
    await before.stop();

    const again = fleet();
    await again.start();
    const history = await again.whenHistoryDone();
    expect(history.samplesTotal).toBeLessThan(100); // at most the gap since the last reading
    await again.tick();
    // Compared as posted (kWh to 0.1, m³ to 0.001): the restarted runner continues from the stored, rounded
    // readings, so its internal value may sit a few hundredths below the old runner's unrounded one.
    const posted = (m: string, v: number) =>
      m === 'water_m3' ? Math.round(v * 1000) / 1000 : Math.round(v * 10) / 10;
    for (const c of CODES) {
      const now = again.counters(c)!;
      for (const [m, v] of Object.entries(counters[c]!))
        expect(posted(m, now[m as keyof typeof now] as number)).toBeGreaterThanOrEqual(
          posted(m, v as number),
        );
    }
    const tokens = await get<IngestTokenInfo[]>('/api/v1/tokens');
    for (const id of Object.values(oldIds)) expect(tokens.find((x) => x.id === id)!.revokedAt).not.toBeNull();
    for (const id of Object.values(again.tokenIds()))
      expect(tokens.find((x) => x.id === id)!.revokedAt).toBeNull();
  });

  it('shows the faults that post something where they should', async () => {
    const runner = runners[runners.length - 1]!;
    for (let i = 0; i < 3; i++) {
      nextSecond();
      await runner.tick();
    }
    const malformed = await runner.triggerFault({ kind: 'malformed', code: 'GZ-BJ-01' });
    expect(malformed.results!.map((r) => r.status)).toEqual([200, 400]);
    expect(malformed.results![0]!.response).toMatchObject({ accepted: 1 });
    expect(malformed.results![0]!.response!.rejected).toHaveLength(6);

    const replay = await runner.triggerFault({ kind: 'replay', code: 'GZ-GA-01' });
    expect(replay.results!.every((r) => r.status === 200)).toBe(true);
    expect(replay.message).toMatch(/identical: nothing changes/);

    const reset = await runner.triggerFault({ kind: 'meter-reset', code: 'GZ-LP-02' });
    expect(reset.message).toMatch(/restarts from 0/);
    const old = runner.counters('GZ-LP-02')!.facility_energy_kwh!;
    nextSecond();
    await runner.tick();
    expect(runner.counters('GZ-LP-02')!.facility_energy_kwh!).toBeLessThan(old / 1000);

    await runner.triggerFault({ kind: 'silent', code: 'GZ-GA-01', durationMs: 60_000 });
    const posts = runner.liveStats.posts;
    nextSecond();
    await runner.tick();
    expect(runner.liveStats.posts - posts).toBe(2);
    await expect(runner.triggerFault({ kind: 'silent', code: 'GZ-XX-01' })).rejects.toThrow(
      /not one of this runner's sites/,
    );
  });

  it('revises last year’s rating when a gateway re-sends last year’s final hour with corrected readings', async () => {
    const now = clock();
    const year = toLocal(now, 'Asia/Shanghai').year - 1;
    const days = Math.ceil((now - fromLocal('Asia/Shanghai', year, 12, 30)) / DAY);
    const runner = fleet({ sites: selectSites(['GZ-QX-01']), history: { days } });
    await runner.start();
    await runner.whenHistoryDone();
    await t.flush();
    const path = `/api/v1/ratings/GZ-QX-01?year=${year}`;
    const first = await get<{ pue: number; revisions: unknown[] }>(path);
    expect(first.pue).toBeGreaterThan(1);
    // The read records the rating's baseline in the background (a revision is a change to a seen rating).
    await t.app.get(RatingRevisionsService).idle();

    const fault = await runner.triggerFault({ kind: 'replay-changed', code: 'GZ-QX-01' });
    expect(fault.results?.[0]?.status).toBe(200);
    await t.flush();
    // Re-rated in the background once the replayed hour is in the rollups (RatingsWatcher, debounced).
    type Rating = { pue: number; revisions: { previousPue: number; pue: number }[] };
    let revised: Rating | undefined;
    await waitFor(
      'the rating revision',
      async () => {
        await t.flush();
        const now = await get<Rating>(path);
        revised = now;
        return now.revisions.length > 0;
      },
      60_000,
      250,
    );
    expect(revised!.revisions.length).toBeGreaterThanOrEqual(1);
    expect(revised!.revisions[0]!.previousPue).toBeCloseTo(first.pue, 9);
    expect(revised!.pue).toBeGreaterThan(first.pue);
  });
});

describe('demo logins (DEMO=1, sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp('sqlite', { DEMO: '1' });
  });
  afterAll(() => t?.close());

  it('offers one login per kind of user, each placed as the README says', async () => {
    const placed: Record<string, unknown> = {};
    for (const u of DEMO_USERS) {
      const res = await t.request('/api/v1/auth/login', {
        method: 'POST',
        json: { username: u.username, password: u.username === 'admin' ? ADMIN_PASSWORD : u.password },
      });
      expect(res.status).toBe(200);
      const { user } = (await res.json()) as LoginResponse;
      placed[u.username] = [user.role, user.organization?.code ?? null, user.regions];
    }
    expect(placed).toEqual({
      admin: ['admin', null, null],
      operator: ['operator', null, null],
      regulator: ['regulator', null, null],
      'guian-regulator': ['regulator', null, ["Gui'an New Area"]],
      'yelang-admin': ['admin', 'YELANG', null],
      'yelang-operator': ['operator', 'YELANG', null],
    });
  });
});
