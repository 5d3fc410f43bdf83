import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  CreateDataCenterInput,
  DataCenter,
  PueCategory,
  UpdateDataCenterInput,
} from '@dcfleet/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { inScope, type Scope } from '../platform/access/scope';
import { NO_NAMES, type NameBook } from './localized-names.service';
import { SiteEvents, type OwnerChange } from './site-events';
import { SiteReferenceService } from './site-reference.service';
import { SiteEntity } from './site.entity';

/** Site metadata, cached in memory: ingest resolves the site (time zone, code) on every batch. */
function notFound(code: string): NotFoundException {
  return new NotFoundException(`data center ${code} not found`);
}

@Injectable()
export class SitesService {
  private byId = new Map<number, SiteEntity>();
  private byCode = new Map<string, SiteEntity>();
  private loadedAt = 0;

  constructor(
    @InjectRepository(SiteEntity) private readonly repo: Repository<SiteEntity>,
    private readonly reference: SiteReferenceService,
    private readonly events: SiteEvents,
  ) {}

  private async ensureLoaded(maxAgeMs = 10_000): Promise<void> {
    if (Date.now() - this.loadedAt < maxAgeMs) return;
    const rows = await this.repo.find({ order: { code: 'ASC' } });
    this.byId = new Map(rows.map((r) => [r.id, r]));
    this.byCode = new Map(rows.map((r) => [r.code, r]));
    this.loadedAt = Date.now();
  }

  async all(): Promise<SiteEntity[]> {
    await this.ensureLoaded();
    return [...this.byCode.values()];
  }

  /**
   * Site codes per owning organisation id, sorted, from the database rather than the cache: an organisation's delete
   * guard must see a move another instance made a moment ago.
   */
  async codesByOrganization(): Promise<Map<number, string[]>> {
    const rows = await this.repo.find({
      select: { code: true, organizationId: true },
      order: { code: 'ASC' },
    });
    const out = new Map<number, string[]>();
    for (const r of rows) {
      const codes = out.get(r.organizationId);
      if (codes) codes.push(r.code);
      else out.set(r.organizationId, [r.code]);
    }
    return out;
  }

  /** The sites `scope` may see, by code. */
  async visible(scope: Scope): Promise<SiteEntity[]> {
    return (await this.all()).filter((s) => inScope(scope, s));
  }

  /** A site as `scope` sees it: one outside the scope is not found, like one that does not exist (no enumeration). */
  async getIn(scope: Scope, code: string): Promise<SiteEntity> {
    const site = await this.get(code);
    if (!inScope(scope, site)) throw notFound(code);
    return site;
  }

  async byIdCached(id: number): Promise<SiteEntity | undefined> {
    await this.ensureLoaded();
    let site = this.byId.get(id);
    if (!site) {
      await this.ensureLoaded(0);
      site = this.byId.get(id);
    }
    return site;
  }

  async get(code: string): Promise<SiteEntity> {
    await this.ensureLoaded();
    let site = this.byCode.get(code);
    if (!site) {
      await this.ensureLoaded(0);
      site = this.byCode.get(code);
    }
    if (!site) throw notFound(code);
    return site;
  }

  /** How many sites `organizationId` owns, read in the caller's transaction (the organisation's delete guard). */
  countOwnedBy(m: EntityManager, organizationId: number): Promise<number> {
    return m.getRepository(SiteEntity).countBy({ organizationId });
  }

  /**
   * Gives a site to another organisation inside the caller's transaction; `committed` afterwards refreshes the cache
   * and tells the live side. Returns the previous owner.
   */
  async setOwner(m: EntityManager, code: string, organizationId: number): Promise<OwnerChange> {
    const site = await m.getRepository(SiteEntity).findOneBy({ code });
    if (!site) throw notFound(code);
    await m.getRepository(SiteEntity).update({ id: site.id }, { organizationId, updatedAt: Date.now() });
    return { siteId: site.id, code, from: site.organizationId, to: organizationId };
  }

  /** Drops the cached sites: the next read loads them again (another instance moved one). */
  forget(): void {
    this.loadedAt = 0;
  }

  ownerCommitted(change: OwnerChange): void {
    this.forget();
    if (change.from !== change.to) this.events.emitOwnerChanged(change);
  }

  async create(input: CreateDataCenterInput, by = 'system', organizationId?: number): Promise<SiteEntity> {
    if (await this.repo.exists({ where: { code: input.code } })) {
      throw new ConflictException(`data center ${input.code} already exists`);
    }
    const now = Date.now();
    const row = this.repo.create({
      code: input.code,
      name: input.name,
      nameZh: input.nameZh ?? null,
      ...(organizationId === undefined ? {} : { organizationId }),
      operator: input.operator ?? null,
      region: input.region ?? null,
      hub: input.hub ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      timezone: input.timezone ?? 'Asia/Shanghai',
      itCapacityKw: input.itCapacityKw ?? null,
      racks: input.racks ?? null,
      pueCategory: input.pueCategory ?? 1,
      gridRegion: input.gridRegion ?? null,
      gridEmissionFactor: input.gridEmissionFactor ?? null,
      greenCertifiedYear: input.greenCertifiedYear ?? null,
      commissionedAt: input.commissionedAt ? Date.parse(input.commissionedAt) : null,
      chainSeq: 0,
      chainHead: '',
      createdAt: now,
      updatedAt: now,
    });
    await this.repo.manager.transaction(async (m) => {
      await m.getRepository(SiteEntity).insert(row);
      await this.reference.start(m, row, by);
    });
    this.loadedAt = 0;
    return this.get(input.code);
  }

  /**
   * Updates a site. Reference fields (racks, category, grid region and factor, certification) are recorded with the
   * date they take effect (`effectiveFrom`, default today); a change that reaches back into closed periods makes the
   * ratings re-check them (SiteEvents), which records a revision where a served rating changed.
   */
  async update(code: string, patch: UpdateDataCenterInput, by = 'system'): Promise<SiteEntity> {
    const site = await this.get(code);
    const { commissionedAt, effectiveFrom, changeReason, ...rest } = patch;
    const reference = SiteReferenceService.referencePatch(patch);
    if (!reference && (effectiveFrom !== undefined || changeReason !== undefined))
      throw new BadRequestException('effectiveFrom and changeReason apply to reference fields only');
    const from = reference ? SiteReferenceService.effectiveInstant(site, effectiveFrom) : 0;
    const changes: Partial<SiteEntity> = { ...rest, updatedAt: Date.now() };
    if (commissionedAt !== undefined)
      changes.commissionedAt = commissionedAt ? Date.parse(commissionedAt) : null;
    const change = await this.repo.manager.transaction(async (m) => {
      let recorded: Awaited<ReturnType<SiteReferenceService['record']>> | undefined;
      if (reference) {
        // Two edits of one site's history take turns (SQLite transactions already do).
        if (m.connection.options.type === 'postgres')
          await m
            .getRepository(SiteEntity)
            .findOne({ where: { id: site.id }, lock: { mode: 'pessimistic_write' } });
        recorded = await this.reference.record(m, site, reference, from, by, changeReason ?? null);
        // The site's own columns show the values in force now.
        const { effectiveFrom: _from, ...current } = recorded.current;
        Object.assign(changes, current);
      }
      await m.getRepository(SiteEntity).update({ id: site.id }, changes);
      return recorded?.change ?? null;
    });
    this.loadedAt = 0;
    if (change) this.events.emitReferenceChanged(change);
    return this.get(code);
  }

  /** The API's view of a site; `names` gives the Chinese names of its operator, region and hub. */
  static toDto(s: SiteEntity, names: NameBook = NO_NAMES): DataCenter {
    return {
      code: s.code,
      name: s.name,
      nameZh: s.nameZh ?? null,
      operator: s.operator,
      region: s.region,
      hub: s.hub,
      operatorZh: names.zh('operator', s.operator),
      regionZh: names.zh('region', s.region),
      hubZh: names.zh('hub', s.hub),
      latitude: s.latitude,
      longitude: s.longitude,
      timezone: s.timezone,
      itCapacityKw: s.itCapacityKw,
      racks: s.racks,
      pueCategory: (s.pueCategory as PueCategory) ?? 1,
      gridRegion: s.gridRegion,
      gridEmissionFactor: s.gridEmissionFactor,
      greenCertifiedYear: s.greenCertifiedYear,
      commissionedAt: s.commissionedAt === null ? null : new Date(s.commissionedAt).toISOString(),
    };
  }
}
