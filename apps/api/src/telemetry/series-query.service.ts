import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import {
  metricDefinition,
  SERIES_STEPS,
  type SeriesPoint,
  type SeriesResponse,
  type SeriesStep,
} from '@dcfleet/contracts';
import { localDayStart, nextLocalDayStart } from '@dcfleet/green-metrics';
import type { SiteEntity } from '../sites/sites.module';
import { AppConfig } from '../platform/config/app-config';
import { SeriesRegistry } from './series-registry';
import { COUNTER_NEIGHBOUR_MS, counterIncreases } from './counter-increase';
import { TELEMETRY_STORE, type RollupRow, type TelemetryStore } from './telemetry-store';

const MAX_POINTS = 20_000;

export interface SeriesQuery {
  metric?: string;
  from?: string;
  to?: string;
  step?: string;
  labels?: Record<string, string>;
}

function parseInstant(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n))
    throw new BadRequestException(`${name} must be an RFC 3339 time or epoch milliseconds`);
  return n;
}

/**
 * Reads charts from the rollups only. Only buckets with data come back (a missing bucket is a gap, never
 * interpolated): a year of a series that started last month is a month of points, not 365 mostly-null ones.
 */
@Injectable()
export class SeriesQueryService {
  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly registry: SeriesRegistry,
    private readonly config: AppConfig,
  ) {}

  static autoStep(rangeMs: number): SeriesStep {
    if (rangeMs <= 6 * 3_600_000) return '1m';
    if (rangeMs <= 14 * 86_400_000) return '1h';
    return '1d';
  }

  async query(site: SiteEntity, q: SeriesQuery): Promise<SeriesResponse> {
    if (!q.metric) throw new BadRequestException('metric is required');
    const def = metricDefinition(q.metric);
    if (!def) throw new BadRequestException(`unknown metric "${q.metric}"`);
    const now = Date.now();
    const to = parseInstant(q.to, 'to', now);
    const from = parseInstant(q.from, 'from', to - 24 * 3_600_000);
    if (from >= to) throw new BadRequestException('from must be before to');
    const stepParam = q.step ?? 'auto';
    if (stepParam !== 'auto' && !(SERIES_STEPS as readonly string[]).includes(stepParam)) {
      throw new BadRequestException('step must be auto, 1m, 1h or 1d');
    }
    let step: SeriesStep =
      stepParam === 'auto' ? SeriesQueryService.autoStep(to - from) : (stepParam as SeriesStep);
    // 1-minute rollups are kept ROLLUP_1M_RETENTION_DAYS: a short range further back is served hourly.
    const minuteDays = this.config.env.ROLLUP_1M_RETENTION_DAYS;
    if (step === '1m' && minuteDays && from < now - minuteDays * 86_400_000) {
      if (stepParam !== 'auto')
        throw new BadRequestException(
          `1-minute data is kept for ${minuteDays} days (ROLLUP_1M_RETENTION_DAYS); use step=1h for this range`,
        );
      step = '1h';
    }
    const slots = this.slots(step, from, to, site.timezone);
    if (slots.length > MAX_POINTS) {
      throw new BadRequestException(
        `too many points (${slots.length}); use a larger step or a shorter range`,
      );
    }
    const series = this.registry
      .ofSite(site.id)
      .filter((s) => s.metric === q.metric)
      .filter((s) => {
        if (!q.labels || Object.keys(q.labels).length === 0) return true;
        const labels = s.labels ? (JSON.parse(s.labels) as Record<string, string>) : {};
        return Object.entries(q.labels).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
      });
    // A metric can have thousands of series (racks): the budget is on the whole answer, not per series.
    const budget = this.config.env.READ_MAX_POINTS;
    if (slots.length * series.length > budget) {
      throw new BadRequestException(
        `too many points (${series.length} series × ${slots.length} buckets, over READ_MAX_POINTS ${budget}); ` +
          'filter with label.<key>=<value>, use a larger step or a shorter range',
      );
    }
    const start = slots[0] ?? from;
    const end = slots.length ? this.slotEnd(step, slots[slots.length - 1]!, site.timezone) : to;
    const ids = series.map((s) => s.id);
    const stamps = slots.map((t) => new Date(t).toISOString());
    const labelsOf = (s: (typeof series)[number]) =>
      s.labels ? (JSON.parse(s.labels) as Record<string, string>) : {};
    const head = {
      code: site.code,
      metric: q.metric,
      unit: def.unit,
      step,
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
    };
    if (def.kind === 'counter') {
      // Counters read whole rows (first/last readings) and the neighbouring buckets: a bucket's increase
      // includes the step from the reading before it (counter-increase.ts).
      const margin = COUNTER_NEIGHBOUR_MS[step];
      const all = await this.store.readRollups(step, ids, start - margin, end + margin);
      const bySeries = new Map<number, RollupRow[]>();
      for (const r of all) {
        const list = bySeries.get(r.seriesId);
        if (list) list.push(r);
        else bySeries.set(r.seriesId, [r]);
      }
      return {
        ...head,
        series: series.map((s) => {
          const rows = bySeries.get(s.id) ?? [];
          const inc = counterIncreases(slots, end, rows);
          const at = new Map(rows.map((r) => [r.bucket, r]));
          const points: SeriesPoint[] = [];
          slots.forEach((t, k) => {
            const r = at.get(t);
            // A bucket without readings still has data when a step between readings around it covers it.
            if (!r && inc[k] === null) return;
            points.push({
              t: stamps[k]!,
              avg: r ? r.sum / r.count : null,
              min: r ? r.min : null,
              max: r ? r.max : null,
              increase: inc[k]!,
            });
          });
          return { labels: labelsOf(s), points };
        }),
      };
    }
    const rows = await this.store.readRollupColumns(step, ids, start, end);
    // Rows come sorted by series then bucket: each series' rows are one run of the columns.
    const runs = new Map<number, number>();
    for (let i = 0; i < rows.length; i++) if (!runs.has(rows.seriesId[i]!)) runs.set(rows.seriesId[i]!, i);
    return {
      ...head,
      series: series.map((s) => {
        let i = runs.get(s.id) ?? rows.length;
        const points: SeriesPoint[] = [];
        for (let k = 0; k < slots.length; k++) {
          const t = slots[k]!;
          while (i < rows.length && rows.seriesId[i] === s.id && rows.bucket[i]! < t) i++;
          if (i < rows.length && rows.seriesId[i] === s.id && rows.bucket[i] === t)
            points.push({
              t: stamps[k]!,
              avg: rows.sum[i]! / rows.count[i]!,
              min: rows.min[i]!,
              max: rows.max[i]!,
            });
        }
        return { labels: labelsOf(s), points };
      }),
    };
  }

  private slots(step: SeriesStep, from: number, to: number, tz: string): number[] {
    const out: number[] = [];
    if (step === '1d') {
      for (let t = localDayStart(from, tz); t < to && out.length <= MAX_POINTS; t = nextLocalDayStart(t, tz))
        out.push(t);
      return out;
    }
    const ms = step === '1m' ? 60_000 : 3_600_000;
    if ((to - from) / ms > MAX_POINTS + 1) return new Array<number>(MAX_POINTS + 1).fill(0);
    for (let t = from - (((from % ms) + ms) % ms); t < to; t += ms) out.push(t);
    return out;
  }

  private slotEnd(step: SeriesStep, slot: number, tz: string): number {
    if (step === '1d') return nextLocalDayStart(slot, tz);
    return slot + (step === '1m' ? 60_000 : 3_600_000);
  }
}
