import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { localDayStart, nextLocalDayStart } from '@dcfleet/green-metrics';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { addSample, single, type Agg } from './rollup-math';
import { SeriesRegistry } from './series-registry';
import {
  SAMPLE_NEW,
  SAMPLE_REPLACED,
  STEP_MS,
  TELEMETRY_STORE,
  type BucketMerge,
  type BucketRef,
  type RollupFlush,
  type RollupStep,
  type TelemetryStore,
} from './telemetry-store';

interface Partial extends BucketMerge {
  /** False once a sample landed inside the partial's time range: recompute from raw instead. */
  ordered: boolean;
}

/**
 * Numeric map key for (series, bucket): cheaper than a string per sample on the hot path. Buckets are whole
 * minutes; 2^26 minutes reach 2097 and 2^27 series ids stay below 2^53.
 */
function bucketKey(seriesId: number, bucket: number): number {
  return seriesId * 67_108_864 + Math.floor(bucket / 60_000);
}

interface DayCache {
  start: number;
  end: number;
}

/**
 * Keeps the 1m / 1h / 1d rollups current. Accepted samples are folded into in-memory partial buckets and
 * written once per flush (every ROLLUP_FLUSH_MS) by merging with the stored bucket — one write per bucket
 * per flush instead of three per sample. Samples that land inside an existing bucket's time range, or
 * replace a stored value, make the bucket be recomputed from the raw samples instead.
 *
 * Crash safety: a receipt stays `rolled_up = false` until its flush commits; on boot (and periodically)
 * receipts left pending are re-aggregated from the durable samples, so a crash loses nothing.
 */
@Injectable()
export class RollupService implements OnApplicationShutdown {
  private readonly logger = new Logger('Rollups');
  private partials: Record<RollupStep, Map<number, Partial>> = this.emptyPartials();
  private recompute = new Map<number, BucketRef>();
  private receiptIds: number[] = [];
  private readonly inMemoryReceipts = new Set<number>();
  private readonly siteZones = new Map<number, string>();
  private readonly dayCache = new Map<number, DayCache>();
  private timer: NodeJS.Timeout | undefined;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly registry: SeriesRegistry,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  private emptyPartials(): Record<RollupStep, Map<number, Partial>> {
    return { '1m': new Map(), '1h': new Map(), '1d': new Map() };
  }

  setSiteZone(siteId: number, timeZone: string): void {
    if (this.siteZones.get(siteId) !== timeZone) {
      this.siteZones.set(siteId, timeZone);
      this.dayCache.delete(siteId);
    }
  }

  /** Starts the flush loop and the periodic repair of batches that a crashed instance left pending. */
  start(): void {
    const every = this.config.env.ROLLUP_FLUSH_MS;
    this.timer = setInterval(() => void this.flush(), every);
    this.timer.unref();
    this.recoveryTimer = setInterval(() => void this.recover(this.recoveryGraceMs()), 30_000);
    this.recoveryTimer.unref();
  }

  recoveryGraceMs(): number {
    return Math.max(60_000, this.config.env.ROLLUP_FLUSH_MS * 5);
  }

  dayOf(siteId: number, ts: number): DayCache {
    const c = this.dayCache.get(siteId);
    if (c && ts >= c.start && ts < c.end) return c;
    const tz = this.siteZones.get(siteId) ?? 'Asia/Shanghai';
    const fresh = { start: localDayStart(ts, tz), end: nextLocalDayStart(ts, tz) };
    this.dayCache.set(siteId, fresh);
    return fresh;
  }

  /** Folds a committed batch in. `status` per sample: new, unchanged or replaced (see telemetry-store). */
  accept(receiptId: number, siteId: number, seriesIds: number[], ts: number[], values: number[], status: Uint8Array): void {
    this.receiptIds.push(receiptId);
    this.inMemoryReceipts.add(receiptId);
    const p1m = this.partials['1m'];
    const p1h = this.partials['1h'];
    const p1d = this.partials['1d'];
    for (let i = 0; i < ts.length; i++) {
      const st = status[i];
      const sid = seriesIds[i]!;
      const t = ts[i]!;
      if (st === SAMPLE_REPLACED) {
        const b = t - (t % 60_000);
        this.recompute.set(bucketKey(sid, b), { seriesId: sid, bucket: b, end: b + 60_000 });
        continue;
      }
      if (st !== SAMPLE_NEW) continue;
      const v = values[i]!;
      const m = t - (t % 60_000);
      const h = t - (t % 3_600_000);
      const day = this.dayOf(siteId, t);
      this.fold(p1m, sid, m, m + STEP_MS['1m'], t, v);
      this.fold(p1h, sid, h, h + STEP_MS['1h'], t, v);
      this.fold(p1d, sid, day.start, day.end, t, v);
    }
  }

  private fold(map: Map<number, Partial>, seriesId: number, bucket: number, end: number, ts: number, value: number): void {
    const key = bucketKey(seriesId, bucket);
    const p = map.get(key);
    if (!p) {
      map.set(key, { seriesId, bucket, end, agg: single(ts, value), ordered: true });
      return;
    }
    if (!addSample(p.agg, ts, value)) {
      p.ordered = false;
      // Keep count/sum/min/max roughly right until the recompute replaces them.
      const a: Agg = p.agg;
      a.count++;
      a.sum += value;
      a.min = Math.min(a.min, value);
      a.max = Math.max(a.max, value);
    }
  }

  get pendingBuckets(): number {
    return this.partials['1m'].size + this.partials['1h'].size + this.partials['1d'].size + this.recompute.size;
  }

  /** Writes everything accepted so far. Serialised: concurrent callers wait for the running flush. */
  async flush(): Promise<void> {
    if (this.flushing) {
      await this.flushing;
      if (this.receiptIds.length === 0) return;
    }
    this.flushing = this.doFlush().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async doFlush(): Promise<void> {
    if (this.receiptIds.length === 0 && this.recompute.size === 0) {
      await this.updateLag();
      return;
    }
    const partials = this.partials;
    const recompute = this.recompute;
    const receiptIds = this.receiptIds;
    this.partials = this.emptyPartials();
    this.recompute = new Map<number, BucketRef>();
    this.receiptIds = [];
    const started = performance.now();
    const levels = (['1m', '1h', '1d'] as const).map((step) => {
      const merges: BucketMerge[] = [];
      const again: BucketRef[] = step === '1m' ? [...recompute.values()] : [];
      for (const p of partials[step].values()) {
        if (p.ordered) merges.push(p);
        else again.push(p);
      }
      return { step, merges, recompute: again };
    });
    const flush: RollupFlush = { receiptIds, levels, parentsOf: (sid, minute) => this.parentsOf(sid, minute) };
    try {
      const stats = await this.store.flushRollups(flush);
      for (const step of ['1m', '1h', '1d'] as const) {
        this.metrics.rollupBucketsWritten.inc({ step, mode: 'merge' }, stats.merged[step]);
        this.metrics.rollupBucketsWritten.inc({ step, mode: 'recompute' }, stats.recomputed[step]);
      }
      for (const id of receiptIds) this.inMemoryReceipts.delete(id);
    } catch (err) {
      // The batches stay pending in the database; the recovery pass rebuilds their buckets from samples.
      for (const id of receiptIds) this.inMemoryReceipts.delete(id);
      this.logger.error(`rollup flush failed, will be repaired from samples: ${(err as Error).message}`);
    } finally {
      this.metrics.rollupFlushDuration.observe((performance.now() - started) / 1000);
    }
    await this.updateLag();
  }

  private async updateLag(): Promise<void> {
    try {
      const oldest = await this.store.oldestPendingReceivedAt();
      this.metrics.rollupLag.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
    } catch {
      /* storage down: /health/ready reports it */
    }
  }

  parentsOf(seriesId: number, minuteBucket: number): { hour: BucketRef; day: BucketRef } {
    const h = minuteBucket - (minuteBucket % 3_600_000);
    const siteId = this.registry.get(seriesId)?.siteId ?? -1;
    const day = this.dayOf(siteId, minuteBucket);
    return {
      hour: { seriesId, bucket: h, end: h + 3_600_000 },
      day: { seriesId, bucket: day.start, end: day.end },
    };
  }

  /**
   * Re-aggregates batches that are committed but were never folded into the rollups (crash between commit
   * and flush, or a failed flush). Only receipts received before now - graceMs, and never this instance's
   * own in-memory ones, so a healthy instance's unflushed batches are left alone.
   */
  async recover(graceMs: number): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const pending = (await this.store.pendingReceipts(Date.now() - graceMs, 500)).filter(
          (r) => !this.inMemoryReceipts.has(r.id),
        );
        if (pending.length === 0) break;
        const buckets = await this.store.minuteBucketsOfReceipts(pending);
        const recompute = buckets.map((b) => ({ seriesId: b.seriesId, bucket: b.bucket, end: b.bucket + 60_000 }));
        await this.store.flushRollups({
          receiptIds: pending.map((r) => r.id),
          levels: [
            { step: '1m', merges: [], recompute },
            { step: '1h', merges: [], recompute: [] },
            { step: '1d', merges: [], recompute: [] },
          ],
          parentsOf: (sid, minute) => this.parentsOf(sid, minute),
        });
        total += pending.length;
        if (pending.length < 500) break;
      }
      if (total) this.logger.warn(`re-aggregated ${total} batch(es) left pending by an earlier crash or failed flush`);
    } catch (err) {
      this.logger.error(`rollup recovery failed: ${(err as Error).message}`);
    }
    return total;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    await this.flush().catch(() => undefined);
  }
}
