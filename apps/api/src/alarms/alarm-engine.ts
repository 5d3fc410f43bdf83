import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { InletTempParams, MeteringParams } from '@dcfleet/contracts';
import { AppConfig } from '../config/app-config';
import { IngestEvents, type AcceptedBatch } from '../ingest/ingest-events';
import { SeriesRegistry } from '../telemetry/series-registry';
import { SnapshotService } from '../telemetry/snapshot.service';
import { SAMPLE_REPLACED, SAMPLE_UNCHANGED } from '../telemetry/telemetry-store';
import type { AlarmEntity } from './alarm.entity';
import { AlarmAnnouncer } from './alarm-announcer';
import { AlarmConditions } from './alarm-conditions';
import { AlarmEvaluator, type AlarmTransitions } from './alarm-evaluator';
import { recordFromEntity, type AlarmRecord } from './alarm-model';
import { on, perKey, SUMMARY_KEY, type Cond, type Flood, type SiteState } from './alarm-state';
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
  /** Active alarms that have a row. */
  private readonly byId = new Map<number, { a: AlarmRecord; c: Cond; site: SiteState }>();
  private readonly condOf = new WeakMap<AlarmRecord, Cond>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;
  private readonly startedAt = Date.now();
  private droppedBatches = 0;
  /** Conditions and what each series is evaluated against. */
  private readonly conds: AlarmConditions;
  /** The engine's state and transitions as the evaluator and the stale check use them. */
  private readonly hooks: AlarmTransitions & StaleHooks = {
    raise: (site, c, t, value, threshold, message, details) =>
      this.raise(site, c, t, value, threshold, message, details),
    clear: (site, c, t, value) => this.clear(site, c, t, value),
    off: (site, c, t, value) => this.off(site, c, t, value),
    cond: (rule, siteId, key) => this.conds.cond(rule, siteId, key),
    effectiveRules: (siteId) => this.rules.effective(siteId),
    site: (id, code) => this.site(id, code),
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
    this.store.onCommitted((c) => this.onCommitted(c));
    this.rules.onChange(() => this.onRulesChanged());
    this.snapshots.setActiveAlarmCounter((siteId) => this.sites.get(siteId)?.active.size ?? 0);
    if (this.enabled) this.events.onBatch((b) => this.onBatch(b));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.rules.seedBuiltins();
    await this.rules.load();
    await this.loadActive();
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
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        this.drain(SLICE_MS);
      });
    }
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
    if (this.queue.length && !this.drainScheduled && !this.stopped) {
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        this.drain(SLICE_MS);
      });
    }
  }

  private site(id: number, code: string): SiteState {
    let s = this.sites.get(id);
    if (!s) {
      const last = this.snapshots.snapshot(id, code).lastSampleAt;
      s = {
        id,
        code,
        newest: last ? Date.parse(last) : -Infinity,
        pairDirty: false,
        markers: new Map(),
        drops: [],
        active: new Set(),
        reported: false,
        keyed: new Map(),
        flood: new Map(),
      };
      this.sites.set(id, s);
    }
    return s;
  }

  private processBatch(b: AcceptedBatch): void {
    const site = this.site(b.siteId, b.siteCode);
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
                if (v >= p.low + p.hysteresis && v <= p.high - p.hysteresis) this.off(site, c, t, v);
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
          this.clear(site, c, b.maxTs, null);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Rules

  // ---------------------------------------------------------------------------------------------------
  // Transitions

  private raise(
    site: SiteState,
    c: Cond,
    t: number,
    value: number | null,
    threshold: number | null,
    message: string,
    details: Record<string, unknown> | null,
  ): void {
    const r = c.rule;
    if (perKey(c)) {
      const f = this.flood(site, r.id);
      const cap = this.config.env.ALARM_MAX_PER_RULE;
      if (cap > 0 && f.active >= cap) {
        this.suppress(site, c, f, t);
        return;
      }
      f.active++;
    }
    const a: AlarmRecord = {
      id: undefined,
      siteId: site.id,
      siteCode: site.code,
      ruleId: r.id,
      kind: r.kind,
      key: c.key,
      severity: r.severity,
      state: 'active',
      message,
      value,
      threshold,
      details,
      eventTs: t,
      raisedAt: Date.now(),
      clearedAt: null,
      clearedEventTs: null,
      clearedValue: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      note: null,
      webhookUrl: r.webhookUrl,
    };
    c.alarm = a;
    this.condOf.set(a, c);
    site.active.add(c);
    this.store.enqueue({ kind: 'raised', alarm: a, snapshot: { ...a } });
  }

  private clear(site: SiteState, c: Cond, t: number | null, value: number | null, reason?: string): void {
    const a = c.alarm;
    if (!a) return;
    c.alarm = undefined;
    c.okSince = undefined;
    site.active.delete(c);
    if (perKey(c)) this.flood(site, c.rule.id).active--;
    else if (c.key === SUMMARY_KEY) this.flood(site, c.rule.id).loadedAt = undefined;
    if (a.id !== undefined) this.byId.delete(a.id);
    a.state = 'cleared';
    a.clearedAt = Date.now();
    a.clearedEventTs = t;
    a.clearedValue = value;
    this.store.enqueue({ kind: 'cleared', alarm: a, snapshot: { ...a }, reason });
  }

  /** The condition ended: clear its alarm, or take it out of the summary. */
  private off(site: SiteState, c: Cond, t: number, value: number | null): void {
    if (c.suppressed) this.unsuppress(site, c, t);
    else this.clear(site, c, t, value);
  }

  private flood(site: SiteState, ruleId: number): Flood {
    let f = site.flood.get(ruleId);
    if (!f) {
      f = { active: 0, suppressed: 0 };
      site.flood.set(ruleId, f);
    }
    return f;
  }

  /** Beyond ALARM_MAX_PER_RULE: no alarm of its own; the rule's summary alarm at the site covers it. */
  private suppress(site: SiteState, c: Cond, f: Flood, t: number): void {
    c.suppressed = true;
    f.suppressed++;
    const summary = (f.summary ??= this.conds.cond(c.rule, site.id, SUMMARY_KEY));
    if (summary.alarm) return;
    const cap = this.config.env.ALARM_MAX_PER_RULE;
    const what =
      { inlet_temp: 'inlet temperature', inlet_rate: 'inlet rate-of-change', metering: 'counter' }[
        c.rule.kind as 'inlet_temp'
      ] ?? c.rule.kind;
    this.raise(
      site,
      summary,
      t,
      f.suppressed,
      cap,
      `More than ${cap} ${what} alarms at ${site.code}: further ones are grouped in this alarm until they have all ended (first: ${c.key})`,
      { grouped: true, maxPerRule: cap, first: c.key },
    );
  }

  private unsuppress(site: SiteState, c: Cond, t: number): void {
    c.suppressed = false;
    c.okSince = undefined;
    const f = this.flood(site, c.rule.id);
    f.suppressed = Math.max(0, f.suppressed - 1);
    if (f.suppressed === 0 && f.summary?.alarm) this.clear(site, f.summary, t, 0);
  }

  /** After the store committed: index new alarms by id, then announce (live push, webhooks). */
  private onCommitted(list: Committed[]): void {
    let raised = 0;
    let cleared = 0;
    for (const t of list) {
      if (t.kind === 'raised' && t.alarm.state === 'active') {
        const site = this.sites.get(t.alarm.siteId);
        const c = this.condOf.get(t.alarm);
        if (site && c && c.alarm === t.alarm) this.byId.set(t.id, { a: t.alarm, c, site });
      }
      if (t.duplicate) continue;
      if (t.kind === 'raised') raised++;
      else cleared++;
      this.metrics.transitions.inc({ event: t.kind, severity: t.snapshot.severity });
      this.announcer.announce(t.kind, { ...t.snapshot, id: t.id });
    }
    this.metrics.active.set(this.byId.size);
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
    const ref = this.byId.get(id);
    if (!ref) return undefined;
    ref.a.acknowledgedAt = at;
    ref.a.acknowledgedBy = by;
    ref.a.note = note;
    return ref.a;
  }

  webhookOfRule(ruleId: number | null): string | null {
    return ruleId === null ? null : (this.rules.get(ruleId)?.webhookUrl ?? null);
  }

  // ---------------------------------------------------------------------------------------------------
  // Rules changed, boot, timer

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
        this.clear(site, c, null, null, reason);
      }
      site.flood.delete(c.rule.id);
      this.conds.forget(id, c);
    }
  }

  /** Active alarms from the database at boot (another instance's, on PostgreSQL, at every sync). */
  private async loadActive(): Promise<void> {
    const rows = await this.store.activeRows();
    for (const row of rows) this.adopt(row);
    this.metrics.active.set(this.byId.size);
  }

  private adopt(row: AlarmEntity): void {
    const code = row.site?.code ?? String(row.siteId);
    const site = this.site(row.siteId, code);
    const rule = row.ruleId === null ? undefined : this.rules.get(row.ruleId);
    const applies = !!rule && this.rules.effective(row.siteId).some((r) => r.id === rule.id);
    if (!rule || !applies) {
      // Its rule was deleted or disabled while this instance was down: resolve it, with the reason.
      const a = recordFromEntity(row, code, null);
      a.state = 'cleared';
      a.clearedAt = Date.now();
      this.store.enqueue({
        kind: 'cleared',
        alarm: a,
        snapshot: { ...a },
        reason: rule ? 'rule no longer applies to this site' : 'rule deleted',
      });
      return;
    }
    const c = this.conds.cond(rule, row.siteId, row.key);
    if (c.alarm) return;
    const a = recordFromEntity(row, code, rule.webhookUrl);
    c.alarm = a;
    this.condOf.set(a, c);
    if (a.eventTs > c.lastTs) c.lastTs = a.eventTs;
    if (typeof a.details?.zone === 'string' || a.details?.zone === null)
      c.zone = a.details.zone as string | null;
    site.active.add(c);
    this.byId.set(a.id!, { a, c, site });
    if (perKey(c)) this.flood(site, rule.id).active++;
    else if (c.key === SUMMARY_KEY) {
      const f = this.flood(site, rule.id);
      f.summary = c;
      f.loadedAt = Date.now();
    }
  }

  /** PostgreSQL with several instances: pick up rule changes, and alarms raised, cleared or acked elsewhere. */
  private async sync(): Promise<void> {
    await this.rules.reloadIfChanged();
    const commits = this.store.commits;
    const rows = await this.store.activeRows();
    // Our own writes landed while reading: this view may predate them; the next tick looks again.
    if (this.store.commits !== commits) return;
    const ids = new Set(rows.map((r) => r.id));
    let adopted = false;
    for (const [id, ref] of this.byId) {
      if (ids.has(id) || this.store.hasPending(ref.a)) continue;
      // Cleared by another instance.
      if (ref.c.alarm === ref.a) {
        ref.c.alarm = undefined;
        if (perKey(ref.c)) this.flood(ref.site, ref.c.rule.id).active--;
      }
      ref.site.active.delete(ref.c);
      this.byId.delete(id);
    }
    for (const row of rows) {
      if (this.store.hasPendingId(row.id)) continue;
      const ref = this.byId.get(row.id);
      if (ref) {
        if (row.acknowledgedAt !== null && ref.a.acknowledgedAt === null) {
          ref.a.acknowledgedAt = row.acknowledgedAt;
          ref.a.acknowledgedBy = row.acknowledgedBy;
          ref.a.note = row.note;
        }
        continue;
      }
      const rule = row.ruleId === null ? undefined : this.rules.get(row.ruleId);
      // A rule deleted or no longer applying: the instance that changed it clears the alarm (or a boot does).
      if (!rule || !this.rules.effective(row.siteId).some((r) => r.id === rule.id)) continue;
      this.site(row.siteId, row.site?.code ?? String(row.siteId));
      const c = this.conds.cond(rule, row.siteId, row.key);
      if (c.alarm) continue; // ours, still being written (the store adopts the other row)
      this.adopt(row);
      adopted = true;
    }
    // Series infos cache their conditions: let them pick up the adopted ones.
    if (adopted) this.conds.rulesChanged();
    this.metrics.active.set(this.byId.size);
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

  /** A summary alarm loaded at boot whose storm ended while the instance was down: nothing re-grouped since. */
  private checkLoadedSummaries(): void {
    const now = Date.now();
    const grace = Math.max(this.latenessMs, this.config.env.ALARM_EVAL_INTERVAL_MS);
    for (const site of this.sites.values()) {
      for (const f of site.flood.values()) {
        if (f.loadedAt === undefined || !f.summary?.alarm || f.suppressed > 0 || !site.reported) continue;
        if (now - f.loadedAt >= grace) this.clear(site, f.summary, site.newest, 0);
      }
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.store.dialect === 'postgres') await this.sync();
      this.checkLoadedSummaries();
      await this.stale.check(this.hooks);
    } catch (err) {
      this.logger.warn(`alarm check failed: ${(err as Error).message}`);
    }
  }

  /** For the API: the in-memory version of an active alarm (it may be ahead of its row). */
  activeRecord(id: number): AlarmRecord | undefined {
    return this.byId.get(id)?.a;
  }
}
