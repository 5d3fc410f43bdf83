import type { DataCenterWithSnapshot, SiteSnapshot } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import {
  appendTrend,
  appendTrends,
  distinct,
  filterSites,
  fleetKpis,
  labelBox,
  mapFrame,
  mergeSnapshots,
  placeLabels,
  projector,
  sortSites,
  sparklinePath,
  trendStats,
  trendsFromSparklines,
  utilization,
} from './fleet-data';

function snap(code: string, patch: Partial<SiteSnapshot> = {}): SiteSnapshot {
  return {
    code,
    status: 'online',
    lastSampleAt: '2026-11-29T08:00:00Z',
    lastIngestAt: '2026-11-29T08:00:00Z',
    livePue: null,
    facilityPowerKw: null,
    itPowerKw: null,
    hottestInletC: null,
    hottestInletZone: null,
    activeAlarms: 0,
    values: {},
    ...patch,
  };
}

function site(
  code: string,
  s: Partial<SiteSnapshot> = {},
  extra: Partial<DataCenterWithSnapshot> = {},
): DataCenterWithSnapshot {
  return {
    code,
    name: `Site ${code}`,
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
    snapshot: snap(code, s),
    ...extra,
  };
}

describe('fleetKpis', () => {
  it('weights PUE by energy: Σ facility / Σ IT over online sites, not the mean of PUEs', () => {
    const sites = [
      site('A1', { facilityPowerKw: 1200, itPowerKw: 1000, livePue: 1.2 }),
      site('B1', { facilityPowerKw: 200, itPowerKw: 100, livePue: 2.0 }),
      // stale and offline sites do not count towards the live figures
      site('C1', { status: 'stale', facilityPowerKw: 9000, itPowerKw: 1000, activeAlarms: 2 }),
      site('D1', { status: 'offline', activeAlarms: 1 }),
    ];
    const k = fleetKpis(sites);
    expect(k.livePue).toBeCloseTo(1400 / 1100, 10); // 1.2727…, whereas the mean of PUEs would be 1.6
    expect(k.itKw).toBe(1100);
    expect(k.facilityKw).toBe(1400);
    expect(k.online).toBe(2);
    expect(k.total).toBe(4);
    expect(k.activeAlarms).toBe(3);
  });

  it('leaves PUE empty without an online site reporting both powers', () => {
    const k = fleetKpis([
      site('A1', { facilityPowerKw: 100, itPowerKw: null }),
      site('B1', { itPowerKw: 0, facilityPowerKw: 5 }),
    ]);
    expect(k.livePue).toBeNull();
    expect(k.facilityKw).toBe(105);
  });
});

describe('utilization', () => {
  it('divides IT load by design capacity', () => {
    expect(utilization(site('A1', { itPowerKw: 5000 }, { itCapacityKw: 20000 }))).toBe(0.25);
    expect(utilization(site('A1', { itPowerKw: 5000 }))).toBeNull();
    expect(utilization(site('A1', {}, { itCapacityKw: 100 }))).toBeNull();
  });
});

describe('mergeSnapshots', () => {
  it('replaces the snapshots of known sites and names unknown ones', () => {
    const list = [site('A1'), site('B1')];
    const { list: next, unknown } = mergeSnapshots(list, [snap('B1', { livePue: 1.3 }), snap('NEW-1')]);
    expect(next![0]).toBe(list[0]);
    expect(next![1]!.snapshot.livePue).toBe(1.3);
    expect(unknown).toEqual(['NEW-1']);
  });

  it('keeps the same array when nothing matched, and tolerates a missing list', () => {
    const list = [site('A1')];
    expect(mergeSnapshots(list, []).list).toBe(list);
    expect(mergeSnapshots(undefined, [snap('A1')])).toEqual({ list: undefined, unknown: ['A1'] });
  });
});

describe('trendsFromSparklines', () => {
  it("spreads each site's averages over the minutes from `from`, keeping gaps", () => {
    expect(
      trendsFromSparklines({
        metric: 'it_power_kw',
        unit: 'kW',
        step: '1m',
        from: '2026-11-29T08:00:00.000Z',
        to: '2026-11-29T08:02:00.000Z',
        sites: [
          { code: 'A1', avg: [1, null] },
          { code: 'B1', avg: [null, null] },
        ],
      }),
    ).toEqual({
      A1: [
        { t: Date.parse('2026-11-29T08:00:00Z'), v: 1 },
        { t: Date.parse('2026-11-29T08:01:00Z'), v: null },
      ],
      B1: [
        { t: Date.parse('2026-11-29T08:00:00Z'), v: null },
        { t: Date.parse('2026-11-29T08:01:00Z'), v: null },
      ],
    });
  });
});

describe('appendTrends', () => {
  const trends = { A1: [{ t: 0, v: 1 }], B1: [{ t: 0, v: 5 }] };
  it('appends to the sites that have a line and keeps the others (and their identity)', () => {
    const next = appendTrends(
      trends,
      new Map([
        ['A1', { t: 60_000, v: 2 }],
        ['C1', { t: 60_000, v: 9 }],
      ]),
      3_600_000,
    );
    expect(next).toEqual({
      A1: [
        { t: 0, v: 1 },
        { t: 60_000, v: 2 },
      ],
      B1: [{ t: 0, v: 5 }],
    });
    expect(next?.B1).toBe(trends.B1);
  });
  it('returns the same object when nothing changed, and nothing before the first fetch', () => {
    expect(appendTrends(trends, new Map([['A1', { t: 0, v: 1 }]]), 3_600_000)).toBe(trends);
    expect(appendTrends(undefined, new Map([['A1', { t: 0, v: 1 }]]), 3_600_000)).toBeUndefined();
  });
});

describe('appendTrend', () => {
  const pts = [
    { t: 0, v: 1 },
    { t: 60_000, v: 2 },
  ];
  it('appends newer points and drops points older than the window', () => {
    expect(appendTrend(pts, { t: 130_000, v: 3 }, 100_000)).toEqual([
      { t: 60_000, v: 2 },
      { t: 130_000, v: 3 },
    ]);
  });
  it('ignores older points, replaces an equal timestamp, and waits for the first fetch', () => {
    expect(appendTrend(pts, { t: 30_000, v: 9 }, 1e9)).toBe(pts);
    expect(appendTrend(pts, { t: 60_000, v: 5 }, 1e9)).toEqual([
      { t: 0, v: 1 },
      { t: 60_000, v: 5 },
    ]);
    expect(appendTrend(undefined, { t: 1, v: 1 }, 1e9)).toBeUndefined();
  });
});

describe('sparklinePath', () => {
  it('draws gaps as gaps (a new M after a null)', () => {
    const d = sparklinePath(
      [
        { t: 0, v: 0 },
        { t: 1, v: 10 },
        { t: 2, v: null },
        { t: 3, v: 5 },
        { t: 4, v: 10 },
      ],
      40,
      14,
    );
    expect(d).toBe('M0.0,12.0L10.0,2.0M30.0,7.0L40.0,2.0');
  });
  it('is empty without data and centres a flat line', () => {
    expect(sparklinePath([{ t: 0, v: null }], 10, 10)).toBe('');
    expect(
      sparklinePath(
        [
          { t: 0, v: 3 },
          { t: 1, v: 3 },
        ],
        10,
        10,
      ),
    ).toBe('M0.0,5.0L10.0,5.0');
  });
  it('does not magnify noise: the range spans at least 10 % of the values', () => {
    const d = sparklinePath(
      [
        { t: 0, v: 1000 },
        { t: 1, v: 1010 },
      ],
      10,
      104,
    );
    // 1000 and 1010 in a 100-unit range centred on 1005: y = 2 + (1 - (v - 955) / 100) * 100
    expect(d).toBe('M0.0,57.0L10.0,47.0');
  });
  it('marks an isolated point', () => {
    expect(
      sparklinePath(
        [
          { t: 0, v: null },
          { t: 1, v: 2 },
          { t: 2, v: null },
        ],
        10,
        10,
      ),
    ).toContain('h0.01');
  });
  it('trendStats summarises non-null values', () => {
    expect(
      trendStats([
        { t: 0, v: 2 },
        { t: 1, v: null },
        { t: 2, v: 1 },
      ]),
    ).toEqual({ min: 1, max: 2, last: 1 });
    expect(trendStats([])).toBeNull();
  });
});

describe('filters and sorting', () => {
  const sites = [
    site(
      'B1',
      { status: 'stale', itPowerKw: 500, activeAlarms: 1 },
      { region: 'Zunyi', hub: 'H1', itCapacityKw: 1000 },
    ),
    site('A1', { itPowerKw: 900, livePue: 1.4 }, { region: 'Guiyang', hub: 'H1', itCapacityKw: 3000 }),
    site('C1', { status: 'offline' }, { region: 'Guiyang', hub: 'H2' }),
  ];
  it('filters by region, hub and status', () => {
    expect(filterSites(sites, { region: 'Guiyang', hub: '', status: '' }).map((s) => s.code)).toEqual([
      'A1',
      'C1',
    ]);
    expect(filterSites(sites, { region: '', hub: 'H1', status: 'stale' }).map((s) => s.code)).toEqual(['B1']);
  });
  it('sorts by code, by numbers (largest first, missing last) and by status (problems first)', () => {
    expect(sortSites(sites, 'code').map((s) => s.code)).toEqual(['A1', 'B1', 'C1']);
    expect(sortSites(sites, 'it').map((s) => s.code)).toEqual(['A1', 'B1', 'C1']);
    expect(sortSites(sites, 'utilization').map((s) => s.code)).toEqual(['B1', 'A1', 'C1']);
    expect(sortSites(sites, 'pue').map((s) => s.code)).toEqual(['A1', 'B1', 'C1']);
    expect(sortSites(sites, 'status').map((s) => s.code)).toEqual(['C1', 'B1', 'A1']);
  });
  it('lists distinct regions', () => {
    expect(distinct(sites, 'region')).toEqual(['Guiyang', 'Zunyi']);
  });
});

describe('map projection', () => {
  it('frames Guizhou and widens for sites outside it', () => {
    expect(mapFrame([{ latitude: 26.4, longitude: 106.4 }])).toEqual({
      west: 103.5,
      east: 109.7,
      south: 24.5,
      north: 29.3,
    });
    expect(mapFrame([{ latitude: 31.2, longitude: 121.5 }]).east).toBe(122);
  });
  it('maps the north-west corner to 0,0 and keeps the aspect ratio', () => {
    const p = projector({ west: 100, east: 110, south: 20, north: 30 }, 500);
    expect(p.x(100)).toBeCloseTo(0);
    expect(p.y(30)).toBeCloseTo(0);
    expect(p.x(110)).toBeCloseTo(500);
    expect(p.height).toBeCloseTo(500 / Math.cos((25 * Math.PI) / 180), 5);
  });
});

describe('placeLabels', () => {
  const m = (x: number, y: number) => ({ x, y, r: 5, w: 40, h: 10 });
  it('puts labels to the right when free, and moves or hides them on collisions', () => {
    expect(placeLabels([m(10, 50), m(150, 50)], 300, 100)).toEqual(['right', 'right']);
    // The second marker sits where the first label would go: the first label moves to the left.
    expect(placeLabels([m(100, 50), m(120, 50)], 300, 100)).toEqual(['left', 'right']);
    // No room on the left at the frame's edge: above.
    expect(placeLabels([m(10, 50), m(30, 50)], 300, 100)[0]).toBeNull();
    expect(placeLabels([m(30, 50), m(50, 50)], 300, 100)[0]).toBe('above');
  });
  it('hides a label that fits nowhere', () => {
    const crowd = [m(50, 50), m(50, 35), m(50, 65), m(15, 50), m(85, 50), m(60, 50)];
    expect(placeLabels(crowd, 100, 100)).toContain(null);
  });
  it('label boxes sit beside the marker', () => {
    expect(labelBox(m(100, 50), 'right')).toEqual({ x0: 108, y0: 45, x1: 148, y1: 55 });
    expect(labelBox(m(100, 50), 'below').y0).toBe(58);
  });
});
