import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { MetricsService } from '../platform/observability/metrics.service';
import {
  emptyMaintainStats,
  type MaintainPolicy,
  type MaintainStats,
  type RetentionPolicy,
} from './raw-layout';
import { TELEMETRY_STORE, type TelemetryStore } from './telemetry-store';

const DAY_MS = 86_400_000;
/** Retention runs at most this often; compaction every pass. */
const RETENTION_EVERY_MS = 60_000;
/** Pause between passes while work is queued, so ingest keeps the writer most of the time. */
const BUSY_PAUSE_MS = 20;

/**
 * Drives raw storage upkeep (docs/architecture.md, "Raw storage" and "Retention"): compaction of closed windows
 * into chunks, the background move of an upgraded database's sample rows, and retention. Each store pass does a
 * bounded amount in short transactions; on PostgreSQL one instance at a time does it (advisory lock).
 */
@Injectable()
export class RawMaintenanceService implements OnApplicationShutdown {
  private readonly logger = new Logger('RawMaintenance');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MaintainStats> | undefined;
  private lastRetention = 0;
  private stopped = false;

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Before this, raw samples may be gone: late samples there only append to their hour (see IngestService). */
  lateHorizon(now: number): number {
    const days = this.config.rawRetentionDays;
    return days ? now - days * DAY_MS : -Infinity;
  }

  retention(now: number): RetentionPolicy {
    const raw = this.config.rawRetentionDays;
    const m1 = this.config.env.ROLLUP_1M_RETENTION_DAYS;
    return { rawBefore: raw ? now - raw * DAY_MS : 0, rollup1mBefore: m1 ? now - m1 * DAY_MS : 0 };
  }

  start(): void {
    this.schedule(this.config.env.RAW_MAINTAIN_MS);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pass().then((s) => this.schedule(s.more ? BUSY_PAUSE_MS : this.config.env.RAW_MAINTAIN_MS));
    }, delay);
    this.timer.unref();
  }

  /** One pass (serialised with any running one). Errors are logged: the next pass retries. */
  /** The error of the last pass, if it failed: settle() reports it instead of taking it for "nothing to do". */
  private lastError: Error | undefined;

  async pass(now = Date.now(), force = false): Promise<MaintainStats> {
    if (this.running) await this.running.catch(() => undefined);
    const due = force || now - this.lastRetention >= RETENTION_EVERY_MS;
    const policy: MaintainPolicy = {
      ...(due ? this.retention(now) : { rawBefore: 0, rollup1mBefore: 0 }),
      // A forced pass (settle) takes every site as quiet: all closed windows by wall time too.
      quietMs: force ? 0 : this.config.env.RAW_COMPACT_QUIET_S * 1000,
    };
    const started = performance.now();
    this.running = this.store.maintain(now, policy);
    this.lastError = undefined;
    try {
      const s = await this.running;
      if (due) this.lastRetention = now;
      this.metrics.rawMaintainDuration.observe((performance.now() - started) / 1000);
      const m = this.metrics.rawMaintained;
      m.inc({ what: 'samples_compacted' }, s.samplesCompacted);
      m.inc({ what: 'chunks_written' }, s.chunksWritten);
      m.inc({ what: 'raw_rows_expired' }, s.rawRowsExpired);
      m.inc({ what: 'rollup_1m_rows_expired' }, s.rollup1mRowsExpired);
      m.inc({ what: 'legacy_rows_moved' }, s.legacyRowsMoved);
      return s;
    } catch (err) {
      this.logger.error(`raw maintenance failed, retrying next pass: ${(err as Error).message}`);
      this.lastError = err as Error;
      return emptyMaintainStats();
    } finally {
      this.running = undefined;
    }
  }

  /** Runs passes until nothing is queued (tests, benchmarks, shutdown-free upgrades). */
  async settle(now = Date.now()): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      const s = await this.pass(now, true);
      if (this.lastError) throw this.lastError;
      if (!s.more) return;
    }
    throw new Error('raw maintenance did not settle in 10,000 passes');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
