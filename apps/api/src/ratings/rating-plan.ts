import type { EmissionFactorUsed } from '@dcfleet/contracts';
import { fromLocal, localYearRange, toLocal, type Period } from '@dcfleet/green-metrics';
import type { SiteEntity, SiteReferenceService } from '../sites/sites.module';
import type { MeterExchangesService } from './meter-exchanges.service';
import { LOOKBACK_MS } from './rating-inputs';
import type { PeriodSpec } from './rating-period';

/** The period of one site: local calendar edges of its time zone. */
export interface SitePeriod extends Period {
  /** Set for a calendar year. */
  year?: number;
}

export interface Plan {
  /** The site with the reference fields in force at the end of the period (docs/contract.md, "Reference data"). */
  site: SiteEntity;
  period: SitePeriod;
  readFrom: number;
  key: string;
  emissionFactor: EmissionFactorUsed | null;
  referenceFrom: number;
}

export function periodOf(site: SiteEntity, spec: PeriodSpec, now = Date.now()): SitePeriod {
  if (spec.kind === 'year') return { ...localYearRange(spec.year, site.timezone), year: spec.year };
  const l = toLocal(now, site.timezone);
  return {
    start: fromLocal(site.timezone, l.year - 1, l.month, 1),
    end: fromLocal(site.timezone, l.year, l.month, 1),
  };
}

/**
 * What rating a site for a period reads (RatingsService): the period's local edges, the site with the reference
 * data and emission factor in force at its end, and the cache key of that combination.
 */
export class RatingPlanner {
  constructor(
    private readonly reference: SiteReferenceService,
    private readonly exchanges: MeterExchangesService,
  ) {}

  /** Loads what plans read: the sites' reference data and meter exchanges. */
  async load(): Promise<void> {
    await Promise.all([this.reference.load(), this.exchanges.load()]);
  }

  /** Call after `load()`: the site as it stood at the end of the period. */
  plan(site: SiteEntity, spec: PeriodSpec, now: number): Plan {
    const period = periodOf(site, spec, now);
    const ref = this.reference.asOf(site, period.end - 1);
    const emissionFactor = this.reference.emissionFactor(ref, toLocal(period.end - 1, site.timezone).year);
    const asOf: SiteEntity = {
      ...site,
      racks: ref.racks,
      pueCategory: ref.pueCategory,
      gridRegion: ref.gridRegion,
      greenCertifiedYear: ref.greenCertifiedYear,
      gridEmissionFactor: emissionFactor?.factor ?? null,
    };
    const refKey = this.reference.versionOf(site.id);
    return {
      site: asOf,
      period,
      readFrom: period.start - LOOKBACK_MS,
      key: `${site.id}|${site.updatedAt}|${site.timezone}|${period.start}|${period.end}|${refKey}|${this.exchanges.versionOf(site.id)}`,
      emissionFactor,
      referenceFrom: ref.effectiveFrom,
    };
  }
}
