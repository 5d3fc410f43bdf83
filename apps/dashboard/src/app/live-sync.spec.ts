import type { AlarmInfo, DataCenterWithSnapshot, SiteSnapshot } from '@dcfleet/contracts';
import { QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '../api/query-client';
import { alarmsQuery } from '../features/alarms/api/alarms-api';
import { fleetQuery, siteQuery, trendsQuery } from '../features/fleet/api/fleet-api';
import { ratingQuery, ratingsQuery } from '../features/ratings/api/ratings-api';
import { liveSamplesQuery, seriesPrefix } from '../features/site/api/site-api';
import { createLiveSink } from './live-sync';

const tick = () => new Promise((r) => setTimeout(r, 0));

function snap(code: string, patch: Partial<SiteSnapshot> = {}): SiteSnapshot {
  return {
    code,
    status: 'online',
    lastSampleAt: '2026-11-29T08:00:00.000Z',
    lastIngestAt: '2026-11-29T08:00:00.000Z',
    livePue: 1.2,
    facilityPowerKw: 1200,
    itPowerKw: 1000,
    hottestInletC: null,
    hottestInletZone: null,
    activeAlarms: 0,
    values: {},
    ...patch,
  };
}

function site(code: string, patch: Partial<SiteSnapshot> = {}): DataCenterWithSnapshot {
  return {
    code,
    name: code,
    nameZh: null,
    operator: null,
    region: null,
    hub: null,
    operatorZh: null,
    regionZh: null,
    hubZh: null,
    latitude: null,
    longitude: null,
    timezone: 'Asia/Shanghai',
    itCapacityKw: null,
    racks: null,
    pueCategory: 1,
    gridRegion: null,
    gridEmissionFactor: null,
    greenCertifiedYear: null,
    commissionedAt: null,
    snapshot: snap(code, patch),
  };
}

function alarm(id: number, patch: Partial<AlarmInfo> = {}): AlarmInfo {
  return {
    id,
    datacenter: 'A1',
    rule: 'inlet_temp',
    severity: 'warning',
    state: 'active',
    message: 'hot',
    raisedAt: '2026-11-29T08:00:00.000Z',
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    ...patch,
  };
}

/** Watches a key the way a mounted component does, counting its fetches. */
function watch(client: ReturnType<typeof createQueryClient>, queryKey: readonly unknown[], data: unknown) {
  let fetches = 0;
  client.setQueryData(queryKey, data);
  const observer = new QueryObserver(client, {
    queryKey,
    queryFn: async () => {
      fetches++;
      return data;
    },
    staleTime: Infinity,
  });
  const off = observer.subscribe(() => {});
  return { fetches: () => fetches, off };
}

describe('live events update the entries the queries fill', () => {
  it('fleet updates reach the fleet list, the site entry and the tile trend', () => {
    const client = createQueryClient();
    const sink = createLiveSink(client);
    client.setQueryData(fleetQuery().queryKey, [site('A1'), site('B1')]);
    client.setQueryData(siteQuery('A1').queryKey, site('A1'));
    client.setQueryData(trendsQuery().queryKey, { A1: [{ t: Date.parse('2026-11-29T07:59:00Z'), v: 990 }] });
    sink.fleetUpdate({
      seq: 1,
      sites: [snap('A1', { itPowerKw: 1500, lastSampleAt: '2026-11-29T08:01:00.000Z' })],
    });
    expect(client.getQueryData(fleetQuery().queryKey)?.map((s) => s.snapshot.itPowerKw)).toEqual([
      1500, 1000,
    ]);
    expect(client.getQueryData(siteQuery('A1').queryKey)?.snapshot.itPowerKw).toBe(1500);
    expect(client.getQueryData(trendsQuery().queryKey)?.A1?.at(-1)).toEqual({
      t: Date.parse('2026-11-29T08:01:00Z'),
      v: 1500,
    });
    // Entries nobody loaded stay empty: their first fetch will have the value.
    expect(client.getQueryData(siteQuery('B1').queryKey)).toBeUndefined();
  });

  it('a site the list does not know yet makes the watched list refetch', async () => {
    const client = createQueryClient();
    const list = watch(client, fleetQuery().queryKey, [site('A1')]);
    await tick();
    createLiveSink(client).fleetUpdate({ seq: 2, sites: [snap('NEW-1')] });
    await tick();
    expect(list.fetches()).toBe(1);
    list.off();
  });

  it('dc updates reach the site snapshot and the live samples', () => {
    const client = createQueryClient();
    client.setQueryData(siteQuery('A1').queryKey, site('A1'));
    const sink = createLiveSink(client);
    sink.dcUpdate({
      code: 'A1',
      seq: 5,
      ts: '2026-11-29T08:02:00.000Z',
      values: { facility_power_kw: 5402, it_power_kw: 4321.5 },
    });
    const now = client.getQueryData(siteQuery('A1').queryKey)?.snapshot;
    expect(now?.itPowerKw).toBe(4321.5);
    expect(now?.livePue).toBeCloseTo(1.25, 3);
    expect(client.getQueryData(liveSamplesQuery('A1').queryKey)).toEqual([
      { t: Date.parse('2026-11-29T08:02:00Z'), values: { facility_power_kw: 5402, it_power_kw: 4321.5 } },
    ]);
  });

  it('a resync empties the live samples and refetches the site and its series', async () => {
    const client = createQueryClient();
    client.setQueryData(liveSamplesQuery('A1').queryKey, [{ t: 1, values: { it_power_kw: 1 } }]);
    const series = watch(client, [...seriesPrefix('A1'), 'it_power_kw', 'live:1m'], { series: [] });
    const other = watch(client, [...seriesPrefix('B1'), 'it_power_kw', 'live:1m'], { series: [] });
    const detail = watch(client, siteQuery('A1').queryKey, site('A1'));
    await tick();
    createLiveSink(client).dcResync('A1');
    await tick();
    expect(client.getQueryData(liveSamplesQuery('A1').queryKey)).toEqual([]);
    expect(series.fetches()).toBe(1);
    expect(detail.fetches()).toBe(1);
    expect(other.fetches()).toBe(0);
    [series, other, detail].forEach((w) => w.off());
  });

  it('alarm events upsert into both lists; the active list drops cleared alarms', () => {
    const client = createQueryClient();
    client.setQueryData(alarmsQuery('active').queryKey, [alarm(1)]);
    client.setQueryData(alarmsQuery('all').queryKey, [alarm(1)]);
    const sink = createLiveSink(client);
    sink.alarm({ seq: 1, alarm: alarm(2, { raisedAt: '2026-11-29T09:00:00.000Z' }) });
    expect(client.getQueryData(alarmsQuery('active').queryKey)?.map((a) => a.id)).toEqual([2, 1]);
    sink.alarm({ seq: 2, alarm: alarm(1, { state: 'cleared', clearedAt: '2026-11-29T09:30:00.000Z' }) });
    expect(client.getQueryData(alarmsQuery('active').queryKey)?.map((a) => a.id)).toEqual([2]);
    expect(client.getQueryData(alarmsQuery('all').queryKey)?.map((a) => a.id)).toEqual([2, 1]);
  });

  it('a revised rating refetches that year and that report, not the others', async () => {
    const client = createQueryClient();
    const year = watch(client, ratingsQuery(2025).queryKey, { sites: [] });
    const otherYear = watch(client, ratingsQuery(2024).queryKey, { sites: [] });
    const report = watch(client, ratingQuery('A1', 2025).queryKey, {});
    await tick();
    createLiveSink(client).ratingRevised({
      seq: 1,
      code: 'A1',
      year: 2025,
      previousPue: 1.3,
      pue: 1.25,
      revisedAt: '2026-11-29T10:00:00.000Z',
    });
    await tick();
    expect([year.fetches(), otherYear.fetches(), report.fetches()]).toEqual([1, 0, 1]);
    createLiveSink(client).ratingsResync();
    await tick();
    expect(otherYear.fetches()).toBe(1);
    [year, otherYear, report].forEach((w) => w.off());
  });
});
