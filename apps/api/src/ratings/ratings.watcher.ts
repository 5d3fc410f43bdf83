import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { fromLocal, toLocal } from '@dcfleet/green-metrics';
import { type ReferenceChange, SiteEvents, SitesService } from '../sites/sites.module';
import { type AcceptedBatch, IngestEvents } from '../ingest/ingest.module';
import { SAMPLE_UNCHANGED } from '../telemetry/telemetry.module';
import { RatingsRepository } from './ratings.repository';
import { RatingsService } from './ratings.service';

interface PendingCheck {
  minTs: number;
  maxTs: number;
  firstAt: number;
  attempts: number;
  timer?: NodeJS.Timeout;
}

interface SiteBounds {
  /** Start of the site's current local month: samples before it may belong to a closed period. */
  monthStart: number;
  /** Start of the next local month: the bounds are stale from then on. */
  validUntil: number;
}

/** A check waits at most this long for the batches it covers to be folded into the rollups, then runs anyway. */
const MAX_ROLLUP_WAIT_ATTEMPTS = 150;

/**
 * Follows committed ingest batches (IngestEvents) for the ratings, off the ingest path:
 * - drops cached ratings whose inputs a batch touched (synchronously; O(samples), no I/O);
 * - when a batch carries samples of a closed period (before the site's current local month), schedules a
 *   debounced background re-rating of the affected closed periods, which records revisions. The check waits
 *   until those batches are in the rollups (receipts.rolled_up), so it never compares against half-folded data.
 */
@Injectable()
export class RatingsWatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RatingsWatcher');
  /** Trailing debounce per site: a backfill of many batches is re-rated once. */
  debounceMs = 2000;
  /** Upper bound on the debounce while batches keep arriving. */
  maxWaitMs = 30_000;
  private readonly pending = new Map<number, PendingCheck>();
  private readonly bounds = new Map<number, SiteBounds>();
  private readonly running = new Map<number, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly events: IngestEvents,
    private readonly ratings: RatingsService,
    private readonly repo: RatingsRepository,
    private readonly sites: SitesService,
    private readonly siteEvents: SiteEvents,
  ) {}

  onModuleInit(): void {
    // IngestEvents comes from IngestModule, which is global: every consumer of committed batches injects it.
    this.events.onBatch((batch) => this.onBatch(batch));
    this.siteEvents.onReferenceChanged((change) => this.onReferenceChanged(change));
  }

  /**
   * A committed change of site reference data (or of an emission factor the site uses): re-rates the closed periods
   * from the change on and records a revision where a served rating changed, naming the change.
   */
  onReferenceChanged(change: ReferenceChange): void {
    if (this.stopped) return;
    const previous = this.running.get(change.siteId) ?? Promise.resolve();
    const run = previous
      .then(async () => {
        const site = await this.sites.byIdCached(change.siteId);
        const now = Date.now();
        if (site) await this.ratings.recheckClosed(site, change.from, now, now, change.description);
      })
      .catch((err: Error) =>
        this.logger.error(
          `rating re-check after a reference change of site ${change.siteId}: ${err.message}`,
        ),
      );
    this.running.set(change.siteId, run);
    void run.finally(() => {
      if (this.running.get(change.siteId) === run) this.running.delete(change.siteId);
    });
  }

  /** Runs synchronously after every committed batch: must stay cheap and never throw. */
  onBatch(batch: AcceptedBatch): void {
    const skip = (i: number) => batch.status[i] === SAMPLE_UNCHANGED;
    this.ratings.invalidate(batch.siteId, batch.ts, skip);
    if (this.stopped) return;
    const b = this.bounds.get(batch.siteId);
    const limit = b && Date.now() < b.validUntil ? b.monthStart : Infinity;
    let min = Infinity;
    let max = -Infinity;
    const ts = batch.ts;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t >= limit || skip(i)) continue;
      if (t < min) min = t;
      if (t > max) max = t;
    }
    if (min !== Infinity) this.schedule(batch.siteId, min, max);
  }

  private schedule(siteId: number, minTs: number, maxTs: number, attempts = 0): void {
    const now = Date.now();
    let p = this.pending.get(siteId);
    if (p) {
      p.minTs = Math.min(p.minTs, minTs);
      p.maxTs = Math.max(p.maxTs, maxTs);
      p.attempts = Math.max(p.attempts, attempts);
      if (p.timer) clearTimeout(p.timer);
    } else {
      p = { minTs, maxTs, firstAt: now, attempts };
      this.pending.set(siteId, p);
    }
    const delay = Math.max(0, Math.min(this.debounceMs, p.firstAt + this.maxWaitMs - now));
    p.timer = setTimeout(() => this.fire(siteId), delay);
    p.timer.unref();
  }

  private fire(siteId: number): void {
    const p = this.pending.get(siteId);
    if (!p || this.stopped) return;
    this.pending.delete(siteId);
    const previous = this.running.get(siteId) ?? Promise.resolve();
    const run = previous
      .then(() => this.check(siteId, p))
      .catch((err: Error) => this.logger.error(`rating re-check for site ${siteId} failed: ${err.message}`));
    this.running.set(siteId, run);
    void run.finally(() => {
      if (this.running.get(siteId) === run) this.running.delete(siteId);
    });
  }

  private async check(siteId: number, p: PendingCheck): Promise<void> {
    if (this.stopped) return;
    const site = await this.sites.byIdCached(siteId);
    if (!site) return;
    const now = Date.now();
    const l = toLocal(now, site.timezone);
    const monthStart = fromLocal(site.timezone, l.year, l.month, 1);
    const validUntil =
      l.month === 12
        ? fromLocal(site.timezone, l.year + 1, 1, 1)
        : fromLocal(site.timezone, l.year, l.month + 1, 1);
    this.bounds.set(siteId, { monthStart, validUntil });
    if (p.minTs >= monthStart) return; // only current-month samples (bounds were unknown when scheduled)
    const maxTs = Math.min(p.maxTs, monthStart - 1);
    const waiting = await this.repo.sitesWithPendingSamples([siteId], p.minTs, maxTs + 1);
    if (waiting.size > 0 && p.attempts < MAX_ROLLUP_WAIT_ATTEMPTS) {
      this.schedule(siteId, p.minTs, maxTs, p.attempts + 1);
      return;
    }
    await this.ratings.recheckClosed(site, p.minTs, maxTs, now);
  }

  /** Runs every scheduled check now and waits for all of them (tests, shutdown). */
  async settle(): Promise<void> {
    for (const [siteId, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      this.fire(siteId);
    }
    await Promise.allSettled([...this.running.values()]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}
