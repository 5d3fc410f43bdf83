import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  aggregateFleet,
  localMonthRange,
  localYearRange,
  toLocal,
  type DailyBucket,
} from '@dcfleet/green-metrics';
import { AppConfig } from '../platform/config/app-config';
import { HUB_SCOPE, type Scope } from '../platform/access/scope';
import { OrganizationsService } from '../organizations/organizations.module';
import {
  LocalizedNamesService,
  type SiteEntity,
  SiteReferenceService,
  SitesService,
} from '../sites/sites.module';
import { ReceiptsService } from '../receipts/receipts.module';
import { SeriesRegistry } from '../telemetry/telemetry.module';
import { RatingCache, type CacheToken } from './rating-cache';
import { withNames } from './rating-names';
import { latestYear, type PeriodSpec } from './rating-period';
import { RatingPlanner, type Plan } from './rating-plan';
import { schemeOf } from './rating-scheme';
import { computeRating, gapsUntil, monthlyRows } from './rating-calc';
import {
  chooseInputs,
  counterSpans,
  hasDataBefore,
  hasDataIn,
  LOOKBACK_MS,
  RATING_METRICS,
  withDayEnds,
  type RatingMetricRole,
  type ReadingGap,
  type SiteBuckets,
} from './rating-inputs';
import { MeterExchangesService } from './meter-exchanges.service';
import { observedMonth, observedRating, RatingRevisionsService } from './rating-revisions.service';
import { RatingsRepository, type DailyRow } from './ratings.repository';
import type {
  DataGap,
  MeterExchangeInfo,
  MonthlyRatingRow,
  RatingDetailResponse,
  RatingRow,
  RatingScheme,
  RatingsPeriod,
  RatingsResponse,
} from '@dcfleet/contracts';

/** What the cache holds per (site, period): the row and, once asked for, the detail. */
interface Computed {
  row: RatingRow;
  gaps: { facility: ReadingGap[]; it: ReadingGap[] };
  monthly?: MonthlyRatingRow[];
  receiptCount?: number;
  /** Recorded meter exchanges within the period's read range, as applied. */
  exchanges: MeterExchangeInfo[];
  computedAt: number;
}

const NO_EXCHANGES = { exchanges: {}, evidence: [] };

const GAUGE_ROLES: readonly RatingMetricRole[] = ['facilityPower', 'itPower'];
const COUNTER_ROLES = (Object.keys(RATING_METRICS) as RatingMetricRole[]).filter(
  (r) => !GAUGE_ROLES.includes(r),
);
const ISO = (ms: number): string => new Date(ms).toISOString();

/**
 * Site ratings from the daily rollups (docs/contract.md "Green ratings"). The daily buckets of all sites of a period are read in
 * one range query (a second one for the power gauges of sites without energy counters; rarely, one per series
 * whose previous reading lies more than a week before the period) and rated with @dcfleet/green-metrics. Results are cached per (site, period) until a committed batch carries a sample in the
 * range they were computed from (see RatingsWatcher); a result computed while such a batch is still waiting to
 * be folded into the rollups is served but neither cached nor recorded as a baseline.
 */
@Injectable()
export class RatingsService implements OnApplicationBootstrap {
  readonly cache = new RatingCache<Computed>();
  private readonly logger = new Logger('Ratings');

  /** GB 40879 grades with the configured hub targets: what every ratings response carries. */
  private readonly scheme: RatingScheme;
  private readonly planner: RatingPlanner;

  constructor(
    private readonly repo: RatingsRepository,
    private readonly registry: SeriesRegistry,
    private readonly sites: SitesService,
    private readonly receipts: ReceiptsService,
    private readonly revisions: RatingRevisionsService,
    private readonly config: AppConfig,
    reference: SiteReferenceService,
    private readonly exchanges: MeterExchangesService,
    private readonly organizations: OrganizationsService,
    private readonly names: LocalizedNamesService,
  ) {
    this.scheme = schemeOf(config.hubTargets);
    this.planner = new RatingPlanner(reference, exchanges);
  }

  /** Warms the cache in the background once the app is up (after the telemetry module loaded the series). */
  onApplicationBootstrap(): void {
    setTimeout(() => void this.warm(), 0).unref();
  }

  /**
   * Computes what the dashboard and regulators open first — last year, this year, the trailing 12 months — so
   * that a cold fleet-wide computation (a full read of a year's daily buckets, ~0.2–0.3 s for 25 sites) happens
   * here rather than in someone's request. Afterwards only sites whose data changed are recomputed.
   */
  async warm(now = Date.now()): Promise<void> {
    const started = performance.now();
    try {
      if ((await this.visibleSites(HUB_SCOPE)).length === 0) return;
      const year = latestYear(now);
      for (const spec of [
        { kind: 'year', year: year - 1 },
        { kind: 'year', year },
        { kind: 'trailing12' },
      ] as const) {
        await this.list(spec, HUB_SCOPE);
      }
      this.logger.log(`ratings cache warmed in ${Math.round(performance.now() - started)} ms`);
    } catch (err) {
      this.logger.warn(`ratings cache not warmed: ${(err as Error).message}`);
    }
  }

  /** The sites `scope` sees, with the reference data loaded (plans need both). */
  private async visibleSites(scope: Scope): Promise<SiteEntity[]> {
    await this.planner.load();
    return this.sites.visible(scope);
  }

  /** A site as `scope` sees it (outside it: 404 like a missing one), with the reference data loaded. */
  private async oneSite(scope: Scope, code: string): Promise<SiteEntity> {
    await this.planner.load();
    return this.sites.getIn(scope, code);
  }

  private static header(spec: PeriodSpec): RatingsPeriod {
    return spec.kind === 'year' ? { year: spec.year } : { period: 'trailing12' };
  }

  /**
   * GET /ratings: one row per site the caller sees and the energy-weighted fleet row over those sites (rows are cached
   * per site and period; the fleet row is aggregated per request, so one scope's never serves another).
   */
  async list(spec: PeriodSpec, scope: Scope): Promise<RatingsResponse> {
    const now = Date.now();
    const [sites, covered, names] = await Promise.all([
      this.visibleSites(scope),
      this.organizations.describe(scope),
      this.names.names(),
    ]);
    const computed = await this.ratePlans(
      sites.map((s) => this.planner.plan(s, spec, now)),
      false,
      now,
    );
    const rows = sites.map((s) => {
      const c = computed.get(s.id)!;
      return { ...c, row: withNames(c.row, s, names) };
    });
    return {
      ...RatingsService.header(spec),
      scheme: this.scheme,
      generatedAt: ISO(now),
      scope: covered,
      sites: rows.map((c) => c.row),
      // Unratable rows count as excluded. The period has ended once it has for every site (time zones differ).
      fleet: aggregateFleet(
        rows.map((c) => c.row),
        { periodEnded: rows.every((c) => Date.parse(c.row.to) <= now) },
      ),
    };
  }

  /** GET /ratings/:code: the row, monthly breakdown, evidence and revisions. */
  async detail(code: string, spec: PeriodSpec, scope: Scope): Promise<RatingDetailResponse> {
    const now = Date.now();
    const site = await this.oneSite(scope, code);
    const plan = this.planner.plan(site, spec, now);
    const c = (await this.ratePlans([plan], true, now)).get(site.id)!;
    if (c.receiptCount === undefined)
      c.receiptCount = await this.receipts.countOverlapping(site.id, plan.period.start, plan.period.end);
    const [chainHead, chainVerification] = await Promise.all([
      this.receipts.chainHead(site.id),
      this.receipts.verify(site, { incremental: true }),
    ]);
    const years =
      spec.kind === 'year'
        ? [spec.year]
        : [
            ...new Set([
              toLocal(plan.period.start, site.timezone).year,
              toLocal(plan.period.end - 1, site.timezone).year,
            ]),
          ];
    const revisions = await this.revisions.list(site.id, years);
    if (spec.kind === 'year') this.revisions.observeClosedMonths(site, spec.year, c.monthly ?? [], now);
    const gaps = (list: ReadingGap[]): DataGap[] =>
      gapsUntil(list, now).map((g) => ({
        from: ISO(g.from),
        to: ISO(g.to),
        ...(g.bridged ? { bridged: true } : {}),
      }));
    return {
      ...RatingsService.header(spec),
      scheme: this.scheme,
      generatedAt: ISO(now),
      ...withNames(c.row, site, await this.names.names()),
      monthly: c.monthly ?? [],
      evidence: {
        receiptCount: c.receiptCount,
        chainHead,
        chainVerification,
        dataGaps: { facility: gaps(c.gaps.facility), it: gaps(c.gaps.it) },
        meterExchanges: c.exchanges,
      },
      revisions,
    };
  }

  /** Drops cached ratings whose inputs a committed batch touched (called for every batch: cheap). */
  invalidate(siteId: number, ts: ArrayLike<number>, skip?: (i: number) => boolean): number {
    return this.cache.invalidate(siteId, ts, skip);
  }

  /**
   * After late data for a site: re-rates the closed periods that samples in [minTs, maxTs] may have changed
   * and records revisions (ended years; closed months of the current year).
   */
  async recheckClosed(
    site: SiteEntity,
    minTs: number,
    maxTs: number,
    now = Date.now(),
    referenceChange?: string,
  ): Promise<void> {
    await this.planner.load();
    const source = referenceChange ? { reference: referenceChange } : 'ingest';
    const tz = site.timezone;
    const current = toLocal(now, tz);
    const firstYear = toLocal(minTs, tz).year;
    const lastYear = Math.min(toLocal(maxTs + LOOKBACK_MS, tz).year, current.year - 1);
    for (let y = Math.max(firstYear, 2000); y <= lastYear; y++) {
      const plan = this.planner.plan(site, { kind: 'year', year: y }, now);
      const c = (await this.ratePlans([plan], false, now, false)).get(site.id)!;
      await this.revisions.observe(site, y, 0, observedRating(c.row), source);
    }
    const currentStart = localYearRange(current.year, tz).start;
    if (current.month > 1 && maxTs + LOOKBACK_MS >= currentStart) {
      const plan = this.planner.plan(site, { kind: 'year', year: current.year }, now);
      const c = (await this.ratePlans([plan], true, now, false)).get(site.id)!;
      for (const m of c.monthly ?? []) {
        if (m.month >= current.month) continue;
        const range = localMonthRange(current.year, m.month, tz);
        if (maxTs < range.start - LOOKBACK_MS || minTs >= range.end) continue;
        await this.revisions.observe(site, current.year, m.month, observedMonth(m), source);
      }
    }
  }

  /**
   * Rates the planned sites: cached entries as they are, the rest from one read of their daily buckets.
   * @param detail also compute the monthly breakdown.
   * @param observe record baselines for ended years (reads; the watcher observes itself).
   */
  private async ratePlans(
    plans: Plan[],
    detail: boolean,
    now: number,
    observe = true,
  ): Promise<Map<number, Computed>> {
    const out = new Map<number, Computed>();
    const todo: Plan[] = [];
    for (const p of plans) {
      const hit = this.cache.get(p.key, now);
      if (hit && (!detail || hit.monthly)) out.set(p.site.id, hit);
      else todo.push(p);
    }
    if (todo.length === 0) return out;

    const tokens = new Map<number, CacheToken>(
      todo.map((p) => [p.site.id, this.cache.begin(p.site.id, p.readFrom, p.period.end, now)]),
    );
    try {
      // Batches committed but not yet in the rollups: a result computed without them is not cached. Live data of
      // an open period is exempt (see RatingCache), or the current year would never be cached.
      const from = Math.min(...todo.map((p) => p.readFrom));
      const to = Math.max(...[...tokens.values()].map((t) => Math.min(t.end, t.liveFrom)));
      const pending = await this.repo.sitesWithPendingSamples(
        todo.map((p) => p.site.id),
        from,
        to,
      );
      // Energy counters (and the optional quantities) first; power gauges only for sites whose facility or IT
      // counter does not measure the whole period (none, installed or stopped within it: counterSpans) — most sites
      // have both, and half the rows is half the parsing.
      const buckets = new Map<number, SiteBuckets>(todo.map((p) => [p.site.id, {}]));
      await this.loadBuckets(todo, COUNTER_ROLES, buckets, tokens);
      const powerOnly = todo.filter((p) => {
        const b = buckets.get(p.site.id)!;
        return !counterSpans(b.facilityEnergy, p.period, now) || !counterSpans(b.itEnergy, p.period, now);
      });
      if (powerOnly.length > 0) await this.loadBuckets(powerOnly, GAUGE_ROLES, buckets, tokens);

      // Resolved before the loop, which stays synchronous: awaiting in it let other work interleave with every plan
      // (a cold year of ratings waited ~0.45 s behind background re-checks).
      const exchanges = await this.exchanges.resolveAll(todo);
      for (const p of todo) {
        const token = tokens.get(p.site.id)!;
        const recorded = exchanges.get(p.site.id) ?? NO_EXCHANGES;
        const inputs = chooseInputs(buckets.get(p.site.id)!, p.period, recorded.exchanges);
        const rated = computeRating(
          p.site,
          inputs,
          p.period,
          { hubTargets: this.config.hubTargets },
          p.period.end <= now,
        );
        rated.row.racks = p.site.racks;
        rated.row.emissionFactor = p.emissionFactor;
        rated.row.referenceFrom = p.referenceFrom === 0 ? null : ISO(p.referenceFrom);
        const c: Computed = {
          row: rated.row,
          gaps: rated.gaps,
          exchanges: recorded.evidence,
          computedAt: now,
        };
        if (detail) c.monthly = monthlyRows(inputs, p.period, p.site.timezone);
        out.set(p.site.id, c);
        if (pending.has(p.site.id)) {
          this.cache.abandon(token);
          continue;
        }
        const stored = this.cache.commit(token, p.key, c, now);
        if (stored && observe && p.period.year !== undefined && p.period.end <= now) {
          this.revisions.observeInBackground(p.site, p.period.year, 0, observedRating(c.row));
        }
      }
    } finally {
      for (const t of tokens.values()) this.cache.abandon(t);
    }
    return out;
  }

  /**
   * One range query for these roles' series of all the plans (the daily buckets of [readFrom, end) of each
   * site), into `into`. A series with readings in the period but none in the look-back week gets its last
   * earlier bucket too, so the energy between it and the period's first reading is not lost (an outage across
   * the period start); the cache entry then depends on everything from that bucket on.
   */
  private async loadBuckets(
    plans: Plan[],
    roles: readonly RatingMetricRole[],
    into: Map<number, SiteBuckets>,
    tokens: Map<number, CacheToken>,
  ): Promise<void> {
    const owners = new Map<number, { role: RatingMetricRole; plan: Plan }>();
    for (const p of plans) {
      for (const role of roles) {
        const s = this.registry.find(p.site.id, RATING_METRICS[role], '');
        if (s) owners.set(s.id, { role, plan: p });
      }
    }
    if (owners.size === 0) return;
    const from = Math.min(...plans.map((p) => p.readFrom));
    const to = Math.max(...plans.map((p) => p.period.end));
    const bySeries = new Map<number, DailyRow[]>();
    for (const r of await this.repo.dailyBuckets([...owners.keys()], from, to, roles === COUNTER_ROLES)) {
      let list = bySeries.get(r.seriesId);
      if (!list) bySeries.set(r.seriesId, (list = []));
      list.push(r);
    }
    for (const [seriesId, { role, plan: p }] of owners) {
      const own = (bySeries.get(seriesId) ?? []).filter(
        (r) => r.bucket >= p.readFrom && r.bucket < p.period.end,
      );
      let list: DailyBucket[] = withDayEnds(own, p.site.timezone, p.readFrom, p.period.end);
      if (hasDataIn(list, p.period) && !hasDataBefore(list, p.period.start)) {
        const before = await this.repo.lastBucketBefore(seriesId, p.readFrom);
        this.cache.widen(tokens.get(p.site.id)!, before ? before.bucket : -Infinity);
        if (before) list = [...withDayEnds([before], p.site.timezone, p.readFrom, p.period.end), ...list];
      }
      into.get(p.site.id)![role] = list;
    }
  }
}
