import type { DataCenterWithSnapshot } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import { appendLive, applyDcUpdate, parseSeriesKey } from './live-data';

const site: DataCenterWithSnapshot = {
  code: 'GZ-GA-01',
  name: 'A',
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
  itCapacityKw: 1000,
  racks: null,
  pueCategory: 1,
  gridRegion: null,
  gridEmissionFactor: null,
  greenCertifiedYear: null,
  commissionedAt: null,
  snapshot: {
    code: 'GZ-GA-01',
    status: 'stale',
    lastSampleAt: '2026-11-29T08:00:00.000Z',
    lastIngestAt: null,
    livePue: 1.5,
    facilityPowerKw: 1500,
    itPowerKw: 1000,
    hottestInletC: 22,
    hottestInletZone: 'A1',
    activeAlarms: 0,
    values: { it_power_kw: 1000, facility_power_kw: 1500 },
  },
};

describe('parseSeriesKey', () => {
  it('splits metric and labels', () => {
    expect(parseSeriesKey('inlet_temp_c{"zone":"A1"}')).toEqual({
      metric: 'inlet_temp_c',
      labels: { zone: 'A1' },
    });
    expect(parseSeriesKey('it_power_kw')).toEqual({ metric: 'it_power_kw', labels: {} });
    expect(parseSeriesKey('x_bad{oops')).toEqual({ metric: 'x_bad', labels: {} });
  });
});

describe('applyDcUpdate', () => {
  it('updates the live figures, recomputes PUE and finds the hottest zone', () => {
    const next = applyDcUpdate(site, {
      code: 'GZ-GA-01',
      seq: 5,
      ts: '2026-11-29T08:01:00.000Z',
      values: { it_power_kw: 4321.5, 'inlet_temp_c{"zone":"A1"}': 21, 'inlet_temp_c{"zone":"B2"}': 26.5 },
    })!;
    expect(next.snapshot.itPowerKw).toBe(4321.5);
    expect(next.snapshot.facilityPowerKw).toBe(1500);
    expect(next.snapshot.livePue).toBeCloseTo(1500 / 4321.5);
    expect(next.snapshot.hottestInletC).toBe(26.5);
    expect(next.snapshot.hottestInletZone).toBe('B2');
    expect(next.snapshot.status).toBe('online');
    expect(next.snapshot.values.it_power_kw).toBe(4321.5);
    expect(next.snapshot.values['inlet_temp_c{"zone":"A1"}']).toBeUndefined();
  });

  it('ignores late batches and other sites', () => {
    const late = { code: 'GZ-GA-01', seq: 6, ts: '2026-11-29T07:00:00.000Z', values: { it_power_kw: 1 } };
    expect(applyDcUpdate(site, late)).toBe(site);
    expect(applyDcUpdate(site, { ...late, code: 'OTHER', ts: '2026-11-29T09:00:00Z' })).toBe(site);
    expect(applyDcUpdate(undefined, late)).toBeUndefined();
  });
});

describe('appendLive', () => {
  const u = (ts: string, v: number) => ({ code: 'X1', seq: 1, ts, values: { it_power_kw: v } });
  it('keeps samples in time order and merges equal times', () => {
    let b = appendLive(undefined, u('2026-11-29T08:00:10Z', 1));
    b = appendLive(b, u('2026-11-29T08:00:30Z', 3));
    b = appendLive(b, u('2026-11-29T08:00:20Z', 2));
    b = appendLive(b, { code: 'X1', seq: 2, ts: '2026-11-29T08:00:30Z', values: { facility_power_kw: 9 } });
    expect(b.map((s) => s.values.it_power_kw)).toEqual([1, 2, 3]);
    expect(b[2]!.values.facility_power_kw).toBe(9);
  });
  it('trims to the window', () => {
    let b = appendLive(undefined, u('2026-11-29T08:00:00Z', 1), 60_000);
    b = appendLive(b, u('2026-11-29T08:02:00Z', 2), 60_000);
    expect(b.map((s) => s.values.it_power_kw)).toEqual([2]);
    expect(appendLive(b, u('2026-11-29T07:00:00Z', 0), 60_000)).toBe(b);
  });
});
