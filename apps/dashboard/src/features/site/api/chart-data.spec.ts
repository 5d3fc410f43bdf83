import type { SeriesResponse } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import {
  isolatedRadius,
  pointRadius,
  stats,
  summarizeChart,
  timeLineOptions,
} from '../../../components/chart-options';
import {
  isEmpty,
  mergeLive,
  pueLines,
  powerLines,
  ratioXY,
  renewableLines,
  seriesXY,
  waterLines,
  withGaps,
  zoneLines,
  unreported,
  type BuildContext,
} from './chart-data';
import { parseRange, resolveWindow, stepForRange } from './time-range';

const H = 3_600_000;
const D = 86_400_000;
const T0 = Date.parse('2026-11-29T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function resp(
  metric: string,
  series: { labels?: Record<string, string>; values: (number | null)[]; increase?: boolean }[],
  stepMs = 60_000,
): SeriesResponse {
  return {
    code: 'X1',
    metric,
    unit: '',
    step: '1m',
    from: iso(T0),
    to: iso(T0 + 60 * stepMs),
    series: series.map((s) => ({
      labels: s.labels ?? {},
      points: s.values.map((v, i) => ({
        t: iso(T0 + i * stepMs),
        avg: s.increase ? null : v,
        min: v,
        max: v,
        ...(s.increase ? { increase: v } : {}),
      })),
    })),
  };
}

const labels = {
  facility: 'Facility',
  it: 'IT',
  pue: 'PUE',
  zone: (z: string) => `Zone ${z}`,
  water: 'Water',
  renewable: 'Renewable',
};

function ctx(range: 'live' | '24h', live: BuildContext['live'] = []): BuildContext {
  return { window: { range, from: T0, to: T0 + H, step: '1m', key: range }, live, labels };
}

describe('ranges and steps', () => {
  it('picks the rollup from the span: ≤ 6 h → 1m, ≤ 14 d → 1h, else 1d', () => {
    expect(stepForRange(H)).toBe('1m');
    expect(stepForRange(6 * H)).toBe('1m');
    expect(stepForRange(6 * H + 1)).toBe('1h');
    expect(stepForRange(24 * H)).toBe('1h');
    expect(stepForRange(14 * D)).toBe('1h');
    expect(stepForRange(30 * D)).toBe('1d');
    expect(stepForRange(365 * D)).toBe('1d');
  });

  it('resolves relative and custom windows', () => {
    expect(resolveWindow({ range: '7d' }, T0)).toEqual({
      range: '7d',
      from: T0 - 7 * D,
      to: T0,
      step: '1h',
      key: '7d',
    });
    expect(resolveWindow({ range: 'live' }, T0)).toMatchObject({ from: T0 - H, step: '1m', key: 'live' });
    expect(resolveWindow({ range: 'custom', from: T0 - 3 * H, to: T0 }, T0)).toMatchObject({
      step: '1m',
      key: `custom-${T0 - 3 * H}-${T0}`,
    });
  });

  it('parses the range from the query and falls back to live', () => {
    expect(parseRange({ range: '30d' })).toEqual({ range: '30d' });
    expect(parseRange({})).toEqual({ range: 'live' });
    expect(parseRange({ range: 'bogus' })).toEqual({ range: 'live' });
    expect(parseRange({ range: 'custom', from: '2026-11-01T00:00:00Z', to: String(T0) })).toEqual({
      range: 'custom',
      from: Date.parse('2026-11-01T00:00:00Z'),
      to: T0,
    });
    expect(parseRange({ range: 'custom', from: String(T0), to: String(T0 - 1) })).toEqual({ range: 'live' });
  });
});

describe('series mapping', () => {
  it('keeps nulls as gaps and scales values', () => {
    const r = resp('it_power_kw', [{ values: [1000, null, 3000] }]);
    expect(seriesXY(r.series[0]!.points, 'avg', 1 / 1000)).toEqual([
      { x: T0, y: 1 },
      { x: T0 + 60_000, y: null },
      { x: T0 + 120_000, y: 3 },
    ]);
  });

  it('breaks the line after a bucket whose next one the API left out (buckets without data are not sent)', () => {
    // Minutes 0, 1, 2, then 5 and 6: minutes 3 and 4 had no data.
    const r = resp('it_power_kw', [{ values: [1000, 2000, 3000, 0, 0, 6000, 7000] }]);
    r.series[0]!.points.splice(3, 2);
    expect(seriesXY(r.series[0]!.points, 'avg', 1 / 1000, '1m')).toEqual([
      { x: T0, y: 1 },
      { x: T0 + 60_000, y: 2 },
      { x: T0 + 120_000, y: 3 },
      { x: T0 + 180_000, y: null },
      { x: T0 + 300_000, y: 6 },
      { x: T0 + 360_000, y: 7 },
    ]);
    // Without the step (old callers), nothing is inserted.
    expect(seriesXY(r.series[0]!.points).map((p) => p.y)).toEqual([1000, 2000, 3000, 6000, 7000]);
  });

  it('daily buckets of local days (23 or 25 h at a DST change) are not gaps; a missing day is', () => {
    const days = [
      '2026-03-28T23:00:00Z',
      '2026-03-29T23:00:00Z',
      '2026-03-30T22:00:00Z',
      '2026-04-01T22:00:00Z',
    ];
    const points = days.map((t, i) => ({ t, avg: i, min: i, max: i }));
    expect(seriesXY(points, 'avg', 1, '1d')).toEqual([
      { x: Date.parse(days[0]!), y: 0 },
      { x: Date.parse(days[1]!), y: 1 },
      { x: Date.parse(days[2]!), y: 2 },
      { x: Date.parse(days[2]!) + D, y: null },
      { x: Date.parse(days[3]!), y: 3 },
    ]);
  });

  it('every chart builder breaks its lines at left-out buckets', () => {
    const sparse = (r: SeriesResponse) => {
      for (const s of r.series) s.points.splice(1, 2);
      return r;
    };
    const f = sparse(resp('facility_power_kw', [{ values: [1200, 1, 1, 1300] }]));
    const it = sparse(resp('it_power_kw', [{ values: [1000, 1, 1, 1000] }]));
    expect(powerLines(f, it, ctx('24h'))[0]!.data.map((p) => p.y)).toEqual([1.2, null, 1.3]);
    expect(pueLines(f, it, ctx('24h'))[0]!.data.map((p) => p.y)).toEqual([1.2, null, 1.3]);
    const zones = sparse(resp('inlet_temp_c', [{ labels: { zone: 'A1' }, values: [20, 0, 0, 21] }]));
    expect(zoneLines(zones, 'inlet_temp_c', ctx('24h'))[0]!.data.map((p) => p.y)).toEqual([20, null, 21]);
    const water = sparse(resp('water_m3', [{ values: [2, 0, 0, 3], increase: true }]));
    expect(waterLines(water, ctx('24h'))[0]!.data.map((p) => p.y)).toEqual([2, null, 3]);
  });

  it('tells a metric the site does not report (no series) from one without data in the range', () => {
    const none = { ...resp('water_m3', []), series: [] };
    const quiet = resp('inlet_temp_c', [{ labels: { zone: 'A1' }, values: [] }]);
    const byMetric = { water_m3: none, inlet_temp_c: quiet, it_power_kw: undefined };
    expect(unreported(['water_m3', 'inlet_temp_c', 'it_power_kw'], byMetric)).toEqual(['water_m3']);
  });

  it('a metric a live sample has brought since the answer is reported (a new site’s first samples)', () => {
    const none = (metric: string) => ({ ...resp(metric, []), series: [] });
    const byMetric = {
      it_power_kw: none('it_power_kw'),
      inlet_temp_c: none('inlet_temp_c'),
      water_m3: none('water_m3'),
    };
    const live = [{ t: 1, values: { it_power_kw: 4321.5, 'inlet_temp_c{"zone":"A1"}': 22 } }];
    expect(unreported(['it_power_kw', 'inlet_temp_c', 'water_m3'], byMetric, live)).toEqual(['water_m3']);
    // A key that only starts with the metric's name is another metric.
    expect(unreported(['it_power'], { it_power: none('it_power') }, live)).toEqual(['it_power']);
  });

  it('inserts gaps between points too far apart', () => {
    expect(
      withGaps(
        [
          { x: 0, y: 1 },
          { x: 10, y: 2 },
          { x: 100, y: 3 },
        ],
        50,
      ),
    ).toEqual([
      { x: 0, y: 1 },
      { x: 10, y: 2 },
      { x: 55, y: null },
      { x: 100, y: 3 },
    ]);
  });

  it('ratioXY divides aligned points and leaves gaps where a side is missing or zero', () => {
    expect(
      ratioXY(
        [
          { x: 1, y: 150 },
          { x: 2, y: 150 },
          { x: 3, y: null },
          { x: 4, y: 10 },
        ],
        [
          { x: 1, y: 100 },
          { x: 2, y: 0 },
          { x: 3, y: 100 },
        ],
      ),
    ).toEqual([
      { x: 1, y: 1.5 },
      { x: 2, y: null },
      { x: 3, y: null },
      { x: 4, y: null },
    ]);
  });

  it('power lines are in MW; PUE is facility ÷ IT per bucket', () => {
    const f = resp('facility_power_kw', [{ values: [1200, null, 1300] }]);
    const it = resp('it_power_kw', [{ values: [1000, 1000, 1000] }]);
    const [fac, itLine] = powerLines(f, it, ctx('24h'));
    expect(fac!.data.map((p) => p.y)).toEqual([1.2, null, 1.3]);
    expect(itLine!.label).toBe('IT');
    expect(pueLines(f, it, ctx('24h'))[0]!.data.map((p) => p.y)).toEqual([1.2, null, 1.3]);
  });

  it('zone lines: one per zone, sorted naturally, labelled', () => {
    const r = resp('inlet_temp_c', [
      { labels: { zone: 'A10' }, values: [20] },
      { labels: { zone: 'A2' }, values: [21] },
    ]);
    const lines = zoneLines(r, 'inlet_temp_c', ctx('24h'));
    expect(lines.map((l) => l.label)).toEqual(['Zone A2', 'Zone A10']);
    expect(lines[0]!.color).not.toBe(lines[1]!.color);
  });

  it('counters chart their per-bucket increase; renewable share is capped at 100 %', () => {
    const water = resp('water_m3', [{ values: [2, null, 3], increase: true }]);
    expect(waterLines(water, ctx('24h'))[0]!.data.map((p) => p.y)).toEqual([2, null, 3]);
    const ren = resp('renewable_energy_kwh', [{ values: [50, 120, null], increase: true }]);
    const fac = resp('facility_energy_kwh', [{ values: [200, 100, 100], increase: true }]);
    expect(renewableLines(ren, fac, ctx('24h'))[0]!.data.map((p) => p.y)).toEqual([25, 100, null]);
    expect(renewableLines(undefined, fac, ctx('24h'))).toEqual([]);
  });

  it('isEmpty is true when every value is a gap', () => {
    expect(isEmpty([{ label: 'a', color: '#000', data: [{ x: 1, y: null }] }])).toBe(true);
    expect(isEmpty([])).toBe(true);
  });
});

describe('live merge', () => {
  it('appends live samples after the last filled bucket and clips to the window', () => {
    const base = [
      { x: T0 - 60_000, y: 9 }, // before the window
      { x: T0, y: 1 },
      { x: T0 + 60_000, y: 2 },
      { x: T0 + 120_000, y: null }, // current minute, not flushed yet
    ];
    const live = [
      { x: T0 + 90_000, y: 2.5 }, // inside the last filled bucket: already in its average
      { x: T0 + 125_000, y: 3 },
      { x: T0 + 135_000, y: 4 },
    ];
    expect(mergeLive(base, live, T0)).toEqual([
      { x: T0, y: 1 },
      { x: T0 + 60_000, y: 2 },
      { x: T0 + 125_000, y: 3 },
      { x: T0 + 135_000, y: 4 },
    ]);
  });

  it('shows a silence in the live part as a gap', () => {
    const out = mergeLive(
      [],
      [
        { x: T0, y: 1 },
        { x: T0 + 10 * 60_000, y: 2 },
      ],
      T0,
    );
    expect(out.map((p) => p.y)).toEqual([1, null, 2]);
  });

  it('the live range feeds dc:update samples into the power chart', () => {
    const it = resp('it_power_kw', [{ values: [1000] }]);
    const live = [{ t: T0 + 70_000, values: { it_power_kw: 4321.5, facility_power_kw: 5000 } }];
    const [, itLine] = powerLines(undefined, it, ctx('live', live));
    expect(itLine!.data.map((p) => p.y)).toEqual([1, 4.3215]);
    const labelled = zoneLines(
      resp('inlet_temp_c', [{ labels: { zone: 'A1' }, values: [20] }]),
      'inlet_temp_c',
      ctx('live', [{ t: T0 + 70_000, values: { 'inlet_temp_c{"zone":"A1"}': 22 } }]),
    );
    expect(labelled[0]!.data.map((p) => p.y)).toEqual([20, 22]);
    const pue = pueLines(undefined, undefined, ctx('live', live))[0]!.data;
    expect(pue).toHaveLength(1);
    expect(pue[0]!.y).toBeCloseTo(5000 / 4321.5, 10);
  });
});

describe('chart options and summaries', () => {
  it('uses a time axis with minUnit (never a fixed unit) and titled axes', () => {
    const o = timeLineOptions({
      xTitle: 'Time',
      yTitle: 'Power (MW)',
      min: 0,
      max: 1,
      bands: [{ from: 18, to: 27, color: 'x' }],
    });
    const x = o.scales!.x as {
      type: string;
      time: { minUnit: string; unit?: string };
      title: { text: string };
    };
    expect(x.type).toBe('time');
    expect(x.time.minUnit).toBe('minute');
    expect(x.time.unit).toBeUndefined();
    expect((o.scales!.y as { title: { text: string } }).title.text).toBe('Power (MW)');
    expect(o.plugins!.bands!.bands).toHaveLength(1);
  });

  it('shows isolated points only', () => {
    const data = [
      { x: 0, y: null },
      { x: 1, y: 5 },
      { x: 2, y: null },
      { x: 3, y: 1 },
      { x: 4, y: 2 },
    ];
    expect([0, 1, 2, 3, 4].map((i) => isolatedRadius(data, i))).toEqual([0, 2.5, 0, 0, 0]);
  });

  it('gives a line without isolated points one shared radius, not a function per point', () => {
    const joined = [
      { x: 0, y: 1 },
      { x: 1, y: 2 },
      { x: 2, y: null },
      { x: 3, y: 3 },
      { x: 4, y: 4 },
    ];
    expect(pointRadius(joined)).toBe(0);
    expect(pointRadius([])).toBe(0);
    expect(
      typeof pointRadius([
        { x: 0, y: null },
        { x: 1, y: 4 },
      ]),
    ).toBe('function');
  });

  it('summarises each series for screen readers', () => {
    expect(stats([{ x: 0, y: null }])).toBeNull();
    const text = summarizeChart(
      [
        {
          label: 'IT',
          data: [
            { x: 0, y: 1 },
            { x: 1, y: null },
            { x: 2, y: 3 },
          ],
        },
        { label: 'Empty', data: [] },
      ],
      (v) => v.toFixed(1),
      (l, last, min, max) => `${l} ${last} ${min} ${max}`,
    );
    expect(text).toEqual(['IT 3.0 1.0 3.0']);
  });
});
