import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AlarmInfo } from '@dcfleet/contracts';
import { In, IsNull, LessThan, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.module';
import type { AuditActor } from '../platform/access/request-actor';
import { inScope, type Scope } from '../platform/access/scope';
import { SitesService } from '../sites/sites.module';
import { AlarmEntity } from './alarm.entity';
import { alarmInfo, recordFromEntity } from './alarm-model';
import { AlarmAnnouncer } from './alarm-announcer';
import { AlarmEngine } from './alarm-engine';
import { AlarmMetrics } from './alarm.metrics';

export interface AlarmQuery {
  state?: string;
  datacenter?: string;
  limit?: string;
  before?: string;
}

/** The alarm API: listing (history kept) and acknowledgement. */
@Injectable()
export class AlarmsService {
  constructor(
    @InjectRepository(AlarmEntity) private readonly repo: Repository<AlarmEntity>,
    private readonly engine: AlarmEngine,
    private readonly announcer: AlarmAnnouncer,
    private readonly sites: SitesService,
    private readonly audit: AuditService,
    private readonly metrics: AlarmMetrics,
  ) {}

  /** The alarms of the sites `scope` sees (of one of them with `datacenter`, 404 when outside the scope). */
  async list(q: AlarmQuery, scope: Scope): Promise<AlarmInfo[]> {
    const state = q.state ?? 'active';
    if (state !== 'active' && state !== 'all') throw new BadRequestException('state must be active or all');
    const limit = q.limit === undefined ? 500 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000)
      throw new BadRequestException('limit must be a whole number from 1 to 5000');
    const before = q.before === undefined ? undefined : Number(q.before);
    if (before !== undefined && (!Number.isInteger(before) || before < 1))
      throw new BadRequestException('before must be an alarm id');
    const rows = await this.repo.find({
      where: {
        ...(state === 'active' ? { state: 'active' } : {}),
        ...(q.datacenter
          ? { siteId: (await this.sites.getIn(scope, q.datacenter)).id }
          : scope.kind === 'hub'
            ? {}
            : { siteId: In((await this.sites.visible(scope)).map((s) => s.id)) }),
        ...(before !== undefined ? { id: LessThan(before) } : {}),
      },
      relations: { site: true },
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map((r) => this.info(r));
  }

  async one(id: number, scope: Scope): Promise<AlarmInfo> {
    return this.info(await this.visibleRow(id, scope));
  }

  /** An alarm of a site outside the scope is not found, like one that does not exist. */
  private async visibleRow(id: number, scope: Scope): Promise<AlarmEntity> {
    const row = await this.repo.findOne({ where: { id }, relations: { site: true } });
    if (!row || !inScope(scope, row.site!)) throw new NotFoundException(`alarm ${id} not found`);
    return row;
  }

  private info(row: AlarmEntity): AlarmInfo {
    return alarmInfo(recordFromEntity(row, row.site!.code));
  }

  /** Acknowledges once (who, when, note); active or already cleared. Audited, pushed live, sent to webhooks. */
  async acknowledge(id: number, scope: Scope, who: AuditActor, note: string | undefined): Promise<AlarmInfo> {
    const row = await this.visibleRow(id, scope);
    const already = () =>
      new ConflictException(
        `alarm ${id} was already acknowledged by ${row.acknowledgedBy} at ${new Date(row.acknowledgedAt!).toISOString()}`,
      );
    if (row.acknowledgedAt !== null) throw already();
    const at = Date.now();
    const text = note && note.length ? note : null;
    const res = await this.repo.update(
      { id, acknowledgedAt: IsNull() },
      { acknowledgedAt: at, acknowledgedBy: who.actor, note: text },
    );
    if (!res.affected) {
      const now = await this.repo.findOneBy({ id });
      row.acknowledgedAt = now?.acknowledgedAt ?? at;
      row.acknowledgedBy = now?.acknowledgedBy ?? null;
      throw already();
    }
    row.acknowledgedAt = at;
    row.acknowledgedBy = who.actor;
    row.note = text;
    // The in-memory alarm may be ahead of its row (cleared, not yet written): that is the truth to show.
    const live = this.engine.acknowledged(id, at, who.actor, text);
    const rec =
      live && live.id !== undefined
        ? { ...live, id: live.id }
        : recordFromEntity(row, row.site!.code, this.engine.webhookOfRule(row.ruleId));
    await this.audit.record(who, 'alarm.ack', `alarm:${id}`, {
      datacenter: rec.siteCode,
      rule: rec.kind,
      severity: rec.severity,
      key: rec.key,
      state: rec.state,
      note: text,
    });
    this.metrics.transitions.inc({ event: 'acknowledged', severity: rec.severity });
    this.announcer.announce('acknowledged', rec);
    return alarmInfo(rec);
  }
}
