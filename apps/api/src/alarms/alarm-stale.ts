import { Injectable } from '@nestjs/common';
import type { StaleParams } from '@dcfleet/contracts';
import { AppConfig } from '../platform/config/app-config';
import { SitesService } from '../sites/sites.module';
import { ReceiptsService } from '../receipts/receipts.module';
import { SeriesRegistry, SnapshotService } from '../telemetry/telemetry.module';
import { formatDuration, seriesName, type RuleDef } from './alarm-model';
import type { AlarmTransitions } from './alarm-evaluator';
import { AlarmRulesService } from './alarm-rules.service';
import type { SiteState } from './alarm-state';

/** Silent series listed in a stale alarm's details (the message names fewer). */
const MAX_LISTED_SERIES = 100;

/** What the stale check needs of the engine: its per-site state, conditions and transitions. */
export interface StaleHooks extends Pick<AlarmTransitions, 'raise' | 'clear' | 'cond'> {
  site(id: number, code: string): SiteState;
  stopped(): boolean;
  /** When this instance started: right after a restart every site looks silent. */
  startedAt: number;
}

/** Stale sites (docs/contract.md "Alarms"): the engine's timer compares each site's newest event time with the wall clock. */
@Injectable()
export class AlarmStaleCheck {
  constructor(
    private readonly config: AppConfig,
    private readonly sites: SitesService,
    private readonly rules: AlarmRulesService,
    private readonly registry: SeriesRegistry,
    private readonly snapshots: SnapshotService,
    private readonly receipts: ReceiptsService,
  ) {}

  /** How long a site may stay silent under a stale rule. */
  afterMs(rule: RuleDef): number {
    return ((rule.params as StaleParams).afterS ?? this.config.env.STALE_AFTER_S) * 1000;
  }

  async check(hooks: StaleHooks, now = Date.now()): Promise<void> {
    for (const s of await this.sites.all()) {
      const rules = this.rules.effective(s.id).filter((r) => r.kind === 'stale');
      if (!rules.length) continue;
      const site = hooks.site(s.id, s.code);
      if (site.newest === -Infinity) {
        // Created before the snapshots were warmed up at boot, or never reported.
        const snap = this.snapshots.snapshot(s.id, s.code, now).lastSampleAt;
        if (snap) site.newest = Date.parse(snap);
        else continue; // never reported: not installed yet rather than silent
      }
      for (const rule of rules) {
        const c = hooks.cond(rule, s.id, '');
        const afterMs = this.afterMs(rule);
        // Right after a restart every site looks silent: give gateways afterMs to report before alarming.
        const silentFor = now - (site.reported ? site.newest : Math.max(site.newest, hooks.startedAt));
        if (silentFor > afterMs) {
          if (c.alarm) continue;
          // Several instances share a PostgreSQL database: the site may report to another one.
          const shared = this.config.database.type === 'postgres';
          if (shared && (await this.reportedElsewhere(site, now - afterMs))) continue;
          if (c.alarm || hooks.stopped()) continue;
          const rows = [...this.registry.ofSite(s.id)].sort((x, y) =>
            x.metric + x.labels < y.metric + y.labels ? -1 : 1,
          );
          const series = rows.slice(0, MAX_LISTED_SERIES).map((r) => seriesName(r.metric, r.labels));
          const count = rows.length;
          const shown = series.slice(0, 10).join(', ') + (count > 10 ? `, … (${count - 10} more)` : '');
          const silence = now - site.newest;
          hooks.raise(
            site,
            c,
            site.newest,
            Math.round(silence / 1000),
            afterMs / 1000,
            `No data from ${s.code} for ${formatDuration(silence)} (last sample ${new Date(site.newest).toISOString()}); ` +
              `${count} silent series${count ? ': ' + shown : ''}`,
            {
              lastSampleAt: new Date(site.newest).toISOString(),
              silentSeriesCount: count,
              silentSeries: series,
            },
          );
        } else if (c.alarm && site.newest >= now - afterMs && site.newest > c.alarm.eventTs) {
          hooks.clear(site, c, site.newest, null);
        }
      }
    }
  }

  /** Several instances: the site may report to another one. Its newest receipts tell (PostgreSQL only). */
  private async reportedElsewhere(site: SiteState, freshAfter: number): Promise<boolean> {
    const m = await this.receipts.newestSampleTs(site.id);
    if (m === null) return false;
    site.newest = Math.max(site.newest, m);
    return m >= freshAfter;
  }
}
