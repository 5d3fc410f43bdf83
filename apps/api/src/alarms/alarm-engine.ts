import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { InletTempParams, MeteringParams } from '@dcfleet/contracts';
import { AppConfig } from '../platform/config/app-config';
import { type AcceptedBatch, IngestEvents } from '../ingest/ingest.module';
import {
  SAMPLE_REPLACED,
  SAMPLE_UNCHANGED,
  SeriesRegistry,
  SnapshotService,
} from '../telemetry/telemetry.module';
import { AlarmAnnouncer } from './alarm-announcer';
import { AlarmConditions } from './alarm-conditions';
import { AlarmEvaluator, type AlarmTransitions } from './alarm-evaluator';
import { AlarmLifecycle } from './alarm-lifecycle';
import type { AlarmRecord } from './alarm-model';
import { on, type SiteState } from './alarm-state';
import { AlarmRulesService } from './alarm-rules.service';
import { AlarmStaleCheck, type StaleHooks } from './alarm-stale';
import { AlarmStore, type Committed } from './alarm-store';
import { AlarmMetrics } from './alarm.metrics';

/** Batches waiting for evaluation before the oldest are dropped (evaluation fell far behind ingest). */
const MAX_QUEUED_BATCHES = 10_000;
/** Evaluation yields the event loop after this much work. */
const SLICE_MS = 8;

/**
 * Alarm evaluation (docs/contract.md "Alarms"), entirely off the ingest path: the batch listener only queues; batches are
 * evaluated in event time on later turns of the event loop, transitions are written by AlarmStore in bulk and
 * then pushed live and to webhooks.
 *
 * Event time: a sample counts only when it is within ALARM_LATENESS_S of the newest event time of its site,
 * and a condition only moves forward in event time (a sample older than the last one evaluated for it is
 * ignored; a corrected value at the same instant is re-evaluated). So replayed or backfilled samples never
 * raise or clear a current alarm. Clearing needs fresh data inside the hysteresis band.
 */
@Injectable()
export class AlarmEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Alarms');
  private readonly enabled: boolean;
  private readonly latenessMs: number;
  private queue: AcceptedBatch[] = [];
  private drainScheduled = false;
  private readonly sites = new Map<number, SiteState>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;
  private readonly startedAt = Date.now();
  private droppedBatches = 0;
  /** Conditions and what each series is evaluated against. */
  private readonly conds: AlarmConditions;
  /** The alarms in memory, their transitions and their rows. */
  private readonly alarms: AlarmLifecycle;
  /** The engine's state and transitions as the evaluator and the stale check use them. */
  private readonly hooks: AlarmTransitions & StaleHooks = {
    raise: (site, c, t, value, threshold, message, details) =>
      this.alarms.raise(site, c, t, value, threshold, message, details),
    clear: (site, c, t, value) => this.alarms.clear(site, c, t, value),
    off: (site, c, t, value) => this.alarms.off(site, c, t, value),
    cond: (rule, siteId, key) => this.conds.cond(rule, siteId, key),
    effectiveRules: (siteId) => this.rules.effective(siteId),
    site: (id, code) => this.alarms.site(id, code),
    stopped: () => this.stopped,
    startedAt: this.startedAt,
  };
  private readonly evaluator = new AlarmEvaluator(this.hooks);

  constructor(
    private readonly config: AppConfig,
    private readonly events: IngestEvents,
    registry: SeriesRegistry,
    private readonly snapshots: SnapshotService,
    private readonly rules: AlarmRulesService,
    private readonly store: AlarmStore,
    private readonly announcer: AlarmAnnouncer,
    private readonly stale: AlarmStaleCheck,
    private readonly metrics: AlarmMetrics,
  ) {
    this.enabled = config.env.ALARMS_ENABLED;
    this.latenessMs = config.env.ALARM_LATENESS_S * 1000;
    this.conds = new AlarmConditions(this.sites, registry, rules);
    this.alarms = new AlarmLifecycle(this.sites, this.conds, rules, store, snapshots, config, metrics);
    this.store.onCommitted((c) => this.onCommitted(c));
    this.rules.onChange(() => this.onRulesChanged());
    this.snapshots.setActiveAlarmCounter((siteId) => this.sites.get(siteId)?.active.size ?? 0);
    if (this.enabled) this.events.onBatch((b) => this.onBatch(b));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.rules.seedBuiltins();
    await this.rules.load();
    await this.alarms.loadActive();
    if (this.enabled) this.scheduleTick();
  }

  /** Before the database connections close: evaluate what is queued and write the last transitions. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    while (this.queue.length) this.drain(Infinity);
    await this.store.stop();
  }

  /** Evaluates everything queued and writes the transitions (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.queue.length) this.drain(Infinity);
    await this.ticking;
    await this.store.settle();
    await this.announcer.settled();
  }

  /** Runs one stale check / sync now (tests). */
  async tickNow(): Promise<void> {
    await this.ticking;
    await this.tick();
  }

  // ---------------------------------------------------------------------------------------------------
  // Batches

  /** Synchronous, right after the ingest commit: queue and return. */
  private onBatch(b: AcceptedBatch): void {
    if (this.stopped) return;
    this.queue.push(b);
    if (this.queue.length > MAX_QUEUED_BATCHES) {
      this.queue.shift();
      this.metrics.droppedBatches.inc();
      if (this.droppedBatches++ % 1000 === 0)
        this.logger.warn('alarm evaluation is behind ingest: oldest queued batches dropped');
    }
    this.scheduleDrain();
  }

  /** A slice of evaluation on a later turn of the event loop, unless one is already scheduled. */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain(SLICE_MS);
    });
  }

  private drain(budgetMs: number): void {
    const start = performance.now();
    let i = 0;
    try {
      while (i < this.queue.length) {
        const b = this.queue[i++]!;
        try {
          this.processBatch(b);
        } catch (err) {
          this.logger.error(
            `alarm evaluation failed for a batch of ${b.siteCode}: ${(err as Error).stack ?? String(err)}`,
          );
        }
        if (performance.now() - start > budgetMs) break;
      }
    } finally {
      this.queue = i >= this.queue.length ? [] : this.queue.slice(i);
      this.metrics.queued.set(this.queue.length);
      this.metrics.evalSeconds.inc((performance.now() - start) / 1000);
    }
    if (this.queue.length && !this.stopped) this.scheduleDrain();
  }

  private processBatch(b: AcceptedBatch): void {
    const site = this.alarms.site(b.siteId, b.siteCode);
    site.reported = true;
    if (b.maxTs > site.newest) site.newest = b.maxTs;
    const horizon = site.newest - this.latenessMs;
    const { seriesIds, ts, values, status } = b;
    const UNCHANGED = SAMPLE_UNCHANGED;
    const REPLACED = SAMPLE_REPLACED;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t < horizon) continue;
      const st = status[i];
      if (st === UNCHANGED) continue;
      const info = this.conds.info(seriesIds[i]!);
      if (info === null) continue;
      const v = values[i]!;
      const replaced = st === REPLACED;
      switch (info.role) {
        case 'inlet': {
          if (t < info.lastTs || (t === info.lastTs && !replaced)) break;
          info.lastTs = t;
          const rules = info.rules;
          for (let k = 0; k < rules.length; k++) {
            const r = rules[k]!;
            let c = info.conds[k];
            if (r.kind === 'inlet_temp') {
              const p = r.params as InletTempParams;
              if (c && on(c)) {
                c.lastTs = t;
                if (v >= p.low + p.hysteresis && v <= p.high - p.hysteresis) this.alarms.off(site, c, t, v);
              } else if (v > p.high || v < p.low) {
                c ??= info.conds[k] = this.conds.cond(r, site.id, info.key, info.zone);
                this.evaluator.inlet(site, c, t, v, p);
              }
            } else {
              c ??= info.conds[k] = this.conds.cond(r, site.id, info.key, info.zone);
              this.evaluator.rate(site, c, t, v);
            }
          }
          break;
        }
        case 'facility':
        case 'it': {
          const cur = info.role === 'facility' ? site.fac : site.it;
          if (cur && (t < cur.ts || (t === cur.ts && !replaced))) break;
          if (info.role === 'facility') site.fac = { ts: t, v };
          else site.it = { ts: t, v };
          site.pairDirty = true;
          break;
        }
        case 'counter':
          for (const c of info.conds) this.evaluator.counter(site, c!, info.name, t, v);
          break;
        case 'marker': {
          const list = site.markers.get(info.name) ?? [];
          list.push(t);
          if (list.length > 16) list.shift();
          site.markers.set(info.name, list);
          break;
        }
      }
    }
    if (site.pairDirty) {
      site.pairDirty = false;
      this.evaluator.pair(site);
    }
    if (site.drops.length) this.evaluator.resolveDrops(site);
    // A stale site that reports fresh data again: clear without waiting for the timer.
    if (site.active.size) {
      const now = Date.now();
      for (const c of site.active) {
        if (c.rule.kind !== 'stale' || !c.alarm) continue;
        if (b.maxTs >= now - this.stale.afterMs(c.rule) && b.maxTs > c.alarm.eventTs)
          this.alarms.clear(site, c, b.maxTs, null);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Stored transitions

  /** After the store committed: index new alarms by id, then announce (live push, webhooks). */
  private onCommitted(list: Committed[]): void {
    let raised = 0;
    let cleared = 0;
    for (const t of list) {
      this.alarms.committed(t);
      if (t.duplicate) continue;
      if (t.kind === 'raised') raised++;
      else cleared++;
      this.metrics.transitions.inc({ event: t.kind, severity: t.snapshot.severity });
      this.announcer.announce(t.kind, { ...t.snapshot, id: t.id });
    }
    this.alarms.countActive();
    if (raised + cleared <= 10) {
      for (const t of list) {
        if (t.duplicate) continue;
        const s = t.snapshot;
        this.logger.log(
          `alarm ${t.id} ${t.kind}: ${s.siteCode} ${s.severity} ${s.kind}${s.key ? ` [${s.key}]` : ''}: ${s.message}${t.reason ? ` (${t.reason})` : ''}`,
        );
      }
    } else {
      this.logger.log(`alarms: ${raised} raised, ${cleared} cleared`);
    }
  }

  /** Called by the API after an acknowledgement was stored: keeps the in-memory alarm in step. */
  acknowledged(id: number, at: number, by: string, note: string | null): AlarmRecord | undefined {
    return this.alarms.acknowledged(id, at, by, note);
  }

  webhookOfRule(ruleId: number | null): string | null {
    return ruleId === null ? null : (this.rules.get(ruleId)?.webhookUrl ?? null);
  }

  /** For the API: the in-memory version of an active alarm (it may be ahead of its row). */
  activeRecord(id: number): AlarmRecord | undefined {
    return this.alarms.activeRecord(id);
  }

  // ---------------------------------------------------------------------------------------------------
  // Rules changed, timer

  private onRulesChanged(): void {
    this.conds.rulesChanged();
    for (const s of this.sites.values()) s.pairConds = undefined;
    const effective = new Map<number, Set<number>>();
    for (const [id, c] of this.conds.all()) {
      let ids = effective.get(c.siteId);
      if (!ids) {
        ids = new Set(this.rules.effective(c.siteId).map((r) => r.id));
        effective.set(c.siteId, ids);
      }
      const r = this.rules.get(c.rule.id);
      const applies =
        !!r && ids.has(r.id) && !(c.key.startsWith('counter:') && !(r.params as MeteringParams).counters);
      if (applies) {
        c.rule = r;
        continue;
      }
      const site = this.sites.get(c.siteId)!;
      if (c.alarm) {
        const reason = !r
          ? 'rule deleted'
          : !r.enabled
            ? 'rule disabled'
            : 'rule no longer applies to this site';
        if (!r) c.alarm.ruleId = null; // a row not written yet must not point at the deleted rule
        this.alarms.clear(site, c, null, null, reason);
      }
      site.flood.delete(c.rule.id);
      this.conds.forget(id, c);
    }
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.scheduleTick();
      });
    }, this.config.env.ALARM_EVAL_INTERVAL_MS);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.store.dialect === 'postgres') await this.alarms.sync();
      this.alarms.checkLoadedSummaries(this.latenessMs);
      await this.stale.check(this.hooks);
    } catch (err) {
      this.logger.warn(`alarm check failed: ${(err as Error).message}`);
    }
  }
}
