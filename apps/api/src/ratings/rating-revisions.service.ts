import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ratingStatus, toLocal, type RatingStatus } from '@dcfleet/green-metrics';
import { In } from 'typeorm';
import type { SiteEntity } from '../sites/sites.module';
import { RatingBaselineEntity } from './rating-baseline.entity';
import { RatingEvents } from './rating-events';
import { RatingRevisionEntity } from './rating-revision.entity';
import { RatingsRepository } from './ratings.repository';
import type { MonthlyRatingRow, RatingRevisionInfo, RatingRow } from '@dcfleet/contracts';

/** The figures of a closed period's rating that a revision compares. */
export interface ObservedRating {
  pue: number | null;
  status: RatingStatus;
  facilityKwh: number;
  itKwh: number;
  coverage: number;
  /** Annual ratings only: grade, CUE and the reference data used (JSON), compared once a baseline has them. */
  grade?: string | null;
  cue?: number | null;
  reference?: string | null;
}

/** The figures a revision compares, of an annual rating row. */
export function observedRating(row: RatingRow): ObservedRating {
  const ef = row.emissionFactor;
  return {
    pue: row.pue,
    status: row.status,
    facilityKwh: row.energy.facilityKwh,
    itKwh: row.energy.itKwh,
    coverage: row.coverage,
    grade: row.grade === null ? null : String(row.grade),
    cue: row.cue,
    reference: JSON.stringify({
      racks: row.racks ?? null,
      pueCategory: row.pueCategory,
      outOfScope: row.outOfScope ?? null,
      emissionFactor: ef
        ? `${ef.factor} (${ef.kind}${ef.region ? ` ${ef.region}` : ''}${ef.year ? ` ${ef.year}` : ''})`
        : null,
    }),
  };
}

/** The figures a revision compares, of a month of a rating's monthly breakdown. */
export function observedMonth(m: MonthlyRatingRow): ObservedRating {
  return {
    pue: m.pue,
    status: ratingStatus(m.coverage, m.coverage),
    facilityKwh: m.facilityKwh,
    itKwh: m.itKwh,
    coverage: m.coverage,
  };
}

/** What noticed the change: ingest of late data, a read, or a change of site reference data (its description). */
export type ObservationSource = 'ingest' | 'read' | { reference: string };

/** Relative tolerance: recomputing the same data in another order may differ in the last bits. */
const TOLERANCE = 1e-9;

function same(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

function fmt(v: number | null, digits: number): string {
  return v === null ? 'none' : String(Number(v.toFixed(digits)));
}

/**
 * Baselines and revisions of closed-period ratings. `observe` compares a fresh computation with the stored
 * baseline: no baseline → store it when the rating was read (not after ingest: nobody has seen it yet); PUE or status changed → record a revision, move the baseline and emit
 * `RatingEvents`. The baseline moves by compare-and-set, so two API instances noticing the same change record
 * it once.
 */
@Injectable()
export class RatingRevisionsService implements OnApplicationShutdown {
  private readonly logger = new Logger('RatingRevisions');
  /** One observation at a time per (site, year, month) in this process. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly repo: RatingsRepository,
    private readonly events: RatingEvents,
  ) {}

  static toInfo(r: RatingRevisionEntity): RatingRevisionInfo {
    return {
      id: r.id,
      year: r.year,
      month: r.month,
      previousPue: r.previousPue,
      pue: r.pue,
      previousStatus: r.previousStatus as RatingStatus,
      status: r.status as RatingStatus,
      revisedAt: new Date(r.revisedAt).toISOString(),
      reason: r.reason,
    };
  }

  async list(siteId: number, years: number[]): Promise<RatingRevisionInfo[]> {
    const rows = await this.repo.revisions.find({
      where: { siteId, year: In(years) },
      order: { revisedAt: 'DESC', id: 'DESC' },
      take: 500,
    });
    return rows.map(RatingRevisionsService.toInfo);
  }

  /** Fire-and-forget observation from a read path: never fails or delays the response; awaited at shutdown. */
  observeInBackground(site: SiteEntity, year: number, month: number, value: ObservedRating): void {
    const p = this.observe(site, year, month, value, 'read')
      .catch((err: Error) =>
        this.logger.error(`rating baseline for ${site.code} ${year}/${month}: ${err.message}`),
      )
      .finally(() => this.background.delete(p));
    this.background.add(p);
  }

  /** Baselines, from a read, of the months of the current year that have ended (a month is final once closed). */
  observeClosedMonths(site: SiteEntity, year: number, monthly: MonthlyRatingRow[], now: number): void {
    const current = toLocal(now, site.timezone);
    if (year !== current.year) return;
    for (const m of monthly)
      if (m.month < current.month) this.observeInBackground(site, year, m.month, observedMonth(m));
  }

  /**
   * @param month 0 for the annual rating, 1-12 for a closed month.
   * @returns the revision recorded, if the rating changed.
   */
  observe(
    site: SiteEntity,
    year: number,
    month: number,
    value: ObservedRating,
    source: ObservationSource,
  ): Promise<RatingRevisionInfo | null> {
    const key = `${site.id}|${year}|${month}`;
    const run = (this.chains.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.observeNow(site, year, month, value, source));
    this.chains.set(key, run);
    void run
      .finally(() => {
        if (this.chains.get(key) === run) this.chains.delete(key);
      })
      .catch(() => undefined);
    return run;
  }

  private async observeNow(
    ...[site, year, month, value, source]: Parameters<RatingRevisionsService['observe']>
  ): Promise<RatingRevisionInfo | null> {
    const now = Date.now();
    const where = { siteId: site.id, year, month };
    const figures = {
      pue: value.pue,
      status: value.status,
      facilityKwh: value.facilityKwh,
      itKwh: value.itKwh,
      coverage: value.coverage,
      grade: value.grade ?? null,
      cue: value.cue ?? null,
      reference: value.reference ?? null,
      computedAt: now,
    };
    const prev = await this.repo.baselines.findOne({ where });
    if (!prev) {
      // A revision is a change to a rating someone has seen: baselines start on read. An ingest-side check
      // before any read (a first backfill of history, say) has nothing to revise.
      if (source !== 'read') return null;
      await this.repo.insertBaselineIfAbsent({ ...where, ...figures });
      return null;
    }
    // Grade and CUE are compared once the baseline has them (baselines stored before reference history do not).
    const extended = prev.reference !== null && value.reference !== undefined;
    const sameExtended =
      !extended || ((prev.grade ?? null) === (value.grade ?? null) && same(prev.cue, value.cue ?? null));
    if (same(prev.pue, value.pue) && prev.status === value.status && sameExtended) {
      if (
        !same(prev.facilityKwh, value.facilityKwh) ||
        !same(prev.itKwh, value.itKwh) ||
        !same(prev.coverage, value.coverage) ||
        (prev.reference ?? null) !== (value.reference ?? null)
      ) {
        await this.repo.baselines.update(where, figures);
      }
      return null;
    }
    const reason = this.reason(year, month, prev, value, source);
    const revision = await this.repo.reviseBaseline(where, prev, figures, {
      siteId: site.id,
      year,
      month: month === 0 ? null : month,
      previousPue: prev.pue,
      pue: value.pue,
      previousStatus: prev.status,
      status: value.status,
      revisedAt: now,
      reason,
    });
    if (!revision) return null;
    const info = RatingRevisionsService.toInfo(revision);
    this.events.emitRevised({
      code: site.code,
      year,
      month: info.month,
      previousPue: info.previousPue,
      pue: info.pue,
      previousStatus: info.previousStatus,
      status: info.status,
      revisedAt: info.revisedAt,
      reason: info.reason,
      revisionId: info.id,
    });
    return info;
  }

  private reason(
    year: number,
    month: number,
    prev: RatingBaselineEntity,
    next: ObservedRating,
    source: ObservationSource,
  ): string {
    const period = month === 0 ? `year ${year}` : `${year}-${String(month).padStart(2, '0')}`;
    const status =
      prev.status === next.status ? `status ${next.status}` : `status ${prev.status} → ${next.status}`;
    const figures =
      `PUE ${fmt(prev.pue, 6)} → ${fmt(next.pue, 6)}, ${status}` +
      (prev.grade !== (next.grade ?? null) && prev.reference !== null
        ? `, grade ${prev.grade ?? 'none'} → ${next.grade ?? 'none'}`
        : '') +
      (!same(prev.cue, next.cue ?? null) && prev.reference !== null
        ? `, CUE ${fmt(prev.cue, 4)} → ${fmt(next.cue ?? null, 4)}`
        : '');
    const text =
      typeof source === 'object'
        ? `site reference data changed the ${period} rating: ${figures}; ${source.reference}`
        : `late data changed the ${period} rating: ${figures}; ` +
          `facility ${fmt(prev.facilityKwh, 3)} → ${fmt(next.facilityKwh, 3)} kWh, IT ${fmt(prev.itKwh, 3)} → ${fmt(next.itKwh, 3)} kWh, ` +
          `coverage ${fmt(prev.coverage * 100, 2)} % → ${fmt(next.coverage * 100, 2)} % ` +
          `(detected ${source === 'ingest' ? 'after ingest' : 'on read'})`;
    return text.length > 500 ? `${text.slice(0, 497)}...` : text;
  }

  /** Waits for the background observations started so far. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  onApplicationShutdown(): Promise<void> {
    return this.idle();
  }
}
