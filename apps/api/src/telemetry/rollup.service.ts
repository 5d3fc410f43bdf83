import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { localDayStart, nextLocalDayStart } from '@dcfleet/green-metrics';
import { yieldLoop } from '../common/yield-loop';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { InstanceLease } from './instance-lease';
import { MinutePartials, minuteKey } from './minute-partials';
import { RecentBuckets, minuteAggs, overlapsPending, sameAgg } from './rollup-check';
import { SeriesRegistry } from './series-registry';
import {
  SAMPLE_NEW,
  SAMPLE_REPLACED,
  TELEMETRY_STORE,
  packRefs,
  type BucketRef,
  type PendingReceipt,
  type RollupFlush,
  type TelemetryStore,
} from './telemetry-store';

/** Minute partials held in memory before a flush is started regardless of the timer. */
const MAX_PARTIALS = 200_000;
/** Recently written minute buckets one consistency check compares with their raw samples. */
const CHECK_SAMPLE = 256;
const HOUR = 3_600_000;

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
  /** Only 1-minute partials are kept per sample; hour and day partials are combined from them at flush. */
  private readonly partials = new MinutePartials(
    (siteId, minute) => this.dayOf(siteId, minute),
    MAX_PARTIALS,
  );
  private recompute = new Map<number, BucketRef>();
  private receiptIds: number[] = [];
  private readonly inMemoryReceipts = new Set<number>();
  private readonly siteZones = new Map<number, string>();
  private readonly dayCache = new Map<number, DayCache>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlushMs = 0;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;
  /** This instance's batches whose flush failed (database outage): repaired from raw samples without a restart. */
  private readonly failed = new Set<number>();
  private readonly recent = new RecentBuckets(CHECK_SAMPLE);
  private checkTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly registry: SeriesRegistry,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly lease: InstanceLease,
  ) {}

  setSiteZone(siteId: number, timeZone: string): void {
    if (this.siteZones.get(siteId) !== timeZone) {
      this.siteZones.set(siteId, timeZone);
      this.dayCache.delete(siteId);
    }
  }

  /** Starts the flush loop and the periodic repair of batches that a crashed instance left pending. */
  start(): void {
    this.schedule();
    this.recoveryTimer = setInterval(() => void this.recover(this.recoveryGraceMs()), 30_000);
    this.recoveryTimer.unref();
    const every = this.config.env.ROLLUP_CHECK_MS;
    if (every) {
      this.checkTimer = setInterval(() => void this.checkConsistency().catch(() => undefined), every);
      this.checkTimer.unref();
    }
  }

  /**
   * The next flush comes ROLLUP_FLUSH_MS after the previous one ended, or later under load: at least four
   * times the last flush's duration, so folding rollups never takes more than ~20 % of the time ingest needs.
   * The cost is rollup lag (exported as dcfleet_rollup_lag_seconds), never lost or slower ingest.
   */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.stopped) return;
    const delay = Math.max(this.config.env.ROLLUP_FLUSH_MS, 4 * this.lastFlushMs);
    this.timer = setTimeout(() => {
      void this.flush().finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  /**
   * Before this, 1-minute rollups may already be removed by retention: a day of margin over the retention, since
   * retention runs on its own schedule.
   */
  minutesFrom(): number {
    const days = this.config.env.ROLLUP_1M_RETENTION_DAYS;
    return days ? Date.now() - (days - 1) * 86_400_000 : 0;
  }

  recoveryGraceMs(): number {
    return Math.max(300_000, this.config.env.ROLLUP_FLUSH_MS * 10);
  }

  dayOf(siteId: number, ts: number): DayCache {
    const c = this.dayCache.get(siteId);
    if (c && ts >= c.start && ts < c.end) return c;
    const tz = this.siteZones.get(siteId) ?? 'Asia/Shanghai';
    const fresh = { start: localDayStart(ts, tz), end: nextLocalDayStart(ts, tz) };
    this.dayCache.set(siteId, fresh);
    return fresh;
  }

  /** A 1-minute bucket ref with its hour and local-day parents. */
  minuteRef(siteId: number, seriesId: number, minute: number): BucketRef {
    const day = this.dayOf(siteId, minute);
    return {
      seriesId,
      bucket: minute,
      end: minute + 60_000,
      hour: minute - (minute % 3_600_000),
      day: day.start,
      dayEnd: day.end,
    };
  }

  /** Folds a committed batch in. `status` per sample: new, unchanged or replaced (see telemetry-store). */
  accept(
    receiptId: number,
    siteId: number,
    seriesIds: number[],
    ts: number[],
    values: number[],
    status: Uint8Array,
  ): void {
    this.receiptIds.push(receiptId);
    this.inMemoryReceipts.add(receiptId);
    const partials = this.partials;
    for (let i = 0; i < ts.length; i++) {
      const st = status[i];
      if (st === SAMPLE_NEW) partials.add(siteId, seriesIds[i]!, ts[i]!, values[i]!);
      else if (st === SAMPLE_REPLACED) {
        const sid = seriesIds[i]!;
        const m = ts[i]! - (ts[i]! % 60_000);
        this.recompute.set(minuteKey(sid, m), this.minuteRef(siteId, sid, m));
      }
    }
    // Backfills create one partial per sample: flush early rather than let memory and the next flush grow.
    if (partials.size > MAX_PARTIALS && !this.flushing && !this.stopped) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush().finally(() => this.schedule());
    }
  }

  /** The newest ts of this instance's pending minute partials of a series within one hour (-Infinity if none). */
  pendingHourLast(seriesId: number, hour: number): number {
    let last = -Infinity;
    for (let m = hour; m < hour + 3_600_000; m += 60_000)
      last = Math.max(last, this.partials.lastTs(seriesId, m));
    return last;
  }

  get pendingBuckets(): number {
    return this.partials.size + this.recompute.size;
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
    // Batches of a flush that failed are rebuilt from their samples once the database answers again.
    if (this.failed.size) await this.recover(this.recoveryGraceMs());
    if (this.receiptIds.length === 0 && this.recompute.size === 0) {
      await this.updateLag();
      return;
    }
    const recompute = this.recompute;
    const receiptIds = this.receiptIds;
    this.recompute = new Map<number, BucketRef>();
    this.receiptIds = [];
    const started = performance.now();
    try {
      // Drained in (series, minute) order: sorted merges touch each series' B-tree range once, in order, instead of
      // scattering across it — measured 7× faster upserts on SQLite for a time-ordered backfill.
      const flush: RollupFlush = {
        receiptIds,
        minutesFrom: this.minutesFrom(),
        levels: await this.partials.drainSliced(packRefs([...recompute.values()]), yieldLoop),
      };
      // Sampled before the store takes the buffers (the SQLite writer thread receives them transferred).
      this.recent.offer(flush.levels[0]!.merges, flush.levels[0]!.recompute);
      const stats = await this.store.flushRollups(flush);
      for (const step of ['1m', '1h', '1d'] as const) {
        this.metrics.rollupBucketsWritten.inc({ step, mode: 'merge' }, stats.merged[step]);
        this.metrics.rollupBucketsWritten.inc({ step, mode: 'recompute' }, stats.recomputed[step]);
      }
      for (const id of receiptIds) this.inMemoryReceipts.delete(id);
    } catch (err) {
      // The batches stay pending in the database; the next flush has them rebuilt from their samples.
      for (const id of receiptIds) {
        this.inMemoryReceipts.delete(id);
        this.failed.add(id);
      }
      this.logger.error(`rollup flush failed, will be repaired from samples: ${(err as Error).message}`);
    } finally {
      this.lastFlushMs = performance.now() - started;
      this.metrics.rollupFlushDuration.observe(this.lastFlushMs / 1000);
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

  /**
   * Re-aggregates batches that are committed but were never folded into the rollups: this instance's own whose
   * flush failed, those of a crashed instance (known dead through the InstanceLease: repaired at once) and, for
   * receipts without an instance, those older than `graceMs`. This instance's batches waiting for their first flush
   * are never touched.
   */
  async recover(graceMs: number): Promise<number> {
    let total = 0;
    try {
      const dead = new Map<string, boolean>();
      const seenFailed = new Set<number>();
      let afterId = 0;
      for (;;) {
        const page = await this.store.pendingReceipts(afterId, 500);
        if (page.length === 0) break;
        afterId = page[page.length - 1]!.id;
        const eligible = [];
        for (const r of page) {
          if (this.inMemoryReceipts.has(r.id)) continue;
          if (this.failed.has(r.id)) {
            seenFailed.add(r.id);
            eligible.push(r);
            continue;
          }
          if (r.instanceId === null) {
            if (r.receivedAt < Date.now() - graceMs) eligible.push(r);
            continue;
          }
          if (!dead.has(r.instanceId)) dead.set(r.instanceId, await this.lease.isDead(r.instanceId));
          if (dead.get(r.instanceId)) eligible.push(r);
        }
        if (eligible.length) {
          const buckets = await this.store.minuteBucketsOfReceipts(eligible);
          const recompute = packRefs(
            buckets.map((b) =>
              this.minuteRef(this.registry.get(b.seriesId)?.siteId ?? -1, b.seriesId, b.bucket),
            ),
          );
          await this.store.flushRollups(
            this.recomputeFlush(
              eligible.map((r) => r.id),
              recompute,
            ),
          );
          for (const r of eligible) {
            const cause = this.failed.delete(r.id) ? 'failed_flush' : 'pending';
            this.metrics.rollupRepairedBatches.inc({ cause });
          }
          total += eligible.length;
        }
        if (page.length < 500) break;
      }
      // No longer pending (another instance's recovery took them): nothing left to repair.
      for (const id of this.failed) if (!seenFailed.has(id)) this.failed.delete(id);
      if (total)
        this.logger.warn(
          `re-aggregated ${total} batch(es) left pending by a crashed instance or a failed flush`,
        );
    } catch (err) {
      this.logger.error(`rollup recovery failed: ${(err as Error).message}`);
    }
    return total;
  }

  /** A flush that only recomputes these 1-minute buckets (and so their hours and days) from raw samples. */
  private recomputeFlush(receiptIds: number[], minutes: Float64Array): RollupFlush {
    return {
      receiptIds,
      minutesFrom: this.minutesFrom(),
      levels: [
        { step: '1m', merges: new Float64Array(0), recompute: minutes },
        { step: '1h', merges: new Float64Array(0), recompute: new Float64Array(0) },
        { step: '1d', merges: new Float64Array(0), recompute: new Float64Array(0) },
      ],
    };
  }

  private async allPending(): Promise<PendingReceipt[]> {
    const out: PendingReceipt[] = [];
    for (let afterId = 0; ;) {
      const page = await this.store.pendingReceipts(afterId, 500);
      out.push(...page);
      if (page.length < 500) return out;
      afterId = page[page.length - 1]!.id;
    }
  }

  /**
   * The consistency check (every ROLLUP_CHECK_MS): a sample of the 1-minute buckets written since the last check is
   * compared with an aggregate of their raw samples; a bucket that differs is recomputed (with its hour and day)
   * and counted in dcfleet_rollup_check_repaired_total. Buckets that batches not yet folded in may still change
   * (this instance's partials, any pending receipt of the site) are left for the next check. Runs between flushes.
   */
  async checkConsistency(): Promise<{ checked: number; repaired: number }> {
    while (this.flushing) await this.flushing;
    const run = this.doCheck();
    this.flushing = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await run;
    } catch (err) {
      this.logger.error(`rollup consistency check failed: ${(err as Error).message}`);
      throw err;
    } finally {
      this.flushing = undefined;
    }
  }

  private async doCheck(): Promise<{ checked: number; repaired: number }> {
    const minutesFrom = this.minutesFrom();
    const settled = (pending: PendingReceipt[]) => (r: BucketRef) =>
      r.bucket >= minutesFrom &&
      this.partials.lastTs(r.seriesId, r.bucket) === -Infinity &&
      !this.recompute.has(minuteKey(r.seriesId, r.bucket)) &&
      !overlapsPending(pending, this.registry.get(r.seriesId)?.siteId, r.bucket);
    const refs = this.recent.take().filter(settled(await this.allPending()));
    const byHour = new Map<number, BucketRef[]>();
    for (const r of refs) {
      const hour = r.bucket - (r.bucket % HOUR);
      const list = byHour.get(hour) ?? [];
      list.push(r);
      byHour.set(hour, list);
    }
    let differing: BucketRef[] = [];
    for (const [hour, list] of byHour) {
      const ids = [...new Set(list.map((r) => r.seriesId))];
      // Rollups first: whatever they hold was committed as raw samples before, so the raw read sees it too.
      const stored = new Map(
        (await this.store.readRollups('1m', ids, hour, hour + HOUR)).map((r) => [
          `${r.seriesId}:${r.bucket}`,
          r,
        ]),
      );
      const fresh = minuteAggs(await this.store.readRaw(ids, hour, hour + HOUR));
      for (const r of list) {
        const key = `${r.seriesId}:${r.bucket}`;
        if (!sameAgg(stored.get(key), fresh.get(key))) differing.push(r);
      }
    }
    // A batch committed during the check may explain a difference: such buckets wait for the next check.
    if (differing.length) differing = differing.filter(settled(await this.allPending()));
    this.metrics.rollupChecked.inc(refs.length);
    if (differing.length) {
      await this.store.flushRollups(this.recomputeFlush([], packRefs(differing)));
      this.metrics.rollupCheckRepaired.inc(differing.length);
      this.logger.warn(
        `consistency check: ${differing.length} of ${refs.length} minute bucket(s) differed from their raw samples; recomputed`,
      );
    }
    return { checked: refs.length, repaired: differing.length };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    // A last flush saves the next start a repair; if it takes too long, the repair at boot covers it.
    await Promise.race([
      this.flush().catch(() => undefined),
      new Promise((r) => setTimeout(r, 10_000).unref()),
    ]);
  }
}
