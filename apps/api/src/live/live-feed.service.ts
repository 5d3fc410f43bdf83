import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { SiteSnapshot } from '@dcfleet/contracts';
import { SnapshotService } from '../telemetry/telemetry.module';
import { type AcceptedBatch, IngestEvents } from '../ingest/ingest.module';
import { LivePublisher } from './live.publisher';
import type { LiveStreams } from './live-streams';
import { LIVE_STREAMS } from './live.types';

/** fleet:update is coalesced to at most one per this interval (docs/contract.md "Live updates"). */
export const FLEET_INTERVAL_MS = 1000;
/**
 * Changed sites' snapshots are handed to the store at most this often. The store holds them until the next
 * fleet:update may go out; with Redis it also shares them with the other instances (subscribe answers).
 */
const SYNC_MS = 100;

/**
 * Turns committed ingest batches into live events: one dc:update per batch (the values that became the
 * site's newest), and the changed sites' snapshots coalesced into at most one fleet:update per second
 * (leading edge: the first change after a quiet second goes out at once).
 * The batch listener only records and schedules; the work happens in later turns of the event loop (it must
 * never block or throw inside the ingest request).
 */
@Injectable()
export class LiveFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LiveFeed');
  /** Sites changed since the last fleet flush: site id → code. */
  private readonly dirty = new Map<number, string>();
  private timer?: NodeJS.Timeout;
  private timerAt = 0;
  private flushing = false;
  private stopped = false;
  private lastAttemptAt = -Infinity;
  /** When a deferred fleet update (pending in the store) is due. */
  private retryAt?: number;
  private lastWarnAt = 0;

  constructor(
    private readonly events: IngestEvents,
    private readonly publisher: LivePublisher,
    private readonly snapshots: SnapshotService,
    @Inject(LIVE_STREAMS) private readonly streams: LiveStreams,
  ) {}

  onModuleInit(): void {
    this.events.onBatch((batch) => this.onBatch(batch));
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private onBatch(batch: AcceptedBatch): void {
    if (this.stopped) return;
    // A batch of only late samples changes no newest value: nothing to show live.
    if (batch.changed.length) {
      const { siteId, siteCode, changed } = batch;
      const ts = new Date(batch.maxTs).toISOString();
      // After the ingest answer is on its way: the fan-out (synchronous socket writes) never delays the 200.
      // setImmediate keeps the batches' order. The values are the series' newest when it runs (a batch that
      // came in meanwhile may have moved them on: newer, never older).
      setImmediate(
        () =>
          void this.publisher.publishDcUpdate(siteCode, ts, () =>
            this.snapshots.changedValues(siteId, changed),
          ),
      );
    }
    this.siteChanged(batch.siteId, batch.siteCode);
  }

  /**
   * A site's snapshot changed without a batch (a Sparkplug birth or death set its status): it goes out with the next
   * fleet:update like a batch's change.
   */
  siteChanged(siteId: number, siteCode: string): void {
    if (this.stopped) return;
    this.dirty.set(siteId, siteCode);
    this.schedule();
  }

  /** Arms the timer for the next flush: SYNC_MS after the last one while sites are dirty, or at retryAt. */
  private schedule(): void {
    if (this.flushing || this.stopped) return;
    let at = this.dirty.size ? this.lastAttemptAt + SYNC_MS : Infinity;
    if (this.retryAt !== undefined) at = Math.min(at, this.retryAt);
    if (at === Infinity) return;
    if (this.timer) {
      if (this.timerAt <= at) return;
      clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.flush();
      },
      Math.max(0, at - Date.now()),
    );
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    this.lastAttemptAt = Date.now();
    this.retryAt = undefined;
    const taken = new Map(this.dirty);
    this.dirty.clear();
    try {
      const snapshots: SiteSnapshot[] = [];
      for (const [id, code] of taken) snapshots.push(this.snapshots.snapshot(id, code));
      const result = await this.streams.flushFleet(snapshots, FLEET_INTERVAL_MS);
      if (result.kind === 'emit') {
        this.publisher.emitFleetUpdate(result.update);
        await this.publisher.emitScopedFleet(result.update.sites);
      }
      // Deferred: an update went out less than an interval ago (here or on another instance); what is
      // pending is sent when the interval ends, whether or not anything else changes.
      else if (result.kind === 'deferred') this.retryAt = Date.now() + result.retryInMs;
    } catch (err) {
      for (const [id, code] of taken) if (!this.dirty.has(id)) this.dirty.set(id, code);
      this.lastAttemptAt = Date.now() + FLEET_INTERVAL_MS; // back off while the store (Redis) is failing
      if (Date.now() - this.lastWarnAt > 10_000) {
        this.lastWarnAt = Date.now();
        this.logger.warn(`fleet:update not published: ${(err as Error)?.message ?? String(err)}`);
      }
    } finally {
      this.flushing = false;
    }
    this.schedule();
  }
}
