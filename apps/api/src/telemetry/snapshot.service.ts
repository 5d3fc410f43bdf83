import { Inject, Injectable } from '@nestjs/common';
import type { SiteSnapshot, SiteStatus } from '@dcfleet/contracts';
import { AppConfig } from '../config/app-config';
import { SeriesRegistry } from './series-registry';
import { TELEMETRY_STORE, type TelemetryStore } from './telemetry-store';

interface Latest {
  ts: number;
  value: number;
  /** The batch that last set it (SnapshotService.accept). */
  mark: number;
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
  private batchMark = 0;

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

  /**
   * Folds a committed batch into the live state. Returns the series whose newest value this batch set (each
   * once; their values are read back with `changedValues`): arrays, not a keyed object, because most
   * batches are never shown to anyone and a 5,000-key object per batch costs more than the rest of this.
   */
  accept(siteId: number, receivedAt: number, seriesIds: number[], ts: number[], values: number[]): number[] {
    const s = this.live(siteId);
    s.lastIngestAt = receivedAt;
    const mark = ++this.batchMark;
    const changed: number[] = [];
    let newest = s.lastSampleAt ?? -Infinity;
    for (let i = 0; i < ts.length; i++) {
      const sid = seriesIds[i]!;
      const t = ts[i]!;
      let cur = s.latest.get(sid);
      if (cur) {
        if (cur.ts > t) continue;
        cur.ts = t;
        cur.value = values[i]!;
      } else {
        cur = { ts: t, value: values[i]!, mark: 0 };
        s.latest.set(sid, cur);
      }
      if (t > newest) newest = t;
      if (cur.mark !== mark) {
        cur.mark = mark;
        changed.push(sid);
      }
    }
    if (newest > -Infinity) s.lastSampleAt = newest;
    return changed;
  }

  /**
   * The current newest values of these series of a site, keyed by metric (+ canonical labels), and an
   * estimate of their JSON size (for the live buffers' byte budget, without serialising twice).
   */
  changedValues(
    siteId: number,
    seriesIds: readonly number[],
  ): { values: Record<string, number>; bytes: number } {
    const latest = this.sites.get(siteId)?.latest;
    const values: Record<string, number> = {};
    let bytes = 2;
    if (!latest) return { values, bytes };
    for (const sid of seriesIds) {
      const key = this.registry.displayKey(sid);
      const cur = latest.get(sid);
      if (key === undefined || !cur) continue;
      values[key] = cur.value;
      bytes += key.length * 1.25 + 24; // quotes, escaped label quotes, colon, comma, number
    }
    return { values, bytes: Math.ceil(bytes) };
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
        if (!cur || r.lastTs >= cur.ts) s.latest.set(r.seriesId, { ts: r.lastTs, value: r.last, mark: 0 });
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
      facility && it && it.value > 0 && Math.abs(facility.ts - it.ts) <= 120_000
        ? facility.value / it.value
        : null;
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
