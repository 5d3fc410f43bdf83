/**
 * Hourly history of a site, as ingest batches: time-ordered, cut at local midnights where possible, at most
 * `maxSamples` metric values each. Also the events modelled in last year's history (a meter replacement, a
 * gateway outage), which the ratings must absorb without a change in status, and the plan that orders a
 * first start's history so that what a newcomer looks at first arrives first.
 */
import type { IngestEntry } from '@dcfleet/contracts';
import { fromLocal } from '@dcfleet/green-metrics';
import {
  advance,
  countSamples,
  historyEntries,
  historySamplesAt,
  type CounterMetric,
  type HistoryDetail,
  type HistorySelect,
  type SiteModel,
  type SiteState,
} from './model';
import { ceilHour, HOUR_MS } from './time';

export const DEFAULT_MAX_BATCH_SAMPLES = 5000;

/** A meter replaced at `at`: the counter restarts from 0 at the sample at `at`. */
export interface MeterReset {
  metric: CounterMetric;
  at: number;
}

/** A gateway outage: no samples in [from, to); the meters keep counting. */
export interface Outage {
  from: number;
  to: number;
}

export interface HistoryEvents {
  resets: MeterReset[];
  outages: Outage[];
}

/** Events in the history of the previous calendar year, by site code (local dates and hours). */
const LAST_YEAR_EVENTS: Record<
  string,
  {
    resets?: { metric: CounterMetric; month: number; day: number; hour: number }[];
    outages?: { month: number; day: number; hour: number; hours: number }[];
  }
> = {
  'GZ-LP-02': { resets: [{ metric: 'facility_energy_kwh', month: 6, day: 17, hour: 10 }] },
  'GZ-ZY-01': { resets: [{ metric: 'it_energy_kwh', month: 3, day: 9, hour: 15 }] },
  'GZ-QD-02': { outages: [{ month: 9, day: 12, hour: 8, hours: 36 }] },
  'GZ-BJ-01': { outages: [{ month: 11, day: 3, hour: 1, hours: 5 }] },
};

/** The modelled events of a site in calendar year `year` (local time of the site). */
export function historyEvents(model: SiteModel, year: number): HistoryEvents {
  const def = LAST_YEAR_EVENTS[model.code];
  const tz = model.spec.site.timezone;
  return {
    resets: (def?.resets ?? []).map((r) => ({
      metric: r.metric,
      at: fromLocal(tz, year, r.month, r.day, r.hour),
    })),
    outages: (def?.outages ?? []).map((o) => {
      const from = fromLocal(tz, year, o.month, o.day, o.hour);
      return { from, to: from + o.hours * HOUR_MS };
    }),
  };
}

export const NO_EVENTS: HistoryEvents = { resets: [], outages: [] };

export interface HistoryOptions extends Pick<HistoryDetail, 'zones'> {
  /** Most metric values per batch (default 5000). */
  maxSamples?: number;
  /** Emit the readings of the starting state too (a fresh site: its first samples are at `state.ts`). */
  includeStart?: boolean;
  events?: HistoryEvents;
  /** Which readings each hour contributes (default: all); null skips the hour. Counters advance regardless. */
  select?: (hour: number) => HistorySelect | null;
  /** Hours that carry the zones' readings (default: every hour); see zoneHours. */
  zonesAt?: (hour: number) => boolean;
}

/**
 * When the zones' inlet temperature and humidity are in the history: every hour from `hourlyFrom` (the ranges a
 * chart shows in hourly buckets), every `everyHours` local hours (00:00, 06:00, … for 6) before it, where charts
 * show daily buckets. Hourly throughout would add two samples per zone and hour (~4.2 M for the demo fleet's
 * 23 months, more than the rest of its history): the thinning keeps the backfill near a minute.
 */
export function zoneHours(
  model: SiteModel,
  hourlyFrom: number,
  everyHours: number,
): (hour: number) => boolean {
  const every = Math.max(1, Math.round(everyHours)) * HOUR_MS;
  return (h) => h >= hourlyFrom || (((h + model.clock.offset(h)) % every) + every) % every === 0;
}

function zonesOf(opts: HistoryOptions, h: number): number | undefined {
  return opts.zonesAt && !opts.zonesAt(h) ? 0 : opts.zones;
}

export interface HistoryBatch {
  code: string;
  entries: IngestEntry[];
  /** Metric values in the batch. */
  samples: number;
  firstTs: number;
  lastTs: number;
}

function resetsAt(events: HistoryEvents, h: number): CounterMetric[] {
  if (events.resets.length === 0) return [];
  const out: CounterMetric[] = [];
  for (const r of events.resets) if (r.at === h) out.push(r.metric);
  return out;
}

function silentAt(events: HistoryEvents, h: number): boolean {
  for (const o of events.outages) if (h >= o.from && h < o.to) return true;
  return false;
}

/** The hours a history from `state` covers: after state.ts (and at it, with includeStart), before `to`. */
function* hours(state: SiteState, to: number, includeStart: boolean): Generator<number> {
  let h = includeStart ? ceilHour(state.ts) : ceilHour(state.ts + 1);
  for (; h < to; h += HOUR_MS) yield h;
}

/**
 * Hourly history batches from `state` up to (excluding) `to`. Entries are time-ordered; batches end at a
 * local midnight unless a single day exceeds `maxSamples`. Returns the state at the last hour.
 */
export function* historyBatches(
  model: SiteModel,
  state: SiteState,
  to: number,
  opts: HistoryOptions = {},
): Generator<HistoryBatch, SiteState, void> {
  const max = opts.maxSamples ?? DEFAULT_MAX_BATCH_SAMPLES;
  if (max < 1) throw new RangeError('maxSamples must be at least 1');
  const events = opts.events ?? NO_EVENTS;
  const tz = model.clock;
  let batch: IngestEntry[] = [];
  let batchSamples = 0;
  let day: IngestEntry[] = [];
  let daySamples = 0;
  const out: HistoryBatch[] = [];
  const emit = () => {
    out.push({
      code: model.code,
      entries: batch,
      samples: batchSamples,
      firstTs: batch[0]!.ts as number,
      lastTs: batch[batch.length - 1]!.ts as number,
    });
    batch = [];
    batchSamples = 0;
  };
  /** Moves the finished day into the batch, emitting the batch first when the day does not fit. */
  const closeDay = () => {
    if (daySamples === 0) return;
    if (batchSamples + daySamples > max && batchSamples > 0) emit();
    if (daySamples <= max) {
      for (const e of day) batch.push(e);
      batchSamples += daySamples;
    } else {
      // A day larger than a batch (tiny maxSamples): split it entry by entry.
      for (const e of day) {
        const n = countSamples([e]);
        if (batchSamples + n > max && batchSamples > 0) emit();
        batch.push(e);
        batchSamples += n;
      }
    }
    day = [];
    daySamples = 0;
  };

  let s = state;
  for (const h of hours(state, to, opts.includeStart ?? false)) {
    if ((h + tz.offset(h)) % 86_400_000 === 0) closeDay();
    while (out.length) yield out.shift()!;
    if (h !== s.ts) s = advance(model, s, h, resetsAt(events, h));
    if (silentAt(events, h)) continue;
    const select = opts.select ? opts.select(h) : 'all';
    if (select === null) continue;
    const entries = historyEntries(model, s, { zones: zonesOf(opts, h), select });
    for (const e of entries) day.push(e);
    daySamples += countSamples(entries);
  }
  closeDay();
  if (batchSamples > 0) emit();
  while (out.length) yield out.shift()!;
  return s;
}

/**
 * Advances hourly like historyBatches (same arithmetic, no samples) and returns the states at the given
 * hours (each must be one of the history's hours) and at the last hour before `to`.
 */
export function fastForward(
  model: SiteModel,
  state: SiteState,
  to: number,
  opts: Pick<HistoryOptions, 'includeStart' | 'events'> & { at?: readonly number[] } = {},
): { end: SiteState; at: Map<number, SiteState> } {
  const events = opts.events ?? NO_EVENTS;
  const wanted = new Set(opts.at ?? []);
  const at = new Map<number, SiteState>();
  let s = state;
  for (const h of hours(state, to, opts.includeStart ?? false)) {
    if (h !== s.ts) s = advance(model, s, h, resetsAt(events, h));
    if (wanted.has(h)) at.set(h, s);
  }
  return { end: s, at };
}

/** Metric values the history from `state` to `to` will contain (for progress displays). */
export function countHistorySamples(
  model: SiteModel,
  state: SiteState,
  to: number,
  opts: HistoryOptions = {},
): number {
  const events = opts.events ?? NO_EVENTS;
  let n = 0;
  for (const h of hours(state, to, opts.includeStart ?? false)) {
    if (silentAt(events, h)) continue;
    const select = opts.select ? opts.select(h) : 'all';
    if (select !== null) n += historySamplesAt(model, h, { zones: zonesOf(opts, h), select });
  }
  return n;
}

/** One part of a site's history plan: a generator's start state, end and selection. */
export interface HistoryPart {
  /** Posting priority: all sites' parts of a lower phase go first. */
  phase: number;
  label: string;
  from: SiteState;
  includeStart: boolean;
  to: number;
  select?: (hour: number) => HistorySelect | null;
}

/**
 * The order in which a first start posts a site's history, so that what a newcomer looks at first arrives
 * first (the live tiles need no history at all):
 *   phase 0 — the last 24 hours, everything (today's charts);
 *   phase 1 — the facility and IT energy meters of the previous calendar year: all its rating needs to be
 *             final (coverage of both energies), and the least data that does it;
 *   phase 2 — the rest, oldest first: last year's other readings, then this year (the year of charts).
 * Every hour is posted exactly once per metric; each part is time-ordered. `start` is the state at the
 * first history hour (posted with includeStart), `end` the end of the history (now).
 */
export function planHistory(
  model: SiteModel,
  start: SiteState,
  end: number,
  lastYear: { start: number; end: number },
  events: HistoryEvents,
): { parts: HistoryPart[]; endState: SiteState } {
  const S = ceilHour(start.ts);
  const recentFrom = Math.max(S, ceilHour(end - 24 * HOUR_MS));
  const yearFrom = Math.max(S, lastYear.start);
  const yearTo = Math.min(lastYear.end, recentFrom);
  const before = (h: number) => h - HOUR_MS;
  const checkpoints = [recentFrom, yearFrom].filter((h) => h > S).map(before);
  const ff = fastForward(model, start, end, { includeStart: true, events, at: checkpoints });
  const stateBefore = (h: number): { from: SiteState; includeStart: boolean } =>
    h > S ? { from: ff.at.get(before(h))!, includeStart: false } : { from: start, includeStart: true };
  const parts: HistoryPart[] = [];
  if (recentFrom < end) parts.push({ phase: 0, label: 'the last 24 h', ...stateBefore(recentFrom), to: end });
  const split = yearFrom < yearTo;
  if (split)
    parts.push({
      phase: 1,
      label: 'last year’s energy meters',
      ...stateBefore(yearFrom),
      to: yearTo,
      select: () => 'energy',
    });
  if (S < recentFrom) {
    parts.push({
      phase: 2,
      label: 'the rest, oldest first',
      from: start,
      includeStart: true,
      to: recentFrom,
      select: split ? (h) => (h >= yearFrom && h < yearTo ? 'rest' : 'all') : undefined,
    });
  }
  return { parts, endState: ff.end };
}
