/**
 * Client-side backpressure on the server's rollup backlog during a history backfill.
 *
 * dcfleet folds accepted samples into in-memory partial rollups and writes them in a flush; under a sustained
 * backfill of sparse (hourly) data the partials grow with every sample, and each flush waits four times as
 * long as the previous one took, so without a bound the backlog (and the server's memory) keeps growing and
 * the rollups — which the charts and ratings read — fall minutes behind. The runner therefore keeps at most
 * `budget` of its own samples un-folded: it follows the flushes on GET /metrics
 * (dcfleet_rollup_flush_duration_seconds count and sum) and counts a sample as folded once a flush that
 * started after its batch was acknowledged has finished.
 */
import { HttpError, type DcfleetClient } from './client';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RollupBacklog {
  private accepted = 0;
  private folded = 0;
  private readonly timeline: { at: number; accepted: number }[] = [];
  private flushes = -1;
  private flushSeconds = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** False when the instance does not expose its metrics to us: no backpressure then. */
  enabled: boolean;
  /** Time spent waiting for room, ms. */
  waitedMs = 0;

  constructor(
    private readonly client: DcfleetClient,
    readonly budget: number,
    private readonly now: () => number = Date.now,
    private readonly pollMs = 500,
  ) {
    this.enabled = budget > 0;
  }

  /** Samples acknowledged but not yet known to be in the rollups. */
  get pending(): number {
    return this.accepted - this.folded;
  }

  start(): void {
    if (!this.enabled) return;
    const poll = async () => {
      if (this.stopped) return;
      await this.poll();
      if (!this.stopped && this.enabled) this.timer = setTimeout(() => void poll(), this.pollMs);
    };
    void poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Records samples the API acknowledged (200). */
  acknowledged(samples: number): void {
    this.accepted += samples;
    if (this.enabled) this.timeline.push({ at: this.now(), accepted: this.accepted });
  }

  /** Resolves when `samples` more fit in the budget (at once when disabled, or when nothing is pending). */
  async room(samples: number): Promise<void> {
    const started = this.now();
    while (this.enabled && !this.stopped && this.pending > 0 && this.pending + samples > this.budget)
      await sleep(this.pollMs / 2);
    this.waitedMs += this.now() - started;
  }

  /** Resolves when everything acknowledged so far is in the rollups (at once when disabled), or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    const started = this.now();
    while (this.enabled && !this.stopped && this.pending > 0 && this.now() - started < timeoutMs)
      await sleep(this.pollMs / 2);
    this.waitedMs += this.now() - started;
  }

  private async poll(): Promise<void> {
    const at = this.now();
    let text: string;
    try {
      text = await this.client.requestText('GET', '/metrics');
    } catch (err) {
      if (err instanceof HttpError && [401, 403, 404].includes(err.status)) this.enabled = false;
      return;
    }
    const count = Number(/^dcfleet_rollup_flush_duration_seconds_count (\S+)$/m.exec(text)?.[1]);
    const sum = Number(/^dcfleet_rollup_flush_duration_seconds_sum (\S+)$/m.exec(text)?.[1]);
    if (!Number.isFinite(count) || !Number.isFinite(sum)) {
      this.enabled = false;
      return;
    }
    if (this.flushes >= 0 && count > this.flushes) {
      // A flush finished since the last poll; it started `duration` before it finished, which is at the
      // earliest the previous poll. Batches acknowledged before that start are in the rollups.
      const duration = ((sum - this.flushSeconds) / (count - this.flushes)) * 1000;
      const startedBefore = at - this.pollMs - duration;
      while (this.timeline.length && this.timeline[0]!.at <= startedBefore)
        this.folded = this.timeline.shift()!.accepted;
    }
    this.flushes = count;
    this.flushSeconds = sum;
  }
}
