import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  SITE_REFERENCE_FIELDS,
  type EmissionFactorEntry,
  type EmissionFactorInput,
  type EmissionFactorUsed,
  type PueCategory,
  type SiteReferenceEntry,
  type SiteReferenceField,
  type UpdateDataCenterInput,
} from '@dcfleet/contracts';
import { fromLocal, localDate, localDayStart } from '@dcfleet/green-metrics';
import type { EntityManager, Repository } from 'typeorm';
import { EmissionFactorEntity } from './emission-factor.entity';
import { SiteReferenceEntity } from './site-reference.entity';
import { SiteEntity } from './site.entity';

/** The reference fields in force at one instant, and since when. */
export interface SiteReference {
  racks: number | null;
  pueCategory: PueCategory;
  gridRegion: string | null;
  gridEmissionFactor: number | null;
  greenCertifiedYear: number | null;
  /** Epoch ms the entry took effect; 0: since always. */
  effectiveFrom: number;
}

/** A change of reference fields, as a revision reason names it. */
export interface ReferenceChange {
  siteId: number;
  /** Epoch ms from which the change applies. */
  from: number;
  /** e.g. "racks 300 → 80, gridRegion none → CN-South from 2025-01-01 (by admin: survey corrected)". */
  description: string;
}

/** Region whose factors apply when a site has none, or its region has none for the year. */
export const NATIONAL_REGION = 'CN';

type ReferencePatch = Partial<Pick<UpdateDataCenterInput, SiteReferenceField>>;

function category(v: number): PueCategory {
  return v === 2 || v === 3 ? v : 1;
}

/** The reference fields of a history entry (without its id, site and provenance). */
function fieldsOf(r: SiteReferenceEntity): SiteReference {
  return {
    racks: r.racks,
    pueCategory: category(r.pueCategory),
    gridRegion: r.gridRegion,
    gridEmissionFactor: r.gridEmissionFactor,
    greenCertifiedYear: r.greenCertifiedYear,
    effectiveFrom: r.effectiveFrom,
  };
}

/**
 * The entry of a site's history (ascending) in force at `at`: the last one from before it, else the earliest (an
 * instant before the history starts); a site without history: its own columns.
 */
function inForce(rows: readonly SiteReferenceEntity[], site: SiteEntity, at: number): SiteReference {
  let hit = rows[0];
  for (const r of rows) {
    if (r.effectiveFrom > at) break;
    hit = r;
  }
  if (hit) return fieldsOf(hit);
  return {
    racks: site.racks,
    pueCategory: category(site.pueCategory),
    gridRegion: site.gridRegion,
    gridEmissionFactor: site.gridEmissionFactor,
    greenCertifiedYear: site.greenCertifiedYear,
    effectiveFrom: 0,
  };
}

function show(v: unknown): string {
  return v === null || v === undefined ? 'none' : String(v);
}

/**
 * Site reference data with history and the published grid emission factors (docs/contract.md, "Reference data"). Both
 * tables are small: held in memory, reloaded at most every 10 s (other instances' edits) and at once after an
 * edit here.
 */
@Injectable()
export class SiteReferenceService {
  private bySite = new Map<number, SiteReferenceEntity[]>();
  private factors: EmissionFactorEntity[] = [];
  private loadedAt = 0;
  /** Changes whenever the emission factors do: part of the ratings cache key. */
  private factorsVersion = '';

  constructor(
    @InjectRepository(SiteReferenceEntity) private readonly history: Repository<SiteReferenceEntity>,
    @InjectRepository(EmissionFactorEntity) private readonly factorRepo: Repository<EmissionFactorEntity>,
  ) {}

  async load(maxAgeMs = 10_000): Promise<void> {
    if (Date.now() - this.loadedAt < maxAgeMs) return;
    const [rows, factors] = await Promise.all([
      this.history.find({ order: { siteId: 'ASC', effectiveFrom: 'ASC' } }),
      this.factorRepo.find({ order: { region: 'ASC', year: 'ASC' } }),
    ]);
    const bySite = new Map<number, SiteReferenceEntity[]>();
    for (const r of rows) {
      const list = bySite.get(r.siteId) ?? [];
      list.push(r);
      bySite.set(r.siteId, list);
    }
    this.bySite = bySite;
    this.factors = factors;
    this.factorsVersion = factors.map((f) => `${f.region}/${f.year}=${f.factor}@${f.recordedAt}`).join(',');
    this.loadedAt = Date.now();
  }

  /**
   * Identifies a site's loaded reference data and the emission factors (call `load` first): part of the ratings
   * cache key, so an edit of one site leaves the others' cached ratings alone.
   */
  versionOf(siteId: number): string {
    const rows = this.bySite.get(siteId) ?? [];
    return `${rows.map((r) => `${r.id}@${r.recordedAt}`).join('.')}|${this.factorsVersion}`;
  }

  /** The reference fields in force at `at` (call `load` first); a site without history: its own columns. */
  asOf(site: SiteEntity, at: number): SiteReference {
    return inForce(this.bySite.get(site.id) ?? [], site, at);
  }

  /**
   * The emission factor for a rating of `year`: the site's own factor, else its grid region's published factor of
   * that year or the latest earlier one (factors are published about two years late), else the national one by
   * the same rule; null when none is known.
   */
  emissionFactor(ref: SiteReference, year: number): EmissionFactorUsed | null {
    if (ref.gridEmissionFactor !== null)
      return {
        factor: ref.gridEmissionFactor,
        kind: 'site',
        region: null,
        year: null,
        source: "the site's own factor (set by an admin)",
      };
    const regions = ref.gridRegion && ref.gridRegion !== NATIONAL_REGION ? [ref.gridRegion] : [];
    regions.push(NATIONAL_REGION);
    for (const region of regions) {
      let best: EmissionFactorEntity | undefined;
      for (const f of this.factors)
        if (f.region === region && f.year <= year && (!best || f.year > best.year)) best = f;
      if (best)
        return {
          factor: best.factor,
          kind: region === NATIONAL_REGION ? 'national' : 'region',
          region,
          year: best.year,
          source: best.source,
        };
    }
    return null;
  }

  async entries(siteId: number): Promise<SiteReferenceEntry[]> {
    const rows = await this.history.find({ where: { siteId }, order: { effectiveFrom: 'ASC' } });
    return rows.map((r) => ({
      effectiveFrom: r.effectiveFrom === 0 ? null : new Date(r.effectiveFrom).toISOString(),
      racks: r.racks,
      pueCategory: category(r.pueCategory),
      gridRegion: r.gridRegion,
      gridEmissionFactor: r.gridEmissionFactor,
      greenCertifiedYear: r.greenCertifiedYear,
      recordedAt: new Date(r.recordedAt).toISOString(),
      recordedBy: r.recordedBy,
      reason: r.reason,
    }));
  }

  /** The reference fields of a patch (undefined when it changes none). */
  static referencePatch(patch: UpdateDataCenterInput): ReferencePatch | undefined {
    const out: ReferencePatch = {};
    let any = false;
    for (const f of SITE_REFERENCE_FIELDS)
      if (patch[f] !== undefined) {
        (out as Record<string, unknown>)[f] = patch[f];
        any = true;
      }
    return any ? out : undefined;
  }

  /** Epoch ms of a local date of the site (default: the start of today there). */
  static effectiveInstant(site: SiteEntity, date: string | undefined, now = Date.now()): number {
    if (date === undefined) return localDayStart(now, site.timezone);
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const at = fromLocal(site.timezone, y, m, d);
    if (at > now) throw new BadRequestException('effectiveFrom cannot be in the future');
    return at;
  }

  /**
   * Records a change of reference fields from `from` on, inside the site update's transaction: the entry at `from`
   * (created from the one in force then) and every later entry take the new values. Returns the values in force
   * now (for the site's own columns) and a description of what changed, or null when nothing did.
   */
  async record(
    m: EntityManager,
    site: SiteEntity,
    patch: ReferencePatch,
    from: number,
    by: string,
    reason: string | null,
    now = Date.now(),
  ): Promise<{ current: SiteReference; change: ReferenceChange | null }> {
    const repo = m.getRepository(SiteReferenceEntity);
    const rows = await repo.find({ where: { siteId: site.id }, order: { effectiveFrom: 'ASC' } });
    let at = rows.find((r) => r.effectiveFrom === from);
    const base = inForce(rows, site, from);
    const diffs: string[] = [];
    for (const f of SITE_REFERENCE_FIELDS) {
      const v = patch[f];
      if (v !== undefined && v !== base[f]) diffs.push(`${f} ${show(base[f])} → ${show(v)}`);
    }
    const laterChanges = rows.some(
      (r) =>
        r.effectiveFrom > from &&
        SITE_REFERENCE_FIELDS.some((f) => patch[f] !== undefined && patch[f] !== r[f]),
    );
    if (diffs.length === 0 && !laterChanges) return { current: inForce(rows, site, now), change: null };
    if (!at) {
      at = repo.create({
        siteId: site.id,
        effectiveFrom: from,
        racks: base.racks,
        pueCategory: base.pueCategory,
        gridRegion: base.gridRegion,
        gridEmissionFactor: base.gridEmissionFactor,
        greenCertifiedYear: base.greenCertifiedYear,
      });
      rows.push(at);
    }
    // The entry at `from` records who and why; later entries only take the new values (the audit log has the edit).
    Object.assign(at, { recordedBy: by, reason });
    for (const r of rows) {
      if (r.effectiveFrom < from) continue;
      Object.assign(r, patch, { recordedAt: now });
      await repo.save(r);
    }
    rows.sort((a, b) => a.effectiveFrom - b.effectiveFrom);
    this.loadedAt = 0;
    const date = from === 0 ? 'always' : localDate(from, site.timezone);
    const what = diffs.length ? diffs.join(', ') : 'later entries aligned';
    return {
      current: inForce(rows, site, now),
      change: {
        siteId: site.id,
        from,
        description: `${what} from ${date} (by ${by}${reason ? `: ${reason}` : ''})`,
      },
    };
  }

  /** Starts a new site's history: its creation values in force since always. */
  async start(m: EntityManager, site: SiteEntity, by: string): Promise<void> {
    await m.getRepository(SiteReferenceEntity).insert({
      siteId: site.id,
      effectiveFrom: 0,
      racks: site.racks,
      pueCategory: site.pueCategory,
      gridRegion: site.gridRegion,
      gridEmissionFactor: site.gridEmissionFactor,
      greenCertifiedYear: site.greenCertifiedYear,
      recordedAt: Date.now(),
      recordedBy: by,
      reason: 'site created',
    });
    this.loadedAt = 0;
  }

  // ---- emission factors ---------------------------------------------------------------------------------------------

  async listFactors(): Promise<EmissionFactorEntry[]> {
    const rows = await this.factorRepo.find({ order: { region: 'ASC', year: 'ASC' } });
    return rows.map(SiteReferenceService.factorDto);
  }

  static factorDto(f: EmissionFactorEntity): EmissionFactorEntry {
    return {
      region: f.region,
      year: f.year,
      factor: f.factor,
      source: f.source,
      recordedAt: new Date(f.recordedAt).toISOString(),
      recordedBy: f.recordedBy,
    };
  }

  /** Creates or replaces the factor of (region, year); returns it and the previous one. */
  async putFactor(
    region: string,
    year: number,
    input: EmissionFactorInput,
    by: string,
  ): Promise<{ entry: EmissionFactorEntry; previous: EmissionFactorEntry | null }> {
    const previous = await this.factorRepo.findOne({ where: { region, year } });
    const row = this.factorRepo.create({
      region,
      year,
      factor: input.factor,
      source: input.source,
      recordedAt: Date.now(),
      recordedBy: by,
    });
    await this.factorRepo.save(row);
    this.loadedAt = 0;
    return {
      entry: SiteReferenceService.factorDto(row),
      previous: previous ? SiteReferenceService.factorDto(previous) : null,
    };
  }

  async deleteFactor(region: string, year: number): Promise<EmissionFactorEntry> {
    const row = await this.factorRepo.findOne({ where: { region, year } });
    if (!row) throw new NotFoundException(`no emission factor for ${region} ${year}`);
    await this.factorRepo.delete({ region, year });
    this.loadedAt = 0;
    return SiteReferenceService.factorDto(row);
  }

  /** Sites whose ratings use a region's factors (a factor change re-checks their ratings). */
  sitesUsingRegion(region: string, sites: SiteEntity[]): SiteEntity[] {
    return sites.filter((s) => {
      const rows = this.bySite.get(s.id) ?? [];
      const regions = rows.length ? rows.map((r) => r.gridRegion) : [s.gridRegion];
      return region === NATIONAL_REGION || regions.includes(region);
    });
  }
}
