import { Logger } from '@nestjs/common';
import type { MetricsService } from '../platform/observability/metrics.service';
import type { InstanceLease } from './instance-lease';
import { RecentBuckets, minuteAggs, overlapsPending, sameAgg } from './rollup-check';
import type { SeriesRegistry } from './series-registry';
import {
  packRefs,
  type BucketRef,
  type PendingReceipt,
  type RollupFlush,
  type TelemetryStore,
} from './telemetry-store';

/** Recently written minute buckets one consistency check compares with their raw samples. */
const CHECK_SAMPLE = 256;
const HOUR = 3_600_000;
/** Pending receipts read per query. */
const PAGE = 500;

/** What the repairs need of the rollup service (rollup.service.ts): its batches and buckets not flushed yet. */
export interface RepairHooks {
  /** This instance's batches waiting for their first flush: never repaired. */
  readonly inMemory: ReadonlySet<number>;
  minutesFrom(): number;
  /** A 1-minute bucket ref with its hour and local-day parents. */
  minuteRef(siteId: number, seriesId: number, minute: number): BucketRef;
  /** Whether this instance holds samples of the minute bucket not flushed yet (a partial or a recompute). */
  holds(r: BucketRef): boolean;
}

/**
 * Rollups that heal (docs/architecture.md): batches committed but never folded into the rollups are re-aggregated
 * from their raw samples, and the consistency check recomputes sampled minute buckets that differ from them.
 */
export class RollupRepair {
  private readonly logger = new Logger('Rollups');
  /** This instance's batches whose flush failed (database outage): repaired from raw samples without a restart. */
  readonly failed = new Set<number>();
  /** The 1m buckets written since the last consistency check, sampled. */
  readonly recent = new RecentBuckets(CHECK_SAMPLE);

  constructor(
    private readonly store: TelemetryStore,
    private readonly registry: SeriesRegistry,
    private readonly metrics: MetricsService,
    private readonly lease: InstanceLease,
    private readonly rollups: RepairHooks,
  ) {}

  /** Pending receipts (committed, not folded in yet) in id order, a page at a time. */
  private async *pendingPages(): AsyncGenerator<PendingReceipt[]> {
    for (let afterId = 0; ;) {
      const page = await this.store.pendingReceipts(afterId, PAGE);
      if (page.length === 0) return;
      yield page;
      if (page.length < PAGE) return;
      afterId = page[page.length - 1]!.id;
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
      for await (const page of this.pendingPages()) {
        const eligible = [];
        for (const r of page) {
          if (this.rollups.inMemory.has(r.id)) continue;
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
              this.rollups.minuteRef(this.registry.get(b.seriesId)?.siteId ?? -1, b.seriesId, b.bucket),
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
      minutesFrom: this.rollups.minutesFrom(),
      levels: [
        { step: '1m', merges: new Float64Array(0), recompute: minutes },
        { step: '1h', merges: new Float64Array(0), recompute: new Float64Array(0) },
        { step: '1d', merges: new Float64Array(0), recompute: new Float64Array(0) },
      ],
    };
  }

  private async allPending(): Promise<PendingReceipt[]> {
    const out: PendingReceipt[] = [];
    for await (const page of this.pendingPages()) out.push(...page);
    return out;
  }

  /**
   * One consistency check (RollupService.checkConsistency runs it between flushes): the sampled buckets that no
   * batch not yet folded in may still change, compared with their raw samples; those that differ are recomputed.
   */
  async check(): Promise<{ checked: number; repaired: number }> {
    const minutesFrom = this.rollups.minutesFrom();
    const settled = (pending: PendingReceipt[]) => (r: BucketRef) =>
      r.bucket >= minutesFrom &&
      !this.rollups.holds(r) &&
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
}
