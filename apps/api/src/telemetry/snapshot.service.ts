import { Inject, Injectable } from '@nestjs/common';
import type { SiteSnapshot, SiteStatus } from '@dcfleet/contracts';
import { AppConfig } from '../config/app-config';
import { SeriesRegistry } from './series-registry';
import { TELEMETRY_STORE, type TelemetryStore } from './telemetry-store';

interface Latest {
  ts: number;
  value: number;
}

interface SiteLive {
  lastSampleAt: number | null;
  lastIngestAt: number | null;
  /** Latest value per series id (event time order: late data never overwrites a newer value). */
  latest: Map<number, Latest>;
}

/** Live state per site, from the newest accepted samples; seeded from the 1-minute rollups at boot. */
@Injectable()
export class SnapshotService {
  private readonly sites = new Map<number, SiteLive>();
  private activeAlarms: (siteId: number) => number = () => 0;

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly registry: SeriesRegistry,
    private readonly config: AppConfig,
  ) {}

  /** The alarms feature plugs its counter in here (keeps telemetry free of alarm imports). */
  setActiveAlarmCounter(fn: (siteId: number) => number): void {
    this.activeAlarms = fn;
  }

  private live(siteId: number): SiteLive {
    let s = this.sites.get(siteId);
    if (!s) {
      s = { lastSampleAt: null, lastIngestAt: null, latest: new Map() };
      this.sites.set(siteId, s);
    }
    return s;
  }

  /** Returns the values that became the site's newest (for dc:update), keyed by metric (+labels). */
  accept(siteId: number, receivedAt: number, seriesIds: number[], ts: number[], values: number[]): Record<string, number> {
    const s = this.live(siteId);
    s.lastIngestAt = receivedAt;
    const changed = new Map<number, number>();
    let newest = s.lastSampleAt ?? -Infinity;
    for (let i = 0; i < ts.length; i++) {
      const sid = seriesIds[i]!;
      const t = ts[i]!;
      const cur = s.latest.get(sid);
      if (cur) {
        if (cur.ts > t) continue;
        cur.ts = t;
        cur.value = values[i]!;
      } else s.latest.set(sid, { ts: t, value: values[i]! });
      if (t > newest) newest = t;
      changed.set(sid, values[i]!);
    }
    if (newest > -Infinity) s.lastSampleAt = newest;
    const out: Record<string, number> = {};
    for (const [sid, v] of changed) {
      const row = this.registry.get(sid);
      if (row) out[row.labels ? row.metric + row.labels : row.metric] = v;
    }
    return out;
  }

  /** Seeds the live state from the newest 1-minute bucket of every series (after a restart). */
  async warmUp(): Promise<void> {
    const now = Date.now();
    const bySite = new Map<number, number[]>();
    for (const row of this.registry.all()) {
      const list = bySite.get(row.siteId) ?? [];
      list.push(row.id);
      bySite.set(row.siteId, list);
    }
    const window = Math.max(this.config.env.OFFLINE_AFTER_S * 1000, 86_400_000);
    for (const [siteId, ids] of bySite) {
      const rows = await this.store.readRollups('1m', ids, now - window, now + 600_000);
      const s = this.live(siteId);
      for (const r of rows) {
        const cur = s.latest.get(r.seriesId);
        if (!cur || r.lastTs >= cur.ts) s.latest.set(r.seriesId, { ts: r.lastTs, value: r.last });
        if (s.lastSampleAt === null || r.lastTs > s.lastSampleAt) s.lastSampleAt = r.lastTs;
      }
    }
  }

  status(lastSampleAt: number | null, now = Date.now()): SiteStatus {
    if (lastSampleAt === null) return 'offline';
    const age = (now - lastSampleAt) / 1000;
    if (age <= this.config.env.STALE_AFTER_S) return 'online';
    if (age <= this.config.env.OFFLINE_AFTER_S) return 'stale';
    return 'offline';
  }

  snapshot(siteId: number, code: string, now = Date.now()): SiteSnapshot {
    const s = this.sites.get(siteId);
    const values: Record<string, number> = {};
    let facility: Latest | undefined;
    let it: Latest | undefined;
    let hottest: { value: number; zone: string | null } | undefined;
    const freshAfter = now - this.config.env.STALE_AFTER_S * 1000;
    if (s) {
      for (const [sid, latest] of s.latest) {
        const row = this.registry.get(sid);
        if (!row) continue;
        if (row.labels === '') values[row.metric] = latest.value;
        if (row.metric === 'facility_power_kw' && row.labels === '') facility = latest;
        else if (row.metric === 'it_power_kw' && row.labels === '') it = latest;
        else if (row.metric === 'inlet_temp_c' && latest.ts >= freshAfter) {
          if (!hottest || latest.value > hottest.value) {
            const labels = row.labels ? (JSON.parse(row.labels) as Record<string, string>) : {};
            hottest = { value: latest.value, zone: labels.zone ?? null };
          }
        }
      }
    }
    // Live PUE only from a facility/IT pair measured close together; it is an indicator, never a rating.
    const livePue =
      facility && it && it.value > 0 && Math.abs(facility.ts - it.ts) <= 120_000 ? facility.value / it.value : null;
    const lastSampleAt = s?.lastSampleAt ?? null;
    return {
      code,
      status: this.status(lastSampleAt, now),
      lastSampleAt: lastSampleAt === null ? null : new Date(lastSampleAt).toISOString(),
      lastIngestAt: s?.lastIngestAt ? new Date(s.lastIngestAt).toISOString() : null,
      livePue: livePue === null ? null : Math.round(livePue * 1000) / 1000,
      facilityPowerKw: facility?.value ?? null,
      itPowerKw: it?.value ?? null,
      hottestInletC: hottest?.value ?? null,
      hottestInletZone: hottest?.zone ?? null,
      activeAlarms: this.activeAlarms(siteId),
      values,
    };
  }
}
