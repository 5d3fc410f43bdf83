import type { SeriesResponse } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import { type BuildContext } from './chart-data';
import { resolveWindow } from './time-range';
import { metricsOf, SITE_CHARTS, type SeriesByMetric } from './site-charts';

const T0 = Date.parse('2026-11-29T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function zoneLabels(zone: string | null): Record<string, string> {
  return zone ? { zone } : {};
}

/** One series of a metric with 30 one-minute points (zones for the per-zone metrics, counters as increases). */
function resp(metric: string): SeriesResponse {
  const counter = metric.endsWith('_kwh') || metric === 'water_m3';
  const zones = metric === 'inlet_temp_c' || metric === 'relative_humidity_pct' ? ['A1', 'B2'] : [null];
  return {
    code: 'X1',
    metric,
    unit: '',
    step: '1m',
    from: iso(T0),
    to: iso(T0 + 30 * 60_000),
    series: zones.map((zone, z) => ({
      labels: zoneLabels(zone),
      points: Array.from({ length: 30 }, (_, i) => {
        const v = 1000 + 10 * i + z;
        return {
          t: iso(T0 + i * 60_000),
          avg: counter ? null : v,
          min: v,
          max: v,
          increase: counter ? v : null,
        };
      }),
    })),
  };
}

const ctx: BuildContext = {
  window: resolveWindow({ range: 'custom', from: T0, to: T0 + 30 * 60_000 }, T0),
  live: [],
  labels: {
    facility: 'Facility',
    it: 'IT',
    pue: 'PUE',
    zone: (z) => `Zone ${z}`,
    water: 'Water',
    renewable: 'Renewable',
  },
};

const ALL: SeriesByMetric = Object.fromEntries(metricsOf(SITE_CHARTS).map((m) => [m, resp(m)]));

describe('the site page chart definitions', () => {
  it('are the six charts of the page, each with its own id', () => {
    expect(SITE_CHARTS.map((c) => c.id)).toEqual(['power', 'pue', 'inlet', 'humidity', 'water', 'renewable']);
  });

  it('fetch each metric once, power and PUE sharing theirs', () => {
    expect(metricsOf(SITE_CHARTS)).toEqual([
      'facility_power_kw',
      'it_power_kw',
      'inlet_temp_c',
      'relative_humidity_pct',
      'water_m3',
      'renewable_energy_kwh',
      'facility_energy_kwh',
    ]);
  });

  it('draw from the metrics they declare and nothing else', () => {
    for (const chart of SITE_CHARTS) {
      const own = Object.fromEntries(chart.metrics.map((m) => [m, ALL[m]]));
      const lines = chart.lines(own, ctx);
      expect(lines.length, chart.id).toBeGreaterThan(0);
      expect(lines, chart.id).toEqual(chart.lines(ALL, ctx));
      expect(
        chart.lines({}, ctx).every((l) => l.data.every((p) => p.y === null)),
        `${chart.id} without data`,
      ).toBe(true);
    }
  });

  it('draw the lines each chart promises', () => {
    const byId = Object.fromEntries(SITE_CHARTS.map((c) => [c.id, c.lines(ALL, ctx).map((l) => l.label)]));
    expect(byId.power).toEqual(['Facility', 'IT']);
    expect(byId.pue).toEqual(['PUE']);
    expect(byId.inlet).toEqual(['Zone A1', 'Zone B2']);
    expect(byId.water).toEqual(['Water']);
    expect(byId.renewable).toEqual(['Renewable']);
  });

  it('draw alarm rule thresholds on the inlet and PUE charts only (humidity has no rule kind)', () => {
    expect(SITE_CHARTS.filter((c) => c.thresholds).map((c) => [c.id, c.thresholds])).toEqual([
      ['pue', 'pue'],
      ['inlet', 'inlet'],
    ]);
  });
});
