import { metricDefinition, type MeteringParams } from '@dcfleet/contracts';
import type { SeriesRegistry, SeriesRow } from '../telemetry/telemetry.module';
import { seriesName, type RuleDef } from './alarm-model';
import type { AlarmRulesService } from './alarm-rules.service';
import { condKey, inletKey, type Cond, type Role, type SeriesInfo, type SiteState } from './alarm-state';

/** Custom metric marking a legitimate counter reset: a sample labelled {metric: "<counter>"} inside the step. */
const COUNTER_RESET_METRIC = 'x_counter_reset';

/**
 * The alarm engine's conditions (one per rule and zone, counter or site) and, per series, what it is evaluated
 * against: its role and conditions under the current rules, cached until the rules change.
 */
export class AlarmConditions {
  private readonly conds = new Map<string, Cond>();
  /** Per series id: its role and conditions. Refreshed when the rules change. */
  private infos: (SeriesInfo | undefined)[] = [];
  private version = 0;
  /** The info of every series with nothing to evaluate (under the current rules). */
  private none: SeriesInfo = this.noneInfo();

  constructor(
    private readonly sites: ReadonlyMap<number, SiteState>,
    private readonly registry: SeriesRegistry,
    private readonly rules: AlarmRulesService,
  ) {}

  /** Every condition by its key (condKey). */
  all(): IterableIterator<[string, Cond]> {
    return this.conds.entries();
  }

  /** Drops a condition (its rule no longer applies): the reverse of `cond`, site index included. */
  forget(id: string, c: Cond): void {
    this.conds.delete(id);
    const site = this.sites.get(c.siteId);
    const list = site?.keyed.get(c.key);
    if (!site || !list) return;
    const rest = list.filter((x) => x !== c);
    if (rest.length) site.keyed.set(c.key, rest);
    else site.keyed.delete(c.key);
  }

  /** Series infos are rebuilt at their next sample (rules edited, or conditions adopted from another instance). */
  rulesChanged(): void {
    this.version++;
  }

  private noneInfo(): SeriesInfo {
    return {
      role: 'none',
      siteId: 0,
      name: '',
      key: '',
      zone: null,
      lastTs: -Infinity,
      rules: [],
      conds: [],
      version: this.version,
    };
  }

  info(seriesId: number): SeriesInfo | null {
    const known = this.infos[seriesId];
    if (known !== undefined && known.version === this.version) return known.role === 'none' ? null : known;
    const row = this.registry.get(seriesId);
    if (!row) return null;
    if (this.none.version !== this.version) this.none = this.noneInfo();
    const info = this.buildInfo(row, known?.role === 'none' ? undefined : known);
    this.infos[seriesId] = info ?? this.none;
    return info;
  }

  private rulesFor(site: SiteState): NonNullable<SiteState['rulesFor']> {
    if (site.rulesFor?.version === this.version) return site.rulesFor;
    const rules = this.rules.effective(site.id);
    site.rulesFor = {
      version: this.version,
      inlet: rules.filter((r) => r.kind === 'inlet_temp' || r.kind === 'inlet_rate'),
      pair: rules.some((r) => r.kind === 'pue' || r.kind === 'metering'),
      counters: rules.filter((r) => r.kind === 'metering' && (r.params as MeteringParams).counters),
    };
    return site.rulesFor;
  }

  /** `previous`: the info built under older rules (its event-time position is kept). */
  private buildInfo(row: SeriesRow, previous?: SeriesInfo): SeriesInfo | null {
    const site = this.sites.get(row.siteId);
    if (!site) return null;
    const rules = this.rulesFor(site);
    const info = (
      role: Role,
      applicable: RuleDef[],
      name: string,
      key = '',
      zone: string | null = null,
    ): SeriesInfo => {
      // Conditions that exist already (active alarms, loaded ones after a restart) keep their place in time.
      let lastTs = previous?.lastTs ?? -Infinity;
      const existing = applicable.length ? site.keyed.get(key) : undefined;
      const conds = applicable.map((r) => {
        const c = existing?.find((x) => x.rule.id === r.id);
        if (c && c.lastTs > lastTs) lastTs = c.lastTs;
        return c;
      });
      return {
        role,
        siteId: row.siteId,
        name,
        key,
        zone,
        lastTs,
        rules: applicable,
        conds,
        version: this.version,
      };
    };
    if (row.metric === 'inlet_temp_c') {
      if (!rules.inlet.length) return null;
      const { key, zone } = inletKey(row.labels);
      return info('inlet', rules.inlet, row.metric, key, zone);
    }
    if (row.labels === '' && (row.metric === 'facility_power_kw' || row.metric === 'it_power_kw')) {
      if (!rules.pair) return null;
      return info(row.metric === 'facility_power_kw' ? 'facility' : 'it', [], row.metric);
    }
    if (row.metric === COUNTER_RESET_METRIC) {
      const target = row.labels ? (JSON.parse(row.labels) as Record<string, string>).metric : undefined;
      return target ? info('marker', [], target) : null;
    }
    if (metricDefinition(row.metric)?.kind === 'counter') {
      if (!rules.counters.length) return null;
      const key = `counter:${seriesName(row.metric, row.labels)}`;
      const built = info('counter', rules.counters, row.metric, key);
      built.conds = rules.counters.map((r) => this.cond(r, row.siteId, key)); // counters always keep state
      return built;
    }
    return null;
  }

  cond(rule: RuleDef, siteId: number, key: string, zone?: string | null): Cond {
    const id = condKey(rule.id, siteId, key);
    let c = this.conds.get(id);
    if (!c) {
      c = { rule, siteId, key, lastTs: -Infinity };
      if (zone !== undefined) c.zone = zone;
      this.conds.set(id, c);
      const site = this.sites.get(siteId);
      if (site) {
        const list = site.keyed.get(key);
        if (list) list.push(c);
        else site.keyed.set(key, [c]);
      }
    }
    return c;
  }
}
