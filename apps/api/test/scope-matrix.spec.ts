/**
 * The role × scope matrix (issue #16; docs/architecture.md "Organisations and scope"), on each database: two
 * organisations (NORTH owns N-1 in region Zunyi, SOUTH owns S-1 in Guiyang) and six kinds of caller — the hub's admin,
 * operator and regulator, a regulator of Zunyi, NORTH's admin and NORTH's operator. Every route that names a site is
 * called for both sites by every caller: a role the route refuses gets 403, a site outside the caller's scope 404
 * (exactly like a site that does not exist), everything else the route's own answer. Every list is read by every
 * caller and holds exactly the sites it may see. A last test fails when the API serves a route this file does not
 * place, so a new route cannot skip the matrix. Sockets: test/live-scope.spec.ts.
 */
import type { Role } from '@dcfleet/contracts';
import { AlarmEngine } from '../src/alarms/alarm-engine';
import { bootTestApp, dialects, type TestApp } from './support/harness';

type Caller = 'hubAdmin' | 'hubOperator' | 'hubRegulator' | 'zunyiRegulator' | 'northAdmin' | 'northOperator';
const CALLERS: Caller[] = [
  'hubAdmin',
  'hubOperator',
  'hubRegulator',
  'zunyiRegulator',
  'northAdmin',
  'northOperator',
];
const ROLE: Record<Caller, Role> = {
  hubAdmin: 'admin',
  hubOperator: 'operator',
  hubRegulator: 'regulator',
  zunyiRegulator: 'regulator',
  northAdmin: 'admin',
  northOperator: 'operator',
};
/** The sites each caller may see. */
const SEES: Record<Caller, string[]> = {
  hubAdmin: ['N-1', 'S-1'],
  hubOperator: ['N-1', 'S-1'],
  hubRegulator: ['N-1', 'S-1'],
  zunyiRegulator: ['N-1'],
  northAdmin: ['N-1'],
  northOperator: ['N-1'],
};
const SITES = ['N-1', 'S-1'] as const;
type Site = (typeof SITES)[number];

const ALL: Role[] = ['admin', 'operator', 'regulator'];
const STAFF: Role[] = ['admin', 'operator'];
const ADMIN: Role[] = ['admin'];
const YEAR = new Date().getUTCFullYear() - 1;

/** What the test knows per site once set up: an alarm, a rule, a token and a meter exchange of it. */
interface SiteIds {
  alarm: number;
  rule: number;
  token: string;
}

interface SiteRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The route as the API declares it (matched against what it serves). */
  route: string;
  path: (site: Site, ids: SiteIds, caller: Caller) => string;
  body?: (site: Site, caller: Caller) => unknown;
  roles: Role[];
  /** The answer in scope (a write that would change shared state targets something absent: 404 past the checks). */
  ok: number;
}

const SITE_ROUTES: SiteRoute[] = [
  {
    method: 'GET',
    route: '/api/v1/datacenters/:code',
    path: (s) => `/api/v1/datacenters/${s}`,
    roles: ALL,
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/datacenters/:code/series',
    path: (s) => `/api/v1/datacenters/${s}/series?metric=it_power_kw`,
    roles: ALL,
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/datacenters/:code/reference',
    path: (s) => `/api/v1/datacenters/${s}/reference`,
    roles: ALL,
    ok: 200,
  },
  {
    method: 'PATCH',
    route: '/api/v1/datacenters/:code',
    path: (s) => `/api/v1/datacenters/${s}`,
    body: (_s, c) => ({ operator: `patched by ${c}` }),
    roles: ADMIN,
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/datacenters/:code/tokens',
    path: (s) => `/api/v1/datacenters/${s}/tokens`,
    roles: ADMIN,
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/datacenters/:code/tokens',
    path: (s) => `/api/v1/datacenters/${s}/tokens`,
    body: (_s, c) => ({ name: `by ${c}` }),
    roles: ADMIN,
    ok: 201,
  },
  {
    method: 'DELETE',
    route: '/api/v1/tokens/:id',
    path: (_s, ids) => `/api/v1/tokens/${ids.token}`,
    roles: ADMIN,
    // Revoking is idempotent: every admin in scope gets 200.
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/datacenters/:code/receipts',
    path: (s) => `/api/v1/datacenters/${s}/receipts`,
    roles: ALL,
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/datacenters/:code/receipts/verify',
    path: (s) => `/api/v1/datacenters/${s}/receipts/verify`,
    roles: ALL,
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/datacenters/:code/meter-exchanges',
    path: (s) => `/api/v1/datacenters/${s}/meter-exchanges`,
    roles: ALL,
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/datacenters/:code/meter-exchanges',
    path: (s) => `/api/v1/datacenters/${s}/meter-exchanges`,
    // An invalid exchange: past the scope check the answer is 400, so nothing is recorded.
    body: () => ({ metric: 'it_power_kw', at: Date.now() - 3_600_000, oldFinal: 10, newInitial: 0 }),
    roles: ADMIN,
    ok: 400,
  },
  {
    method: 'DELETE',
    route: '/api/v1/datacenters/:code/meter-exchanges/:id',
    path: (s) => `/api/v1/datacenters/${s}/meter-exchanges/999999`,
    roles: ADMIN,
    ok: 404,
  },
  {
    method: 'GET',
    route: '/api/v1/ratings/:code',
    path: (s) => `/api/v1/ratings/${s}?year=${YEAR}`,
    roles: ALL,
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/alarms/:id',
    path: (_s, ids) => `/api/v1/alarms/${ids.alarm}`,
    roles: STAFF,
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/alarms/:id/ack',
    path: (_s, ids) => `/api/v1/alarms/${ids.alarm}/ack`,
    body: (_s, c) => ({ note: `seen by ${c}` }),
    roles: STAFF,
    // Acknowledged in beforeAll: past the scope check the answer is 409 "already acknowledged".
    ok: 409,
  },
  {
    method: 'GET',
    route: '/api/v1/alarm-rules/:id',
    path: (_s, ids) => `/api/v1/alarm-rules/${ids.rule}`,
    roles: STAFF,
    ok: 200,
  },
  {
    method: 'PATCH',
    route: '/api/v1/alarm-rules/:id',
    path: (_s, ids) => `/api/v1/alarm-rules/${ids.rule}`,
    body: () => ({ enabled: false }),
    roles: ADMIN,
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/alarm-rules',
    path: () => '/api/v1/alarm-rules',
    // The site's stale rule exists already: past the scope check the answer is 409, so nothing is added.
    body: (s) => ({ datacenter: s, kind: 'stale', severity: 'warning', enabled: false }),
    roles: ADMIN,
    ok: 409,
  },
  // Each site's edge node is mapped in beforeAll; putting the same mapping again changes nothing.
  {
    method: 'GET',
    route: '/api/v1/sparkplug/mappings/:group/:edge',
    path: (s) => `/api/v1/sparkplug/mappings/matrix/edge-${s}`,
    roles: ADMIN,
    ok: 200,
  },
  {
    method: 'PUT',
    route: '/api/v1/sparkplug/mappings/:group/:edge',
    path: (s) => `/api/v1/sparkplug/mappings/matrix/edge-${s}`,
    body: (s) => ({ datacenter: s }),
    roles: ADMIN,
    ok: 200,
  },
];

/** Lists: each caller reads them and finds exactly (or, for partial lists, only) the sites it may see. */
interface ListRoute {
  route: string;
  path: string;
  roles: Role[];
  /** The site codes named in the answer. */
  sites: (body: string) => string[];
  /** true: every visible site must be named; false: only visible sites may be (the list may omit some). */
  complete: boolean;
}

const codesIn = (body: string): string[] => [...new Set(body.match(/\b[NS]-1\b/g) ?? [])].sort();
const LISTS: ListRoute[] = [
  { route: '/api/v1/datacenters', path: '/api/v1/datacenters', roles: ALL, sites: codesIn, complete: true },
  {
    route: '/api/v1/datacenters/sparklines',
    path: '/api/v1/datacenters/sparklines',
    roles: ALL,
    sites: codesIn,
    complete: true,
  },
  { route: '/api/v1/alarms', path: '/api/v1/alarms?state=all', roles: STAFF, sites: codesIn, complete: true },
  { route: '/api/v1/alarm-rules', path: '/api/v1/alarm-rules', roles: STAFF, sites: codesIn, complete: true },
  { route: '/api/v1/tokens', path: '/api/v1/tokens', roles: ADMIN, sites: codesIn, complete: true },
  {
    route: '/api/v1/ratings',
    path: `/api/v1/ratings?year=${YEAR}`,
    roles: ALL,
    sites: codesIn,
    complete: true,
  },
  {
    route: '/api/v1/ratings.csv',
    path: `/api/v1/ratings.csv?year=${YEAR}`,
    roles: ALL,
    sites: codesIn,
    complete: true,
  },
  {
    route: '/api/v1/ratings/eligibility',
    path: `/api/v1/ratings/eligibility?year=${YEAR}`,
    roles: ALL,
    sites: codesIn,
    complete: true,
  },
  {
    route: '/api/v1/ratings/eligibility.csv',
    path: `/api/v1/ratings/eligibility.csv?year=${YEAR}`,
    roles: ALL,
    sites: codesIn,
    complete: true,
  },
  {
    route: '/api/v1/ratings/eed',
    path: `/api/v1/ratings/eed?year=${YEAR}`,
    roles: ALL,
    sites: codesIn,
    complete: false,
  },
  {
    route: '/api/v1/ratings/eed.csv',
    path: `/api/v1/ratings/eed.csv?year=${YEAR}`,
    roles: ALL,
    sites: codesIn,
    complete: false,
  },
  {
    route: '/api/v1/sparkplug/mappings',
    path: '/api/v1/sparkplug/mappings',
    roles: ADMIN,
    sites: codesIn,
    complete: true,
  },
  // Audit entries name sites as targets; an organisation's admin reads its members' entries only.
  { route: '/api/v1/audit', path: '/api/v1/audit?limit=1000', roles: ADMIN, sites: codesIn, complete: false },
];

/**
 * Routes that name no site, with why the scope does not apply or where it is tested. Users and organisations:
 * test/org-admin.spec.ts; hub-only routes refuse organisation members (403) there too.
 */
const UNSCOPED: Record<string, string> = {
  'POST /api/v1/datacenters': 'hub only (org-admin.spec)',
  'GET /api/v1/organizations': 'hub only (org-admin.spec)',
  'POST /api/v1/organizations': 'hub only (org-admin.spec)',
  'DELETE /api/v1/organizations/:code': 'hub only (org-admin.spec)',
  'PATCH /api/v1/organizations/:code': 'hub only (org-admin.spec)',
  'PUT /api/v1/names': 'hub only (names.spec)',
  'GET /api/v1/names': "outside the hub scope, only values the caller's sites carry (names.spec)",
  'POST /api/v1/organizations/:code/sites': 'hub only (org-admin.spec)',
  'PUT /api/v1/emission-factors/:region/:year': 'hub only (org-admin.spec)',
  'DELETE /api/v1/emission-factors/:region/:year': 'hub only (org-admin.spec)',
  'GET /api/v1/emission-factors': 'published grid factors, the same for everyone',
  'GET /api/v1/metrics/catalog': 'the metric catalog, the same for everyone',
  'GET /api/v1/users': "an organisation's admin lists its members (org-admin.spec)",
  'POST /api/v1/users': "an organisation's admin creates its members (org-admin.spec)",
  'PATCH /api/v1/users/:username': 'members only (org-admin.spec)',
  'POST /api/v1/users/:username/logout': 'members only (org-admin.spec)',
  'POST /api/v1/users/:username/unlock': 'members only (org-admin.spec)',
  'DELETE /api/v1/alarm-rules/:id': 'same check as PATCH (writableRule); deleting would change the matrix',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout-all': "the caller's own sessions",
  'GET /api/v1/auth/session': "the caller's own session",
  'POST /api/v1/auth/kiosk-sessions': "a read-only session in the caller's own scope (kiosk-sessions.spec)",
  'GET /api/v1/auth/kiosk-sessions': "an organisation's admin lists its own (kiosk-sessions.spec)",
  'DELETE /api/v1/auth/kiosk-sessions/:id': "an organisation's admin revokes its own (kiosk-sessions.spec)",
  'POST /api/v1/ingest': 'ingest token: its own site',
  'POST /api/v1/write': 'ingest token: its own site',
  'POST /api/v1/prom/write': 'ingest token: its own site',
  'POST /api/v1/ingest/meter-exchanges': 'ingest token: its own site',
  'GET /api/v1/sparkplug/mappings/:group/:edge/:device':
    'same check as the whole-edge route (sparkplug.spec)',
  'PUT /api/v1/sparkplug/mappings/:group/:edge/:device':
    'same check as the whole-edge route (sparkplug.spec)',
  'DELETE /api/v1/sparkplug/mappings/:group/:edge':
    'same check as GET; deleting would change the matrix (sparkplug.spec)',
  'DELETE /api/v1/sparkplug/mappings/:group/:edge/:device': 'same check as GET (sparkplug.spec)',
  'GET /metrics': 'operations, admin or METRICS_TOKEN',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
};

describe.each(dialects())('role × scope matrix on %s', (dialect) => {
  let t: TestApp;
  const tokens = new Map<Caller, string>();
  const ids = new Map<Site, SiteIds>();

  beforeAll(async () => {
    t = await bootTestApp(dialect, { ALARM_EVAL_INTERVAL_MS: '200' });
    const hub = await t.login('admin');
    for (const [code, name] of [
      ['NORTH', 'North Cloud Co.'],
      ['SOUTH', 'South Data Ltd.'],
    ]) {
      const res = await t.request('/api/v1/organizations', {
        method: 'POST',
        token: hub,
        json: { code, name },
      });
      expect(res.status).toBe(201);
    }
    await t.createSite('N-1', { organization: 'NORTH', region: 'Zunyi' });
    await t.createSite('S-1', { organization: 'SOUTH', region: 'Guiyang' });
    tokens.set('hubAdmin', hub);
    tokens.set('hubOperator', await t.login('operator'));
    tokens.set('hubRegulator', await t.login('regulator'));
    tokens.set('zunyiRegulator', await t.loginNew('zunyi-reg', 'regulator', { regions: ['Zunyi'] }));
    tokens.set('northAdmin', await t.loginNew('north-admin', 'admin', { organization: 'NORTH' }));
    tokens.set('northOperator', await t.loginNew('north-op', 'operator', { organization: 'NORTH' }));

    // Per site: readings hot enough to raise an inlet alarm, a site rule, and an ingest token.
    const now = Date.now();
    for (const code of SITES) {
      const ingest = await t.createToken(code);
      const samples = Array.from({ length: 10 }, (_, i) => ({
        metric: 'inlet_temp_c',
        labels: { zone: 'A1' },
        ts: now - (10 - i) * 60_000,
        value: 45,
      }));
      await t.ingestAll(ingest.token, samples);
      const rule = await t.request('/api/v1/alarm-rules', {
        method: 'POST',
        token: hub,
        json: { datacenter: code, kind: 'stale', severity: 'warning', enabled: false },
      });
      expect(rule.status).toBe(201);
      ids.set(code, { alarm: 0, rule: ((await rule.json()) as { id: number }).id, token: ingest.id });
      const mapped = await t.request(`/api/v1/sparkplug/mappings/matrix/edge-${code}`, {
        method: 'PUT',
        token: hub,
        json: { datacenter: code },
      });
      expect(mapped.status).toBe(200);
    }
    await t.app.get(AlarmEngine).settle();
    const alarms = (await (await t.request('/api/v1/alarms?state=all', { token: hub })).json()) as {
      id: number;
      datacenter: string;
    }[];
    for (const code of SITES) {
      const alarm = alarms.find((a) => a.datacenter === code);
      if (!alarm) throw new Error(`no alarm raised for ${code}`);
      ids.get(code)!.alarm = alarm.id;
      const ack = await t.request(`/api/v1/alarms/${alarm.id}/ack`, { method: 'POST', token: hub, json: {} });
      expect(ack.status).toBe(200);
    }
  });
  afterAll(() => t?.close());

  const call = (method: string, path: string, caller: Caller, body?: unknown) =>
    t.request(path, { method, token: tokens.get(caller), ...(body === undefined ? {} : { json: body }) });

  const cells = SITE_ROUTES.flatMap((r) =>
    SITES.flatMap((site) => CALLERS.map((caller) => ({ r, site, caller }))),
  ).map(({ r, site, caller }) => {
    const status = !r.roles.includes(ROLE[caller]) ? 403 : SEES[caller].includes(site) ? r.ok : 404;
    return [`${r.method} ${r.route}`, site, caller, status, r] as const;
  });

  it.each(cells)('%s on %s by %s → %i', async (_label, site, caller, status, r) => {
    const res = await call(r.method, r.path(site, ids.get(site)!, caller), caller, r.body?.(site, caller));
    const text = await res.text();
    expect({ status: res.status, text }).toMatchObject({ status });
    // Out of scope reads exactly like "no such thing": the message names nothing the caller could not know.
    if (status === 404 && r.ok !== 404) expect(text).toMatch(/not found/);
  });

  const listCells = LISTS.flatMap((l) => CALLERS.map((caller) => [l.route, caller, l] as const));

  it.each(listCells)('%s read by %s names only its sites', async (_label, caller, l) => {
    const res = await call('GET', l.path, caller);
    if (!l.roles.includes(ROLE[caller])) {
      expect(res.status).toBe(403);
      return;
    }
    expect(res.status).toBe(200);
    const named = l.sites(await res.text());
    if (l.complete) expect(named).toEqual(SEES[caller]);
    else expect(named.filter((c) => !SEES[caller].includes(c))).toEqual([]);
  });

  it('places every route the API serves: in the matrix, a list, or UNSCOPED with a reason', () => {
    interface Layer {
      route?: { path: string; methods: Record<string, boolean> };
    }
    const router = (t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
    const placed = new Set([
      ...SITE_ROUTES.map((r) => `${r.method} ${r.route}`),
      ...LISTS.map((l) => `GET ${l.route}`),
      ...Object.keys(UNSCOPED),
    ]);
    const served = router.stack.flatMap((l) =>
      l.route
        ? Object.keys(l.route.methods)
            .filter((m) => m !== '_all')
            .map((m) => `${m.toUpperCase()} ${l.route!.path}`)
        : [],
    );
    const unplaced = served.filter(
      (s) => !placed.has(s) && !s.startsWith('GET /api/docs') && !s.includes('*'),
    );
    expect(unplaced).toEqual([]);
  });
});
