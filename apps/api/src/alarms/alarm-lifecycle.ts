import type { AppConfig } from '../platform/config/app-config';
import type { SnapshotService } from '../telemetry/telemetry.module';
import type { AlarmEntity } from './alarm.entity';
import type { AlarmConditions } from './alarm-conditions';
import type { AlarmTransitions } from './alarm-evaluator';
import { recordFromEntity, type AlarmRecord, type RuleDef } from './alarm-model';
import { perKey, SUMMARY_KEY, type Cond, type Flood, type SiteState } from './alarm-state';
import type { AlarmRulesService } from './alarm-rules.service';
import type { AlarmStore, Committed } from './alarm-store';
import type { AlarmMetrics } from './alarm.metrics';

/** An active alarm that has a row, with the condition and site it belongs to. */
interface ActiveRef {
  a: AlarmRecord;
  c: Cond;
  site: SiteState;
}

const codeOf = (row: AlarmEntity): string => row.site?.code ?? String(row.siteId);

/**
 * The alarms' state in memory and its transitions (docs/contract.md "Alarms"): raises and clears alarms, groups
 * the ones beyond ALARM_MAX_PER_RULE into a rule's summary alarm, hands every transition to AlarmStore, and keeps
 * the active alarms in step with their rows (at boot, and on PostgreSQL with what other instances wrote). The
 * engine (alarm-engine.ts) decides when; this decides what changes.
 */
export class AlarmLifecycle {
  /** Active alarms that have a row. */
  private readonly byId = new Map<number, ActiveRef>();
  private readonly condOf = new WeakMap<AlarmRecord, Cond>();

  constructor(
    private readonly sites: Map<number, SiteState>,
    private readonly conds: AlarmConditions,
    private readonly rules: AlarmRulesService,
    private readonly store: AlarmStore,
    private readonly snapshots: SnapshotService,
    private readonly config: AppConfig,
    private readonly metrics: AlarmMetrics,
  ) {}

  site(id: number, code: string): SiteState {
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

  // ---------------------------------------------------------------------------------------------------
  // Transitions

  raise(...[site, c, t, value, threshold, message, details]: Parameters<AlarmTransitions['raise']>): void {
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

  clear(site: SiteState, c: Cond, t: number | null, value: number | null, reason?: string): void {
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
  off(site: SiteState, c: Cond, t: number, value: number | null): void {
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

  /** A summary alarm loaded at boot whose storm ended while the instance was down: nothing re-grouped since. */
  checkLoadedSummaries(latenessMs: number): void {
    const now = Date.now();
    const grace = Math.max(latenessMs, this.config.env.ALARM_EVAL_INTERVAL_MS);
    for (const site of this.sites.values()) {
      for (const f of site.flood.values()) {
        if (f.loadedAt === undefined || !f.summary?.alarm || f.suppressed > 0 || !site.reported) continue;
        if (now - f.loadedAt >= grace) this.clear(site, f.summary, site.newest, 0);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Rows

  /** After the store committed a transition: index a new alarm by its id. */
  committed(t: Committed): void {
    if (t.kind === 'raised' && t.alarm.state === 'active') {
      const site = this.sites.get(t.alarm.siteId);
      const c = this.condOf.get(t.alarm);
      if (site && c && c.alarm === t.alarm) this.byId.set(t.id, { a: t.alarm, c, site });
    }
  }

  /** Sets the active-alarms gauge. */
  countActive(): void {
    this.metrics.active.set(this.byId.size);
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

  /** For the API: the in-memory version of an active alarm (it may be ahead of its row). */
  activeRecord(id: number): AlarmRecord | undefined {
    return this.byId.get(id)?.a;
  }

  /** A row's rule, and whether it still applies to the row's site (not deleted, disabled or unassigned). */
  private ruleOf(row: AlarmEntity): { rule: RuleDef | undefined; applies: boolean } {
    const rule = row.ruleId === null ? undefined : this.rules.get(row.ruleId);
    return { rule, applies: !!rule && this.rules.effective(row.siteId).some((r) => r.id === rule.id) };
  }

  /** Active alarms from the database at boot (another instance's, on PostgreSQL, at every sync). */
  async loadActive(): Promise<void> {
    const rows = await this.store.activeRows();
    for (const row of rows) this.adopt(row);
    this.countActive();
  }

  private adopt(row: AlarmEntity): void {
    const code = codeOf(row);
    const site = this.site(row.siteId, code);
    const { rule, applies } = this.ruleOf(row);
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
  async sync(): Promise<void> {
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
      const { rule, applies } = this.ruleOf(row);
      // A rule deleted or no longer applying: the instance that changed it clears the alarm (or a boot does).
      if (!rule || !applies) continue;
      this.site(row.siteId, codeOf(row));
      const c = this.conds.cond(rule, row.siteId, row.key);
      if (c.alarm) continue; // ours, still being written (the store adopts the other row)
      this.adopt(row);
      adopted = true;
    }
    // Series infos cache their conditions: let them pick up the adopted ones.
    if (adopted) this.conds.rulesChanged();
    this.countActive();
  }
}
