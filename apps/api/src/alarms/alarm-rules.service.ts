import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  parseAlarmRuleParams,
  type AlarmRuleInfo,
  type AlarmRuleKind,
  type AlarmSeverity,
  type CreateAlarmRuleInput,
  type UpdateAlarmRuleInput,
} from '@dcfleet/contracts';
import type { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.module';
import type { AuditActor } from '../platform/access/request-actor';
import type { Scope } from '../platform/access/scope';
import { SitesService } from '../sites/sites.module';
import { AlarmRuleEntity } from './alarm-rule.entity';
import { AlarmEntity } from './alarm.entity';
import { BUILTIN_RULES, ruleFromEntity, ruleInfo, type RuleDef } from './alarm-model';

/**
 * Alarm rules, all held in memory (a handful per site at most). The engine asks `effective(siteId)` on its
 * cold path and is told about every change (`onChange`) so it can rebuild its per-series caches.
 */
@Injectable()
export class AlarmRulesService {
  private readonly logger = new Logger('AlarmRules');
  private rules = new Map<number, RuleDef>();
  private readonly effectiveCache = new Map<number, RuleDef[]>();
  private readonly listeners: (() => void)[] = [];
  /** count:max(updated_at) of the table when last loaded (other instances' changes, PostgreSQL). */
  private fingerprint = '';

  constructor(
    @InjectRepository(AlarmRuleEntity) private readonly repo: Repository<AlarmRuleEntity>,
    private readonly sites: SitesService,
    private readonly audit: AuditService,
  ) {}

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Seeds the built-in fleet-wide rules that are absent (by name; safe with several instances booting). */
  async seedBuiltins(): Promise<void> {
    const now = Date.now();
    const existing = new Set((await this.repo.find({ select: { builtin: true } })).map((r) => r.builtin));
    const missing = BUILTIN_RULES.filter((b) => !existing.has(b.builtin));
    if (!missing.length) return;
    await this.repo
      .createQueryBuilder()
      .insert()
      .into(AlarmRuleEntity)
      .values(
        missing.map((b) => ({
          siteId: null,
          kind: b.kind,
          severity: b.severity,
          params: JSON.stringify(b.params),
          enabled: b.enabled,
          builtin: b.builtin,
          webhookUrl: null,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .orIgnore()
      .execute();
    this.logger.log(`seeded built-in alarm rules: ${missing.map((b) => b.builtin).join(', ')}`);
  }

  async load(): Promise<void> {
    const rows = await this.repo.find({ order: { id: 'ASC' } });
    const next = new Map<number, RuleDef>();
    let max = 0;
    for (const row of rows) {
      const r = ruleFromEntity(row);
      // Fill defaults added since the row was written (and repair hand edits) without failing the boot.
      const parsed = parseAlarmRuleParams(r.kind, r.severity, r.params);
      if (parsed.ok) r.params = parsed.params;
      else
        this.logger.warn(`alarm rule ${r.id}: invalid params (${parsed.problems.join('; ')}), rule skipped`);
      if (parsed.ok) next.set(r.id, r);
      max = Math.max(max, r.updatedAt);
    }
    this.rules = next;
    this.fingerprint = `${rows.length}:${max}`;
    this.effectiveCache.clear();
    for (const l of this.listeners) l();
  }

  /** Reloads when another instance changed the rules (cheap query; PostgreSQL deployments only). */
  async reloadIfChanged(): Promise<void> {
    const [n, m] = await Promise.all([this.repo.count(), this.repo.maximum('updatedAt')]);
    const fp = `${n}:${Number(m ?? 0)}`;
    if (fp !== this.fingerprint) await this.load();
  }

  get(id: number): RuleDef | undefined {
    return this.rules.get(id);
  }

  /**
   * Enabled rules that apply to a site: its own rules, plus the fleet-wide ones it does not replace (a site
   * rule of the same kind and severity replaces the fleet-wide rule there, even when disabled).
   */
  effective(siteId: number): RuleDef[] {
    let list = this.effectiveCache.get(siteId);
    if (list) return list;
    const own = [...this.rules.values()].filter((r) => r.siteId === siteId);
    const replaced = new Set(own.map((r) => `${r.kind}/${r.severity}`));
    list = [
      ...[...this.rules.values()].filter(
        (r) => r.siteId === null && r.enabled && !replaced.has(`${r.kind}/${r.severity}`),
      ),
      ...own.filter((r) => r.enabled),
    ];
    this.effectiveCache.set(siteId, list);
    return list;
  }

  private async codes(): Promise<Map<number, string>> {
    return new Map((await this.sites.all()).map((s) => [s.id, s.code]));
  }

  /** The rules `scope` sees: fleet-wide ones (they apply to its sites too) and those of its sites. */
  async list(scope: Scope, siteCode?: string): Promise<AlarmRuleInfo[]> {
    const codes = await this.codes();
    let siteId: number | undefined;
    if (siteCode) siteId = (await this.sites.getIn(scope, siteCode)).id;
    const visible = await this.visibleIds(scope);
    return [...this.rules.values()]
      .filter(
        (r) => r.siteId === null || (visible.has(r.siteId) && (siteId === undefined || r.siteId === siteId)),
      )
      .sort((a, b) => (a.siteId ?? 0) - (b.siteId ?? 0) || a.id - b.id)
      .map((r) => ruleInfo(r, r.siteId === null ? null : (codes.get(r.siteId) ?? null)));
  }

  async info(id: number, scope: Scope): Promise<AlarmRuleInfo> {
    const r = await this.visibleRule(id, scope);
    const code = r.siteId === null ? null : ((await this.sites.byIdCached(r.siteId))?.code ?? null);
    return ruleInfo(r, code);
  }

  private async visibleIds(scope: Scope): Promise<{ has(id: number): boolean }> {
    if (scope.kind === 'hub') return { has: () => true };
    return new Set((await this.sites.visible(scope)).map((s) => s.id));
  }

  /** A rule `scope` may see; one of a site outside it is not found, like one that does not exist. */
  private async visibleRule(id: number, scope: Scope): Promise<RuleDef> {
    const r = this.rules.get(id);
    if (!r || (r.siteId !== null && !(await this.visibleIds(scope)).has(r.siteId)))
      throw new NotFoundException(`alarm rule ${id} not found`);
    return r;
  }

  /**
   * A rule `scope` may change: an organisation's admin changes its own sites' rules; fleet-wide rules apply to every
   * organisation's sites and are the hub's.
   */
  private async writableRule(id: number, scope: Scope): Promise<RuleDef> {
    await this.reloadIfChanged();
    const r = await this.visibleRule(id, scope);
    if (r.siteId === null && scope.kind !== 'hub') throw fleetWideIsHubs();
    return r;
  }

  private params(kind: AlarmRuleKind, severity: AlarmSeverity, input: unknown): Record<string, unknown> {
    const parsed = parseAlarmRuleParams(kind, severity, input);
    if (!parsed.ok) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: parsed.problems.join('; '),
        details: parsed.problems,
      });
    }
    return parsed.params;
  }

  private async assertUnique(
    siteId: number | null,
    kind: AlarmRuleKind,
    severity: AlarmSeverity,
    exceptId?: number,
  ): Promise<void> {
    await this.reloadIfChanged();
    const clash = [...this.rules.values()].find(
      (r) => r.siteId === siteId && r.kind === kind && r.severity === severity && r.id !== exceptId,
    );
    if (clash) {
      throw new ConflictException(
        `rule ${clash.id} already is the ${siteId === null ? 'fleet-wide' : 'site'} ${kind} rule of severity ${severity}; change that one`,
      );
    }
  }

  async create(input: CreateAlarmRuleInput, who: AuditActor, scope: Scope): Promise<AlarmRuleInfo> {
    if (!input.datacenter && scope.kind !== 'hub') throw fleetWideIsHubs();
    const site = input.datacenter ? await this.sites.getIn(scope, input.datacenter) : null;
    const params = this.params(input.kind, input.severity, input.params);
    await this.assertUnique(site?.id ?? null, input.kind, input.severity);
    const now = Date.now();
    const row = this.repo.create({
      siteId: site?.id ?? null,
      kind: input.kind,
      severity: input.severity,
      params: JSON.stringify(params),
      enabled: input.enabled ?? true,
      builtin: null,
      webhookUrl: input.webhookUrl ?? null,
      createdAt: now,
      updatedAt: now,
    });
    const saved = await this.repo.save(row);
    await this.audit.record(who, 'alarm_rule.create', `alarm-rule:${saved.id}`, {
      datacenter: site?.code ?? null,
      kind: input.kind,
      severity: input.severity,
      params,
      enabled: row.enabled,
      webhookUrl: row.webhookUrl,
    });
    await this.load();
    return this.info(saved.id, scope);
  }

  async update(
    id: number,
    patch: UpdateAlarmRuleInput,
    who: AuditActor,
    scope: Scope,
  ): Promise<AlarmRuleInfo> {
    const r = await this.writableRule(id, scope);
    const severity = patch.severity ?? r.severity;
    if (severity !== r.severity) await this.assertUnique(r.siteId, r.kind, severity, r.id);
    let params = r.params;
    if (patch.params || severity !== r.severity) {
      const merged: Record<string, unknown> = { ...r.params, ...(patch.params ?? {}) };
      for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
      // Default inlet bands follow the severity unless set explicitly in this request.
      if (r.kind === 'inlet_temp' && severity !== r.severity) {
        if (patch.params?.low === undefined) delete merged.low;
        if (patch.params?.high === undefined) delete merged.high;
      }
      params = this.params(r.kind, severity, merged);
    }
    const changes: Partial<AlarmRuleEntity> = { updatedAt: Math.max(Date.now(), r.updatedAt + 1) };
    if (patch.severity !== undefined) changes.severity = patch.severity;
    if (params !== r.params) changes.params = JSON.stringify(params);
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.webhookUrl !== undefined) changes.webhookUrl = patch.webhookUrl;
    await this.repo.update({ id }, changes);
    await this.audit.record(who, 'alarm_rule.update', `alarm-rule:${id}`, {
      kind: r.kind,
      builtin: r.builtin,
      fields: Object.keys(patch),
      severity: patch.severity,
      params: patch.params ? params : undefined,
      enabled: patch.enabled,
      webhookUrl: patch.webhookUrl,
    });
    await this.load();
    return this.info(id, scope);
  }

  async remove(id: number, who: AuditActor, scope: Scope): Promise<void> {
    const r = await this.writableRule(id, scope);
    if (r.builtin)
      throw new ConflictException(
        `rule ${id} is built in (${r.builtin}): disable it instead (PATCH {"enabled": false})`,
      );
    await this.repo.manager.transaction(async (m) => {
      await m.delete(AlarmRuleEntity, { id });
      await m.update(AlarmEntity, { ruleId: id }, { ruleId: null }); // history stays, without its rule
    });
    await this.audit.record(who, 'alarm_rule.delete', `alarm-rule:${id}`, {
      kind: r.kind,
      severity: r.severity,
      siteId: r.siteId,
    });
    await this.load();
  }
}

function fleetWideIsHubs(): ForbiddenException {
  return new ForbiddenException(
    "fleet-wide rules apply to every organisation's sites and are the hub's: set a rule for one of your sites instead",
  );
}
