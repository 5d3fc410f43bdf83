import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  MAX_FUTURE_MS,
  parseTimestamp,
  type MeterExchangeInfo,
  type MeterExchangeInput,
} from '@dcfleet/contracts';
import type { MeterExchange } from '@dcfleet/green-metrics';
import type { Repository } from 'typeorm';
import { AppConfig } from '../platform/config/app-config';
import { type SiteEntity, SiteEvents } from '../sites/sites.module';
import { SeriesRegistry, TELEMETRY_STORE, type TelemetryStore } from '../telemetry/telemetry.module';
import { MeterExchangeEntity } from './meter-exchange.entity';
import { LOOKBACK_MS, RATING_METRICS, type RatingMetricRole, type SiteExchanges } from './rating-inputs';

/** Counters an exchange can be recorded for, by metric. */
const COUNTER_ROLES = new Map<string, RatingMetricRole>(
  (['facilityEnergy', 'itEnergy', 'renewable', 'reused', 'water'] as const).map((r) => [
    RATING_METRICS[r],
    r,
  ]),
);

const iso = (ms: number): string => new Date(ms).toISOString();

/** Readings may be off by rounding in the last digits of what a gateway reports. */
const EPSILON = 1e-6;

/**
 * Recorded meter exchanges (docs/contract.md, "Counters that fall"). The table is small: held in memory per site (reloaded
 * every 10 s for other instances' records, at once after one here). At rating time each exchange is resolved to
 * the stored readings either side of it and handed to green-metrics, which counts the step across it from the
 * exchange instead of the meter rule.
 */
@Injectable()
export class MeterExchangesService {
  private bySite = new Map<number, MeterExchangeEntity[]>();
  private loadedAt = 0;

  constructor(
    @InjectRepository(MeterExchangeEntity) private readonly repo: Repository<MeterExchangeEntity>,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly registry: SeriesRegistry,
    private readonly config: AppConfig,
    private readonly events: SiteEvents,
  ) {}

  async load(maxAgeMs = 10_000): Promise<void> {
    if (Date.now() - this.loadedAt < maxAgeMs) return;
    const rows = await this.repo.find({ order: { siteId: 'ASC', at: 'ASC', id: 'ASC' } });
    const bySite = new Map<number, MeterExchangeEntity[]>();
    for (const r of rows) bySite.set(r.siteId, [...(bySite.get(r.siteId) ?? []), r]);
    this.bySite = bySite;
    this.loadedAt = Date.now();
  }

  /** Identifies a site's loaded exchanges (part of the ratings cache key; call `load` first). */
  versionOf(siteId: number): string {
    const rows = this.bySite.get(siteId);
    return rows ? rows.map((r) => r.id).join('.') : '';
  }

  static info(r: MeterExchangeEntity): MeterExchangeInfo {
    return {
      id: r.id,
      metric: r.metric,
      at: iso(r.at),
      oldFinal: r.oldFinal,
      newInitial: r.newInitial,
      recordedAt: iso(r.recordedAt),
      recordedBy: r.recordedBy,
      note: r.note,
    };
  }

  async list(siteId: number): Promise<MeterExchangeInfo[]> {
    const rows = await this.repo.find({ where: { siteId }, order: { at: 'ASC', id: 'ASC' } });
    return rows.map(MeterExchangesService.info);
  }

  /** Validates and stores an exchange; the ratings it reaches are re-rated (revisions where served ones change). */
  async create(site: SiteEntity, input: MeterExchangeInput, by: string): Promise<MeterExchangeInfo> {
    if (!COUNTER_ROLES.has(input.metric))
      throw new BadRequestException(
        `metric must be one of the site's meters: ${[...COUNTER_ROLES.keys()].join(', ')}`,
      );
    const at = parseTimestamp(input.at);
    if (Number.isNaN(at)) throw new BadRequestException('at must be an RFC 3339 time or epoch milliseconds');
    const now = Date.now();
    if (at > now + MAX_FUTURE_MS) throw new BadRequestException('at is in the future');
    const maxAgeDays = this.config.env.INGEST_MAX_AGE_DAYS;
    if (at < now - maxAgeDays * 86_400_000)
      throw new BadRequestException(`at is older than the backfill window of ${maxAgeDays} days`);
    const row = this.repo.create({
      siteId: site.id,
      metric: input.metric,
      at,
      oldFinal: input.oldFinal,
      newInitial: input.newInitial,
      recordedAt: now,
      recordedBy: by.slice(0, 64),
      note: input.note ?? null,
    });
    await this.repo.save(row);
    this.loadedAt = 0;
    this.changed(site, row, `meter exchange of ${row.metric} at ${iso(at)} recorded (by ${row.recordedBy})`);
    return MeterExchangesService.info(row);
  }

  async remove(site: SiteEntity, id: number, by: string): Promise<MeterExchangeInfo> {
    const row = await this.repo.findOne({ where: { id, siteId: site.id } });
    if (!row) throw new NotFoundException(`no meter exchange ${id} at ${site.code}`);
    await this.repo.delete({ id });
    this.loadedAt = 0;
    this.changed(site, row, `meter exchange of ${row.metric} at ${iso(row.at)} removed (by ${by})`);
    return MeterExchangesService.info(row);
  }

  private changed(site: SiteEntity, row: MeterExchangeEntity, description: string): void {
    this.events.emitReferenceChanged({ siteId: site.id, from: row.at - LOOKBACK_MS, description });
  }

  /** `resolve` for each plan whose site has exchanges in its read range (call `load` first). */
  async resolveAll(
    plans: readonly { site: { id: number }; readFrom: number; period: { end: number } }[],
  ): Promise<Map<number, { exchanges: SiteExchanges; evidence: MeterExchangeInfo[] }>> {
    const out = new Map<number, { exchanges: SiteExchanges; evidence: MeterExchangeInfo[] }>();
    for (const p of plans)
      if (this.bySite.has(p.site.id))
        out.set(p.site.id, await this.resolve(p.site.id, p.readFrom, p.period.end));
    return out;
  }

  /**
   * The site's exchanges in [from, to), resolved to the stored readings either side (within 7 days): what the
   * rating applies, and the evidence it shows. Call `load` first.
   */
  async resolve(
    siteId: number,
    from: number,
    to: number,
  ): Promise<{ exchanges: SiteExchanges; evidence: MeterExchangeInfo[] }> {
    const rows = (this.bySite.get(siteId) ?? []).filter((r) => r.at >= from && r.at < to);
    const exchanges: SiteExchanges = {};
    const evidence: MeterExchangeInfo[] = [];
    for (const r of rows) {
      const info = MeterExchangesService.info(r);
      evidence.push(info);
      const role = COUNTER_ROLES.get(r.metric)!;
      const series = this.registry.find(siteId, r.metric, '');
      const samples = series
        ? await this.store.readRaw([series.id], r.at - LOOKBACK_MS, r.at + LOOKBACK_MS)
        : [];
      const before = samples.filter((s) => s.ts < r.at).at(-1);
      const after = samples.find((s) => s.ts >= r.at);
      info.before = before ? { at: iso(before.ts), value: before.value } : null;
      info.after = after ? { at: iso(after.ts), value: after.value } : null;
      if (!before || !after) {
        info.status = 'no-readings';
        continue;
      }
      if (r.oldFinal < before.value - EPSILON || after.value < r.newInitial - EPSILON) {
        info.status = 'inconsistent';
        continue;
      }
      info.status = 'applied';
      const x: MeterExchange = {
        oldFinal: r.oldFinal,
        newInitial: r.newInitial,
        before: { ts: before.ts, value: before.value },
        after: { ts: after.ts, value: after.value },
      };
      (exchanges[role] ??= []).push(x);
    }
    return { exchanges, evidence };
  }
}
