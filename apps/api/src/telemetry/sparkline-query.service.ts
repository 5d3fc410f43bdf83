import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { metricDefinition, SPARKLINE_MINUTES, type SparklinesResponse } from '@dcfleet/contracts';
import type { SiteEntity } from '../sites/sites.module';
import { SeriesRegistry } from './series-registry';
import { TELEMETRY_STORE, type SeriesRow, type TelemetryStore } from './telemetry-store';

const MINUTE = 60_000;

export interface SparklineQuery {
  metric?: string;
  minutes?: string;
}

/**
 * The fleet tiles' trend lines in one read: the last N minutes of one gauge for many sites, from the 1-minute
 * rollups (as the series route), as bare arrays of averages — one request and one rollup query instead of one
 * per site.
 */
@Injectable()
export class SparklineQueryService {
  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly registry: SeriesRegistry,
  ) {}

  async query(
    sites: readonly SiteEntity[],
    q: SparklineQuery,
    now = Date.now(),
  ): Promise<SparklinesResponse> {
    const metric = q.metric ?? 'it_power_kw';
    const def = metricDefinition(metric);
    if (!def) throw new BadRequestException(`unknown metric "${metric}"`);
    // A counter's trend is its increase per bucket, which needs neighbouring rows: the series route has that.
    if (def.kind !== 'gauge')
      throw new BadRequestException(`metric "${metric}" is a counter; sparklines take a gauge`);
    const given = q.minutes ?? String(SPARKLINE_MINUTES.default);
    const minutes = typeof given === 'string' && /^\d{1,4}$/.test(given) ? Number(given) : NaN;
    if (!(minutes >= SPARKLINE_MINUTES.min && minutes <= SPARKLINE_MINUTES.max)) {
      throw new BadRequestException(
        `minutes must be a whole number from ${SPARKLINE_MINUTES.min} to ${SPARKLINE_MINUTES.max}`,
      );
    }
    // The current (partial) minute is the last bucket, as in the series route with to=now.
    const end = now - (now % MINUTE) + MINUTE;
    const start = end - minutes * MINUTE;
    const picked = sites.map((s) => ({ code: s.code, series: this.pick(s.id, metric) }));
    const ids = picked.flatMap((p) => (p.series ? [p.series.id] : []));
    const rows = ids.length ? await this.store.readRollupColumns('1m', ids, start, end) : undefined;
    const bySeries = new Map<number, (number | null)[]>();
    for (const id of ids) bySeries.set(id, new Array<number | null>(minutes).fill(null));
    for (let i = 0; rows && i < rows.length; i++) {
      const k = (rows.bucket[i]! - start) / MINUTE;
      const avg = bySeries.get(rows.seriesId[i]!);
      if (avg && k >= 0 && k < minutes) avg[k] = rows.sum[i]! / rows.count[i]!;
    }
    return {
      metric,
      unit: def.unit,
      step: '1m',
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      sites: picked.map((p) => ({
        code: p.code,
        avg: (p.series && bySeries.get(p.series.id)) || new Array<number | null>(minutes).fill(null),
      })),
    };
  }

  /** The site's unlabelled series of the metric, else its first labelled one (what a tile showed before). */
  private pick(siteId: number, metric: string): SeriesRow | undefined {
    return (
      this.registry.find(siteId, metric, '') ?? this.registry.ofSite(siteId).find((s) => s.metric === metric)
    );
  }
}
