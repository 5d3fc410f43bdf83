import { Inject, Injectable } from '@nestjs/common';
import type { SiteSnapshot, SiteStatus } from '@dcfleet/contracts';
import { AppConfig } from '../platform/config/app-config';
import { SeriesRegistry } from './series-registry';
import { TELEMETRY_STORE, type TelemetryStore } from './telemetry-store';

interface Latest {
  ts: number;
  value: number;
}

interface SiteLive {
  lastSampleAt: number | null;
  lastIngestAt: number | null;
  /** The series of this site that have a latest value (in LatestValues). */
  series: number[];
  /** A Sparkplug birth or death since the last batch (setPresence); null: status from the samples alone. */
  presence: { online: boolean; at: number } | null;
}

/**
 * The newest (ts, value) of every series in event time (late data never overwrites a newer value), in columns
 * indexed by series id (ids are dense serials; a NaN ts means none yet): an object and two boxed numbers per series,
 * plus a Map entry, were ~5 MB of the main heap at 50,000 series.
 */
class LatestValues {
  ts = new Float64Array(1_024).fill(NaN);
  value = new Float64Array(1_024);
  /** The batch that last set it (SnapshotService.accept). */
  mark = new Float64Array(1_024);

  has(id: number): boolean {
    return id < this.ts.length && !Number.isNaN(this.ts[id]!);
  }

  get(id: number): Latest | undefined {
    return this.has(id) ? { ts: this.ts[id]!, value: this.value[id]! } : undefined;
  }

  /** Makes room for `id`; the caller then writes its slot. */
  reserve(id: number): void {
    if (id < this.ts.length) return;
    let n = this.ts.length;
    while (n <= id) n *= 2;
    const grow = (a: Float64Array, fill: number) => {
      const b = new Float64Array(n).fill(fill);
      b.set(a);
      return b;
    };
    this.ts = grow(this.ts, NaN);
    this.value = grow(this.value, 0);
    this.mark = grow(this.mark, 0);
  }
}

/** Live state per site, from the newest accepted samples; seeded from the 1-minute rollups at boot. */
@Injectable()
export class SnapshotService {
  private readonly sites = new Map<number, SiteLive>();
  private readonly latest = new LatestValues();
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
      s = { lastSampleAt: null, lastIngestAt: null, series: [], presence: null };
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
    s.presence = null; // data after a death brings the site back
    const mark = ++this.batchMark;
    const changed: number[] = [];
    let newest = s.lastSampleAt ?? -Infinity;
    const l = this.latest;
    for (let i = 0; i < ts.length; i++) {
      const sid = seriesIds[i]!;
      const t = ts[i]!;
      if (l.has(sid)) {
        if (l.ts[sid]! > t) continue;
      } else {
        l.reserve(sid);
        s.series.push(sid);
      }
      l.ts[sid] = t;
      l.value[sid] = values[i]!;
      if (t > newest) newest = t;
      if (l.mark[sid] !== mark) {
        l.mark[sid] = mark;
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
    const values: Record<string, number> = {};
    let bytes = 2;
    if (!this.sites.has(siteId)) return { values, bytes };
    for (const sid of seriesIds) {
      const key = this.registry.displayKey(sid);
      if (key === undefined || !this.latest.has(sid)) continue;
      values[key] = this.latest.value[sid]!;
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
      const l = this.latest;
      for (const r of rows) {
        const sid = r.seriesId;
        if (!l.has(sid)) {
          l.reserve(sid);
          s.series.push(sid);
        } else if (r.lastTs < l.ts[sid]!) continue;
        l.ts[sid] = r.lastTs;
        l.value[sid] = r.last;
        if (s.lastSampleAt === null || r.lastTs > s.lastSampleAt) s.lastSampleAt = r.lastTs;
      }
    }
  }

  /**
   * A Sparkplug edge node's birth or death certificate (sparkplug/): a death shows the site offline at once, until its
   * next batch or birth; a birth counts as a fresh sample for the status (online, then stale and offline by age if
   * no data follows). This instance's state only, like the snapshot itself.
   */
  setPresence(siteId: number, online: boolean, at = Date.now()): void {
    this.live(siteId).presence = { online, at };
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
      const l = this.latest;
      for (const sid of s.series) {
        const row = this.registry.get(sid);
        if (!row) continue;
        const value = l.value[sid]!;
        if (row.labels === '') values[row.metric] = value;
        if (row.metric === 'facility_power_kw' && row.labels === '') facility = l.get(sid);
        else if (row.metric === 'it_power_kw' && row.labels === '') it = l.get(sid);
        else if (row.metric === 'inlet_temp_c' && l.ts[sid]! >= freshAfter) {
          if (!hottest || value > hottest.value) {
            const labels = row.labels ? (JSON.parse(row.labels) as Record<string, string>) : {};
            hottest = { value, zone: labels.zone ?? null };
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
    const presence = s?.presence ?? null;
    let status: SiteStatus;
    if (presence?.online === false) status = 'offline';
    else if (presence) status = this.status(Math.max(presence.at, lastSampleAt ?? -Infinity), now);
    else status = this.status(lastSampleAt, now);
    return {
      code,
      status,
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
