import { createHash } from 'node:crypto';
import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import {
  canonicalSampleLine,
  normalizeEntries,
  type IngestRejection,
  type IngestResponse,
  type NormalizedSample,
} from '@dcfleet/contracts';
import type { IngestPrincipal } from '../auth/auth.types';
import { AppConfig } from '../config/app-config';
import { SitesService } from '../datacenters/sites.service';
import { MetricsService } from '../observability/metrics.service';
import { InstanceLease } from '../telemetry/instance-lease';
import { RollupService } from '../telemetry/rollup.service';
import { SeriesRegistry } from '../telemetry/series-registry';
import { SnapshotService } from '../telemetry/snapshot.service';
import { TELEMETRY_STORE, type NewSeries, type TelemetryStore } from '../telemetry/telemetry-store';
import { IngestEvents } from './ingest-events';

export interface IngestOutcome {
  response: IngestResponse;
  /** Valid samples that were stored (0 for a replay). */
  stored: number;
  replayed: boolean;
}

/** Storage errors that mean "the database is unavailable" rather than "this request is wrong". */
export function isStorageUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  return (
    code.startsWith('SQLITE_') ||
    // Network: refused, reset, unreachable, DNS.
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ECONNABORTED',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
    ].includes(code) ||
    // PostgreSQL: class 08 (connection), 57P01-04 (admin/crash shutdown, cannot connect now, database dropped),
    // 53xxx (out of resources), 3D000 (database missing), 25006 (read-only: a standby after failover).
    /^(08|53)/.test(code) ||
    ['57P01', '57P02', '57P03', '57P04', '3D000', '25006'].includes(code) ||
    // 55000 covers other things too; only the ALTER DATABASE … ALLOW_CONNECTIONS false refusal is an outage.
    (code === '55000' && /not currently accepting connections/i.test(e?.message ?? '')) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/i.test(
      e?.message ?? '',
    )
  );
}

/** Batches from this size on give the event loop a turn halfway through (see ingestEntries). */
const YIELD_AFTER_SAMPLES = 1000;

@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');
  private inflight = 0;
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly registry: SeriesRegistry,
    private readonly rollups: RollupService,
    private readonly snapshots: SnapshotService,
    private readonly sites: SitesService,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly events: IngestEvents,
    private readonly lease: InstanceLease,
  ) {}

  /** Refuses work beyond INGEST_MAX_INFLIGHT concurrent batches: callers get 429 + Retry-After. */
  admit(): () => void {
    if (this.inflight >= this.config.env.INGEST_MAX_INFLIGHT) {
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: 'ingest overloaded; retry after the delay in Retry-After',
        },
        429,
      );
    }
    this.inflight++;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.inflight--;
      }
    };
  }

  /** Per-site samples/s token bucket (INGEST_RATE_LIMIT, 0 = off). */
  private rateLimit(siteId: number, samples: number): void {
    const limit = this.config.env.INGEST_RATE_LIMIT;
    if (!limit) return;
    const now = Date.now();
    const b = this.buckets.get(siteId) ?? { tokens: limit, at: now };
    b.tokens = Math.min(limit, b.tokens + ((now - b.at) / 1000) * limit);
    b.at = now;
    if (samples > b.tokens) {
      this.buckets.set(siteId, b);
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `site over its ingest rate of ${limit} samples/s`,
        },
        429,
      );
    }
    b.tokens -= samples;
    this.buckets.set(siteId, b);
  }

  /**
   * Validates and stores one batch of entries. 200-path only when the transaction committed; any thrown
   * HttpException means nothing of the request was stored.
   */
  async ingestEntries(
    principal: IngestPrincipal,
    entries: readonly unknown[],
    idempotencyKey: string | null,
    extraRejected: IngestRejection[] = [],
  ): Promise<IngestOutcome> {
    const env = this.config.env;
    if (entries.length > env.INGEST_MAX_SAMPLES) {
      throw new HttpException(
        {
          statusCode: 413,
          error: 'Payload Too Large',
          message: `more than INGEST_MAX_SAMPLES (${env.INGEST_MAX_SAMPLES}) samples in one request`,
        },
        413,
      );
    }
    const receivedAt = Date.now();
    const norm = normalizeEntries(entries, {
      now: receivedAt,
      maxAgeMs: env.INGEST_MAX_AGE_DAYS * 86_400_000,
    });
    // Let waiting I/O run between the two long synchronous stretches of a batch (parse + validation, then series
    // resolution + content hash): another request's database round trips would otherwise wait for both.
    if (norm.samples.length >= YIELD_AFTER_SAMPLES)
      await new Promise<void>((resolve) => setImmediate(resolve));
    const rejected = extraRejected.length ? [...extraRejected, ...norm.rejected] : norm.rejected;
    if (norm.samples.length > env.INGEST_MAX_SAMPLES) {
      throw new HttpException(
        {
          statusCode: 413,
          error: 'Payload Too Large',
          message: `more than INGEST_MAX_SAMPLES (${env.INGEST_MAX_SAMPLES}) samples in one request`,
        },
        413,
      );
    }
    for (const r of rejected)
      this.metrics.samplesRejected.inc({ reason: MetricsService.reasonClass(r.reason) });
    if (norm.samples.length === 0) {
      throw new HttpException(
        {
          statusCode: 400,
          error: 'Bad Request',
          message: 'no valid sample in the batch',
          rejected: rejected.slice(0, 1000),
        },
        400,
      );
    }
    this.rateLimit(principal.siteId, norm.samples.length);
    const site = await this.sites.byIdCached(principal.siteId);
    if (!site)
      throw new HttpException(
        { statusCode: 403, error: 'Forbidden', message: 'the token’s site no longer exists' },
        403,
      );
    this.rollups.setSiteZone(site.id, site.timezone);

    // Resolve series, then drop earlier duplicates of a (series, ts) in this batch: the last one wins.
    const all = norm.samples;
    const siteSeries = this.registry.siteMap(site.id);
    const refs = new Array<number>(all.length);
    const newSeries: NewSeries[] = [];
    const newIndex = new Map<string, number>();
    for (let i = 0; i < all.length; i++) {
      const s = all[i]!;
      const key = s.labelKey ? s.metric + s.labelKey : s.metric;
      const known = siteSeries?.get(key);
      if (known) refs[i] = known.id;
      else {
        let idx = newIndex.get(key);
        if (idx === undefined) {
          idx = newSeries.length;
          newSeries.push({ metric: s.metric, labelKey: s.labelKey, kind: s.kind });
          newIndex.set(key, idx);
        }
        refs[i] = -(idx + 1);
      }
    }
    const keep = lastWins(refs, all);
    const n = keep ? keep.length : all.length;
    const seriesRefs = new Array<number>(n);
    const ts = new Array<number>(n);
    const values = new Array<number>(n);
    const lines = new Array<string>(n);
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (let j = 0; j < n; j++) {
      const i = keep ? keep[j]! : j;
      const s = all[i]!;
      seriesRefs[j] = refs[i]!;
      ts[j] = s.ts;
      values[j] = s.value;
      if (s.ts < minTs) minTs = s.ts;
      if (s.ts > maxTs) maxTs = s.ts;
      lines[j] = canonicalSampleLine(s.metric, s.labelKey, s.ts, s.value);
    }
    const content = createHash('sha256').update(lines.join(''));
    const accepted = norm.samples.length;
    let out;
    try {
      out = await this.store.writeBatch({
        instanceId: this.lease.id,
        siteId: site.id,
        siteCode: site.code,
        tokenId: principal.tokenId,
        receivedAt,
        idempotencyKey,
        accepted,
        rejected: rejected.length,
        contentHash: content.digest('hex'),
        minTs,
        maxTs,
        newSeries,
        seriesRefs,
        ts,
        values,
        rejectedList: rejected,
      });
    } catch (err) {
      if (isStorageUnavailable(err)) {
        this.logger.error(`storage unavailable: ${(err as Error).message}`);
        throw new HttpException(
          {
            statusCode: 503,
            error: 'Service Unavailable',
            message: 'storage unavailable; nothing was stored, retry later',
          },
          503,
        );
      }
      throw err;
    }
    if (out.kind === 'replay') {
      return { response: JSON.parse(out.response) as IngestResponse, stored: 0, replayed: true };
    }
    for (const row of out.createdSeries) this.registry.add(row);
    this.rollups.accept(out.receipt.id, site.id, out.seriesIds, ts, values, out.status);
    const changed = this.snapshots.accept(site.id, receivedAt, out.seriesIds, ts, values);
    this.metrics.samplesAccepted.inc(accepted);
    this.events.emitBatch({
      siteId: site.id,
      siteCode: site.code,
      maxTs,
      changed,
      seriesIds: out.seriesIds,
      ts,
      values,
      status: out.status,
    });
    return { response: JSON.parse(out.response) as IngestResponse, stored: n, replayed: false };
  }
}

/**
 * Within one batch the last sample for a (series, ts) wins, as across batches. Returns the indices to keep,
 * or undefined when there is no duplicate (the common case, checked with numeric keys only).
 */
function lastWins(refs: number[], samples: NormalizedSample[]): number[] | undefined {
  const seen = new Map<number, number | Set<number>>();
  let dup = false;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const t = samples[i]!.ts;
    const prev = seen.get(ref);
    if (prev === undefined) seen.set(ref, t);
    else if (typeof prev === 'number') {
      if (prev === t) dup = true;
      else seen.set(ref, new Set([prev, t]));
    } else if (prev.has(t)) dup = true;
    else prev.add(t);
  }
  if (!dup) return undefined;
  const last = new Map<string, number>();
  for (let i = 0; i < refs.length; i++) last.set(`${refs[i]}:${samples[i]!.ts}`, i);
  return [...last.values()].sort((a, b) => a - b);
}
