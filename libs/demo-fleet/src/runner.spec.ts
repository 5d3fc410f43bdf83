import type { DataCenterWithSnapshot, SeriesResponse } from '@dcfleet/contracts';
import { RollupBacklog } from './backlog';
import { DcfleetClient, type FetchLike } from './client';
import { FleetRunner } from './runner';
import { DEMO_NAMES, DEMO_ORGANIZATIONS, selectSites } from './sites';
import { DAY_MS, HOUR_MS } from './time';

const json = (status: number, body: unknown) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
const LOGIN = { accessToken: 'jwt', expiresAt: '', user: { username: 'admin', role: 'admin' } };

/** A fake dcfleet answering by route; records ingest bodies. */
function fakeApi(routes: (method: string, path: string, body: unknown) => Response | undefined) {
  const ingested: { token: string; samples: { ts: number; values?: Record<string, number> }[] }[] = [];
  const fetch: FetchLike = async (url, init) => {
    const u = new URL(url);
    const path = u.pathname + u.search;
    const method = init?.method ?? 'GET';
    const body =
      typeof init?.body === 'string' && init.body.startsWith('{') ? JSON.parse(init.body) : undefined;
    if (path === '/api/v1/auth/login') return json(200, LOGIN);
    if (path === '/api/v1/ingest') {
      ingested.push({ token: new Headers(init?.headers).get('authorization')!, samples: body.samples });
      return json(200, { accepted: 1, rejected: [], receipt: { id: '1', seq: 1, hash: 'h', prevHash: 'p' } });
    }
    return routes(method, path, body) ?? json(404, { message: `no route ${method} ${path}` });
  };
  return { fetch, ingested };
}

describe('FleetRunner resuming a site', () => {
  it('continues from the newest stored readings found through the series API after a long pause', async () => {
    const now = Date.parse('2026-11-29T08:00:00Z');
    const lastDay = Date.parse('2026-11-20T00:00:00+08:00');
    const lastHour = lastDay + 15 * HOUR_MS; // readings stopped during the hour from 15:00 local
    const [spec] = selectSites(['GZ-GY-03']);
    const dc = {
      ...spec!.site,
      snapshot: { code: 'GZ-GY-03', status: 'offline', lastSampleAt: null, values: {} },
    } as unknown as DataCenterWithSnapshot;
    const series = (metric: string, points: { t: number; max: number | null }[]): SeriesResponse => ({
      code: 'GZ-GY-03',
      metric,
      unit: '',
      step: '1h',
      from: '',
      to: '',
      series: [
        {
          labels: {},
          points: points.map((p) => ({ t: new Date(p.t).toISOString(), avg: p.max, min: p.max, max: p.max })),
        },
      ],
    });
    const api = fakeApi((method, path) => {
      if (method === 'GET' && path === '/api/v1/datacenters') return json(200, [dc]);
      // The demo's companies exist already, and the site is with its operator's (nothing to move).
      if (method === 'GET' && path === '/api/v1/organizations')
        return json(
          200,
          DEMO_ORGANIZATIONS.map((o) => ({
            ...o,
            sites: o.code === 'LEIGONG' ? ['GZ-GY-03'] : [],
            users: 0,
          })),
        );
      // The demo's Chinese names are listed already: nothing to add.
      if (method === 'GET' && path === '/api/v1/names') return json(200, DEMO_NAMES);
      if (method === 'GET' && path === '/api/v1/datacenters/GZ-GY-03/tokens')
        return json(200, [{ id: '7', name: 'demo-simulator', revokedAt: null }]);
      if (method === 'DELETE' && path === '/api/v1/tokens/7') return json(200, {});
      if (method === 'POST' && path === '/api/v1/datacenters/GZ-GY-03/tokens')
        return json(201, { id: '8', token: 'dcf_new' });
      const m = /series\?metric=(\w+)&from=(\d+)&to=(\d+)&step=(\w+)/.exec(path);
      if (m && m[4] === '1d')
        return json(
          200,
          series(m[1]!, [
            { t: lastDay - DAY_MS, max: 1000 },
            { t: lastDay, max: 2000 },
            { t: lastDay + DAY_MS, max: null },
          ]),
        );
      if (m && m[4] === '1h') {
        const base = m[1] === 'water_m3' ? 50 : m[1] === 'it_energy_kwh' ? 1500 : 2000;
        return json(
          200,
          series(m[1]!, [
            { t: lastHour - HOUR_MS, max: base - 1 },
            { t: lastHour, max: base },
            { t: lastHour + HOUR_MS, max: null },
          ]),
        );
      }
      return undefined;
    });
    const runner = new FleetRunner({
      baseUrl: 'http://dcfleet',
      admin: { username: 'admin', password: 'x' },
      sites: [spec!],
      liveIntervalMs: 0,
      checkRatings: false,
      rollupBacklog: 0,
      fetch: api.fetch,
      now: () => now,
    });
    await runner.start();
    const done = await runner.whenHistoryDone();
    await runner.stop();
    // The gap since 16:00 local on the 20th, hourly: no history from last January. The gap is under 14 days, so
    // every hour also has each zone's inlet temperature and humidity.
    const hours = (now - (lastHour + HOUR_MS)) / HOUR_MS;
    const zoneSamples = 2 * spec!.zones.length;
    expect(done.samplesTotal).toBeGreaterThan(hours * (5 + zoneSamples));
    expect(done.samplesTotal).toBeLessThan(hours * (9 + zoneSamples));
    const first = api.ingested[0]!;
    expect(first.token).toBe('Bearer dcf_new');
    expect(first.samples[0]!.ts).toBe(lastHour + 2 * HOUR_MS);
    // Counters continue from the stored ones, never below them.
    expect(first.samples[0]!.values!.facility_energy_kwh).toBeGreaterThan(2000);
    expect(first.samples[0]!.values!.it_energy_kwh).toBeGreaterThan(1500);
    expect(first.samples[0]!.values!.facility_energy_kwh).toBeLessThan(2000 + 2 * 8000 * 1.6);
    expect(runner.tokenIds()).toEqual({ 'GZ-GY-03': '8' });
  });
});

describe('RollupBacklog', () => {
  it('counts samples as folded once a flush that started after their acknowledgement has finished', async () => {
    let t = 0;
    let flushes = 0;
    let seconds = 0;
    const metrics = () =>
      `dcfleet_rollup_flush_duration_seconds_sum ${seconds}\ndcfleet_rollup_flush_duration_seconds_count ${flushes}\n`;
    const fetch: FetchLike = async (url) =>
      url.endsWith('/auth/login') ? json(200, LOGIN) : new Response(metrics(), { status: 200 });
    const client = new DcfleetClient('http://x', { username: 'admin', password: 'x' }, fetch);
    const backlog = new RollupBacklog(client, 1000, () => t, 100);
    const poll = () => (backlog as unknown as { poll: () => Promise<void> }).poll();
    await poll(); // baseline
    t = 1000;
    backlog.acknowledged(600);
    t = 2000;
    backlog.acknowledged(300);
    expect(backlog.pending).toBe(900);
    // A flush that started at 1500 and ended at 1900: only the first batch was in before it started.
    flushes = 1;
    seconds = 0.4;
    t = 2010;
    await poll();
    expect(backlog.pending).toBe(300);
    // The next flush (2100..2300) folds the rest.
    flushes = 2;
    seconds = 0.6;
    t = 2400;
    await poll();
    expect(backlog.pending).toBe(0);
  });

  it('turns itself off when the instance does not show its metrics', async () => {
    const fetch: FetchLike = async (url) => (url.endsWith('/auth/login') ? json(200, LOGIN) : json(403, {}));
    const backlog = new RollupBacklog(
      new DcfleetClient('http://x', { username: 'admin', password: 'x' }, fetch),
      10,
    );
    await (backlog as unknown as { poll: () => Promise<void> }).poll();
    expect(backlog.enabled).toBe(false);
    backlog.acknowledged(100);
    await backlog.room(100); // does not wait
    await backlog.drained(10_000);
    expect(backlog.waitedMs).toBeLessThan(1000);
  });
});
