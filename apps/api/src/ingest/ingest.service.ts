import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import type { IngestResponse } from '@dcfleet/contracts';
import type { IngestPrincipal } from '../platform/access/access.types';
import { RetryLater } from '../platform/common/retry-later';
import { isStorageUnavailable } from '../platform/database/storage-errors';
import { AppConfig } from '../platform/config/app-config';
import { type SiteEntity, SitesService } from '../sites/sites.module';
import { MetricsService } from '../platform/observability/metrics.service';
import {
  InstanceLease,
  type NewSeries,
  RawMaintenanceService,
  RollupService,
  SeriesRegistry,
  SnapshotService,
  TELEMETRY_STORE,
  type TelemetryStore,
} from '../telemetry/telemetry.module';
import { seriesOf, type DecodeOutcome, type DecodedBatch } from './batch-decode';
import { IngestEvents } from './ingest-events';

export interface IngestOutcome {
  response: IngestResponse;
  /** Valid samples that were stored (0 for a replay). */
  stored: number;
  replayed: boolean;
}

@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');
  private inflight = 0;
  private readonly inflightBySite = new Map<number, number>();
  /** Series being created by batches in flight, per site (SERIES_MAX_PER_SITE). */
  private readonly creatingBySite = new Map<number, number>();
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
    private readonly raw: RawMaintenanceService,
  ) {}

  /**
   * Refuses work beyond INGEST_MAX_INFLIGHT concurrent batches, and beyond INGEST_MAX_INFLIGHT_PER_SITE of one site,
   * so one site's slow or stuck uploads cannot take every slot: callers get 429 + Retry-After. The slot is taken
   * before the body is read (it bounds the memory bodies take), and the body deadline bounds how long it is held.
   */
  admit(siteId: number): () => void {
    const env = this.config.env;
    const ofSite = this.inflightBySite.get(siteId) ?? 0;
    if (this.inflight >= env.INGEST_MAX_INFLIGHT || ofSite >= env.INGEST_MAX_INFLIGHT_PER_SITE) {
      const scope =
        this.inflight >= env.INGEST_MAX_INFLIGHT ? 'ingest overloaded' : 'too many uploads of this site';
      this.metrics.ingestOverload.inc({ scope: scope === 'ingest overloaded' ? 'instance' : 'site' });
      throw new RetryLater(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `${scope} in flight; retry after the delay in Retry-After`,
        },
        1,
      );
    }
    this.inflight++;
    this.inflightBySite.set(siteId, ofSite + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inflight--;
      const left = (this.inflightBySite.get(siteId) ?? 1) - 1;
      if (left > 0) this.inflightBySite.set(siteId, left);
      else this.inflightBySite.delete(siteId);
    };
  }

  /**
   * Per-site samples/s token bucket (INGEST_RATE_LIMIT, 0 = off) holding one second's worth. A batch larger than
   * that is admitted when the bucket is full and leaves it in debt, so the site's average stays at the limit and
   * a backfill batch of any size gets through instead of being refused forever. Retry-After says when the bucket
   * will hold what the refused batch needs.
   */
  private rateLimit(siteId: number, samples: number): void {
    const limit = this.config.env.INGEST_RATE_LIMIT;
    if (!limit) return;
    const now = Date.now();
    const b = this.buckets.get(siteId) ?? { tokens: limit, at: now };
    b.tokens = Math.min(limit, b.tokens + ((now - b.at) / 1000) * limit);
    b.at = now;
    this.buckets.set(siteId, b);
    const needed = Math.min(samples, limit);
    if (b.tokens < needed) {
      throw new RetryLater(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `site over its ingest rate of ${limit} samples/s`,
        },
        Math.max(1, Math.ceil((needed - b.tokens) / limit)),
      );
    }
    b.tokens -= samples;
  }

  /**
   * Samples older than the raw retention horizon can no longer be merged by recomputing from raw samples (those
   * are gone), so they are taken only when they come after everything their hour bucket holds — stored or still in
   * this instance's pending partials — which the rollup merge folds in exactly (history imports, backfills after
   * an outage). A batch with any other such sample is refused whole (422), naming them, and nothing is stored
   * (docs/architecture.md, "Retention").
   */
  private async checkBeyondRetention(batch: DecodedBatch, seriesRefs: number[]): Promise<void> {
    const horizon = this.raw.lateHorizon(Date.now());
    const old: number[] = [];
    for (let j = 0; j < batch.ts.length; j++) if (batch.ts[j]! < horizon && seriesRefs[j]! >= 0) old.push(j);
    if (old.length === 0) return;
    const hourOf = (t: number) => t - (t % 3_600_000);
    const ids = [...new Set(old.map((j) => seriesRefs[j]!))];
    let lo = Infinity;
    let hi = -Infinity;
    for (const j of old) {
      lo = Math.min(lo, hourOf(batch.ts[j]!));
      hi = Math.max(hi, hourOf(batch.ts[j]!));
    }
    const last = new Map<string, number>();
    for (const r of await this.store.readRollups('1h', ids, lo, hi + 3_600_000))
      last.set(`${r.seriesId}:${r.bucket}`, r.lastTs);
    const bad: string[] = [];
    let count = 0;
    for (const j of old) {
      const sid = seriesRefs[j]!;
      const t = batch.ts[j]!;
      const hour = hourOf(t);
      const stored = Math.max(
        last.get(`${sid}:${hour}`) ?? -Infinity,
        this.rollups.pendingHourLast(sid, hour),
      );
      if (t > stored) continue;
      count++;
      if (bad.length < 20) {
        const s = seriesOf(batch, batch.seriesIndex[j]!);
        bad.push(`${s.metric}${s.labelKey} at ${new Date(t).toISOString()}`);
      }
    }
    if (count === 0) return;
    const days = Math.round((Date.now() - horizon) / 86_400_000);
    throw new HttpException(
      {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message:
          `${count} sample(s) are older than the raw retention (${days} days) and fall inside data their hour ` +
          `already holds, which can no longer be merged exactly; nothing was stored: ${bad.join(', ')}` +
          (count > bad.length ? ', …' : ''),
      },
      422,
    );
  }

  /**
   * Stores a batch decoded by IngestDecoder; `receivedAt` is the time its limits were checked against. Resolves
   * only when the transaction committed; any thrown HttpException means nothing of the request was stored.
   */
  async ingestDecoded(
    principal: IngestPrincipal,
    decoded: DecodeOutcome,
    idempotencyKey: string | null,
    receivedAt: number,
  ): Promise<IngestOutcome> {
    if ('refusal' in decoded) {
      const r = decoded.refusal;
      for (const x of r.rejected ?? [])
        this.metrics.samplesRejected.inc({ reason: MetricsService.reasonClass(x.reason) });
      const body =
        r.status === 413
          ? { statusCode: 413, error: 'Payload Too Large', message: r.message }
          : {
              statusCode: 400,
              error: 'Bad Request',
              message: r.message,
              rejected: r.rejected?.slice(0, 1000),
            };
      throw new HttpException(body, r.status);
    }
    const batch = decoded.batch;
    const rejected = batch.rejected;
    for (const r of rejected)
      this.metrics.samplesRejected.inc({ reason: MetricsService.reasonClass(r.reason) });
    this.rateLimit(principal.siteId, batch.accepted);
    const site = await this.sites.byIdCached(principal.siteId);
    if (!site)
      throw new HttpException(
        { statusCode: 403, error: 'Forbidden', message: 'the token’s site no longer exists' },
        403,
      );
    this.rollups.setSiteZone(site.id, site.timezone);

    // Resolve the batch's distinct series: known ids, or -(1 + index) into the series to create.
    const siteSeries = this.registry.siteMap(site.id);
    const keys = batch.seriesKeys;
    const refOf = new Array<number>(keys.length);
    const newSeries: NewSeries[] = [];
    for (let k = 0; k < keys.length; k++) {
      const known = siteSeries?.get(keys[k]!);
      if (known) refOf[k] = known.id;
      else {
        newSeries.push(seriesOf(batch, k));
        refOf[k] = -newSeries.length;
      }
    }
    const release = this.reserveSeries(site, siteSeries?.size ?? 0, newSeries);
    try {
      return await this.commit(principal, site, batch, refOf, newSeries, idempotencyKey, receivedAt);
    } finally {
      release();
    }
  }

  /**
   * SERIES_MAX_PER_SITE: a batch that would take the site past its quota is refused whole (422) — every sample of a
   * request is stored or none. Series being created by batches still in flight count, so parallel batches cannot
   * overshoot together. Returns the release of this batch's reservation.
   */
  private reserveSeries(site: SiteEntity, existing: number, created: readonly NewSeries[]): () => void {
    const max = this.config.env.SERIES_MAX_PER_SITE;
    if (created.length === 0 || !max) return () => undefined;
    const pending = this.creatingBySite.get(site.id) ?? 0;
    if (existing + pending + created.length > max) {
      this.metrics.ingestRefused.inc({ reason: 'series_quota' });
      const names = created.slice(0, 5).map((x) => x.metric + x.labelKey);
      throw new HttpException(
        {
          statusCode: 422,
          error: 'Unprocessable Entity',
          message:
            `${site.code} has ${existing} series and this batch would add ${created.length} ` +
            `(${names.join(', ')}${created.length > names.length ? ', …' : ''}), over SERIES_MAX_PER_SITE ` +
            `(${max}); nothing was stored`,
        },
        422,
      );
    }
    this.creatingBySite.set(site.id, pending + created.length);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.creatingBySite.get(site.id) ?? created.length) - created.length;
      if (left > 0) this.creatingBySite.set(site.id, left);
      else this.creatingBySite.delete(site.id);
    };
  }

  private async commit(
    principal: IngestPrincipal,
    site: SiteEntity,
    batch: DecodedBatch,
    refOf: number[],
    newSeries: NewSeries[],
    idempotencyKey: string | null,
    receivedAt: number,
  ): Promise<IngestOutcome> {
    const rejected = batch.rejected;
    const n = batch.ts.length;
    const seriesRefs = new Array<number>(n);
    for (let j = 0; j < n; j++) seriesRefs[j] = refOf[batch.seriesIndex[j]!]!;
    let ts = Array.from(batch.ts);
    let values = Array.from(batch.values);
    const maxTs = batch.maxTs;
    const beyondRetention = batch.minTs < this.raw.lateHorizon(receivedAt);
    if (beyondRetention) await this.checkBeyondRetention(batch, seriesRefs);
    let out;
    const committing = performance.now();
    try {
      out = await this.store.writeBatch({
        instanceId: this.lease.id,
        siteId: site.id,
        siteCode: site.code,
        tokenId: principal.tokenId,
        receivedAt,
        idempotencyKey,
        accepted: batch.accepted,
        rejected: rejected.length,
        contentHash: batch.contentHash,
        minTs: batch.minTs,
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
    const folding = performance.now();
    this.metrics.ingestStage.observe({ stage: 'commit' }, (folding - committing) / 1000);
    if (out.kind === 'replay') {
      return { response: JSON.parse(out.response) as IngestResponse, stored: 0, replayed: true };
    }
    for (const row of out.createdSeries) this.registry.add(row);
    // The stored batch keeps request order (the order of its content hash, which a deep receipt check re-hashes).
    let seriesIds = out.seriesIds;
    let status = out.status;
    if (beyondRetention) {
      // Rollups take it in time order, so every old sample appends to its minute, hour and day partials (exact
      // merges).
      const order = ts.map((_, i) => i).sort((a, b) => batch.ts[a]! - batch.ts[b]!);
      const ids = seriesIds;
      seriesIds = order.map((i) => ids[i]!);
      ts = order.map((i) => batch.ts[i]!);
      values = order.map((i) => batch.values[i]!);
      const st = status;
      status = Uint8Array.from(order, (i) => st[i]!);
    }
    this.rollups.accept(out.receipt.id, site.id, seriesIds, ts, values, status);
    const changed = this.snapshots.accept(site.id, receivedAt, seriesIds, ts, values);
    this.metrics.samplesAccepted.inc(batch.accepted);
    this.events.emitBatch({
      siteId: site.id,
      siteCode: site.code,
      maxTs,
      changed,
      seriesIds,
      ts,
      values,
      status,
    });
    this.metrics.ingestStage.observe({ stage: 'fold' }, (performance.now() - folding) / 1000);
    return { response: JSON.parse(out.response) as IngestResponse, stored: n, replayed: false };
  }
}
