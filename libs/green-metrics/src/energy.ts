/**
 * Energy (and coverage) of one metered series over a period, computed from the API's DAILY rollup
 * buckets (local days of the site's time zone).
 *
 * Conventions shared by counters and power gauges:
 * - A "link" is the time between two consecutive samples. With daily buckets we know two kinds: the
 *   link between one day's last sample and the next data day's first sample (exact), and the links
 *   inside a day (only their number `count - 1` and total span `lastTs - firstTs` are known).
 * - Attribution: a link — its energy AND its time — belongs to the period that contains its LATER
 *   sample. So a period's counter energy is exactly "last reading in the period minus last reading
 *   before it" (reset-aware), monthly results add up to the year, nothing is counted twice, and with
 *   regular sampling a period's covered time equals its length without waiting for the next period.
 * - Coverage = covered time / period length, where covered time is the sum of the attributed links no
 *   longer than `maxGapMs` (isolated samples cover nothing). Capped at 1 (the first link may start
 *   before the period).
 * - Gaps are the stretches between consecutive samples longer than `maxGapMs`, clipped to the period
 *   (at the period's edges, where no neighbouring sample exists, the period edge stands in for it).
 * - Pass the buckets around the period too (at least the last data bucket before it): without the
 *   previous sample, the energy between the period start and the first reading is unknown.
 */

export interface DailyBucket {
  /** Epoch ms of the local midnight that starts the bucket. */
  bucket: number;
  /** Epoch ms of the next local midnight (23 h or 25 h later on DST days). */
  end: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
  /** Counters: increase between consecutive samples INSIDE the bucket, by the meter rule (counterStep). */
  increase: number;
  /** Counters: replacements (falls to ≤ REPLACEMENT_MAX_RATIO of the previous reading) inside the bucket. */
  resets: number;
  /** Counters: how far readings fell as glitches inside the bucket (smaller falls); absent: 0. */
  glitchDrop?: number;
}

/**
 * The meter rule (docs/architecture.md, "Counters: replacements and glitches"): a counter reading that falls to at most this
 * share of the previous one is a meter replacement or rollover — the new register started from about zero, so the
 * step counts the new reading. A smaller fall is a glitch (a misread, a corrected value): the step counts as
 * negative, so when readings come back the energy is exactly last − first, and nothing is added.
 */
export const REPLACEMENT_MAX_RATIO = 0.1;

/** A replacement or glitch of a counter, for the rating's data-quality section. */
export interface MeterEvent {
  /** `exchange`: a meter exchange recorded through the API (MeterExchange), applied instead of the meter rule. */
  kind: 'replacement' | 'glitch' | 'exchange';
  /** Epoch ms: the first reading after the fall, or (`withinDay`) the start of the local day that holds it. */
  at: number;
  /** True when only the day is known (the fall lies between two readings of one day). */
  withinDay: boolean;
  /** Events of this day (within a day: replacements counted; glitches at least one, so 1). */
  count: number;
  /** Glitch: how far readings fell (within a day: in total). Replacement: null. */
  size: number | null;
  /** The readings either side of the fall, when known (not within a day). */
  before: number | null;
  after: number | null;
}

/** Half-open instant range [start, end) in epoch ms, aligned to the buckets' local days. */
export interface Period {
  start: number;
  end: number;
}

export interface Gap {
  from: number;
  to: number;
}

/** What one local day of a series contributes to its period: the walk's own bookkeeping, day by day. */
export interface DayEnergy {
  /** The day, [start, end) (a daily bucket's local midnights). */
  start: number;
  end: number;
  /** Energy booked on this day (its samples, and the link from the previous sample). */
  energyKwh: number;
  /** Part of `energyKwh` read across a gap longer than the max gap (counters): real, but of unknown time. */
  bridgedKwh: number;
  /** Where the bridged stretch booked here began (the sample before the gap); null without one. */
  bridgedSince: number | null;
  /** Time of that bridged stretch (in the period): measured, since the meter kept counting through it. */
  bridgedMs: number;
  /** Covered time booked on this day (links no longer than the max gap). */
  coveredMs: number;
}

export interface PeriodEnergy {
  /** kWh for energy meters (for another counter, e.g. water_m3, its increase in that counter's unit). */
  energyKwh: number;
  /** coveredMs / periodMs, 0..1. */
  coverage: number;
  coveredMs: number;
  periodMs: number;
  /** Stretches without samples longer than the max gap, clipped to the period, merged, ascending. */
  gaps: Gap[];
  /** Day by day: the days with samples in the period, ascending (what pairedEnergy works from). */
  days: DayEnergy[];
  /** Counter resets (meter restarted or replaced) attributed to the period. */
  resets: number;
  /** Counters: how far readings fell as glitches in the period (those falls add no energy). */
  glitchDrop: number;
  /** Counters: every replacement and glitch of the period, ascending. */
  events: MeterEvent[];
  /**
   * Counters: part of `energyKwh` read across gaps longer than the max gap (the gateway was silent, the meter kept
   * counting). That energy and its time count as measured: the stretches are in `bridged`, not in `gaps`. Always 0
   * for power gauges, whose gaps lose their energy.
   */
  bridgedKwh: number;
  /** Counters: the stretches without readings that the meter bridged, clipped to the period, merged, ascending. */
  bridged: Gap[];
  /** The max gap actually used (for gauges it may have been derived from the sampling interval). */
  maxGapMs: number;
}

export const HOUR_MS = 3_600_000;

/**
 * Default max gap for energy counters: 2 h tolerates hourly reporting with one missed reading. A longer
 * gap loses no energy (the meter bridges it) but its time counts against coverage.
 */
export const DEFAULT_COUNTER_MAX_GAP_MS = 2 * HOUR_MS;

export interface CounterEnergyOptions {
  /** Longest link counted as covered time. Default DEFAULT_COUNTER_MAX_GAP_MS. */
  maxGapMs?: number;
  /** Recorded meter exchanges of this counter: the step across each counts exactly, whatever the meter rule says. */
  exchanges?: readonly MeterExchange[];
}

/**
 * A meter exchange recorded by an admin or the site's gateway: the old meter's final reading and the new meter's
 * first, with the stored readings either side of it (`before`: the last one before the exchange, `after`: the
 * first one at or after it). The step between those two readings counts (oldFinal − before) + (after − newInitial)
 * — the old meter's last stretch plus the new meter's first — instead of what the meter rule would make of the
 * fall (a replacement counting `after`, or a glitch counting nothing).
 */
export interface MeterExchange {
  oldFinal: number;
  newInitial: number;
  before: { ts: number; value: number };
  after: { ts: number; value: number };
}

/** Energy across a recorded exchange. */
export function exchangeStep(x: MeterExchange): number {
  return x.oldFinal - x.before.value + (x.after.value - x.newInitial);
}

function exchangeEvent(x: MeterExchange): MeterEvent {
  return {
    kind: 'exchange',
    at: x.after.ts,
    withinDay: false,
    count: 1,
    size: null,
    before: x.before.value,
    after: x.after.value,
  };
}

export interface PowerEnergyOptions {
  /** Nominal reporting interval; default estimated by estimateReportingIntervalMs. */
  intervalMs?: number;
  /** Longest link that is integrated; default 2 × the reporting interval. */
  maxGapMs?: number;
}

export type MeteredInput =
  | { kind: 'counter'; buckets: readonly DailyBucket[]; options?: CounterEnergyOptions }
  | { kind: 'gauge'; buckets: readonly DailyBucket[]; options?: PowerEnergyOptions };

/**
 * One quantity measured by different series in turn within the period (a site that moved from power gauges to
 * energy meters mid-year, or back): each part counts from its `from` (a local midnight of the buckets' time zone,
 * ascending) until the next part's.
 */
export interface StitchedInput {
  kind: 'stitched';
  parts: readonly { from: number; series: MeteredInput }[];
}

export type SeriesInput = MeteredInput | StitchedInput;

/**
 * Energy of a counter series (e.g. facility_energy_kwh) over the period.
 *
 * Energy = Σ in-period buckets' `increase` + the step from the previous data bucket's last reading to
 * each in-period bucket's first reading. A step that goes down is, by the meter rule (REPLACEMENT_MAX_RATIO), a
 * replacement — the new meter started from about 0, so the step counts `next.first` — or a glitch, counted as a
 * negative step so that a misread that is later corrected adds nothing. Both are listed in `events`.
 * (A replacement meter that starts ABOVE the old reading cannot be told from consumption; the gateway
 * must report such a meter as a new series or from 0.)
 *
 * Within-day coverage approximation: a day with count ≥ 2 covers (lastTs − firstTs) when its mean
 * sample interval (lastTs − firstTs)/(count − 1) is ≤ maxGapMs, else nothing (its time becomes a gap).
 * Exact when sampling is regular; a single long hole inside an otherwise dense day is not seen.
 */
export function counterEnergy(
  buckets: readonly DailyBucket[],
  period: Period,
  options: CounterEnergyOptions = {},
): PeriodEnergy {
  const maxGapMs = options.maxGapMs ?? DEFAULT_COUNTER_MAX_GAP_MS;
  assertMaxGap(maxGapMs);
  const exchanges = options.exchanges ?? [];
  return walk(timeline(buckets, period), period, maxGapMs, {
    bridges: true,
    boundary(prev, next) {
      const x = exchanges.find((e) => e.before.ts === prev.lastTs && e.after.ts === next.firstTs);
      if (x) return { energyKwh: exchangeStep(x), resets: 0, bridges: true, events: [exchangeEvent(x)] };
      // Across a long gap the meter still knows the energy: count it (walk() books it as bridged).
      if (next.first >= prev.last) return { energyKwh: next.first - prev.last, resets: 0, bridges: true };
      const replaced = next.first <= prev.last * REPLACEMENT_MAX_RATIO;
      const event: MeterEvent = {
        kind: replaced ? 'replacement' : 'glitch',
        at: next.firstTs,
        withinDay: false,
        count: 1,
        size: replaced ? null : prev.last - next.first,
        before: prev.last,
        after: next.first,
      };
      return {
        energyKwh: replaced ? next.first : next.first - prev.last,
        resets: replaced ? 1 : 0,
        bridges: true,
        events: [event],
      };
    },
    within(b) {
      const span = b.lastTs - b.firstTs;
      const dense = b.count >= 2 && span / (b.count - 1) <= maxGapMs;
      const recorded: MeterEvent[] = [];
      let { increase, resets } = b;
      let glitchDrop = b.glitchDrop ?? 0;
      // An exchange between two readings of this day: take out what the meter rule made of the step, put in the
      // exchange's own.
      for (const x of exchanges) {
        const { before, after } = x;
        if (before.ts < b.firstTs || after.ts > b.lastTs || after.ts <= before.ts) continue;
        let ruled = after.value - before.value;
        if (after.value < before.value) {
          if (after.value <= before.value * REPLACEMENT_MAX_RATIO) {
            ruled = after.value;
            resets = Math.max(0, resets - 1);
          } else glitchDrop = Math.max(0, glitchDrop - (before.value - after.value));
        }
        increase += exchangeStep(x) - ruled;
        recorded.push(exchangeEvent(x));
      }
      const events: MeterEvent[] = [];
      const day = { at: b.bucket, withinDay: true, before: null, after: null };
      if (resets > 0) events.push({ kind: 'replacement', count: resets, size: null, ...day });
      if (glitchDrop > 1e-9) events.push({ kind: 'glitch', count: 1, size: glitchDrop, ...day });
      events.push(...recorded);
      return { energyKwh: increase, coveredMs: dense ? span : 0, dense, resets, events };
    },
  });
}

/**
 * Energy of a power gauge series (facility_power_kw, it_power_kw) over the period, for sites that report
 * only power: time integration of kW.
 *
 * Approximation from daily buckets: a day contributes its mean power × its covered time, the mean
 * taken as the trapezoid rule on an even grid, (sum − (first + last)/2) / (count − 1), rather than
 * sum/count, which over-weights the day's two end samples (0.1 % off for a daily load swing). The link
 * between consecutive days contributes its exact trapezoid (prev.last + next.first)/2 × Δt. Links longer
 * than the max gap (default 2 × the reporting interval) are NOT bridged: no energy, and the time counts
 * against coverage. A day's covered time is min(lastTs − firstTs, (count − 1) × interval) when its mean
 * interval is ≤ the max gap, else 0 — the cap keeps a day with a hole from being silently filled with
 * its mean (it overestimates such a day by one interval). Exact (= trapezoid integration of the raw
 * samples) when sampling is regular.
 */
export function powerEnergy(
  buckets: readonly DailyBucket[],
  period: Period,
  options: PowerEnergyOptions = {},
): PeriodEnergy {
  const intervalMs = options.intervalMs ?? estimateReportingIntervalMs(buckets);
  if (intervalMs !== null && !(intervalMs > 0 && Number.isFinite(intervalMs))) {
    throw new RangeError(`intervalMs must be a positive finite number, got ${intervalMs}`);
  }
  // No interval known (no day with two samples) and no explicit max gap: nothing can be integrated.
  const maxGapMs = options.maxGapMs ?? (intervalMs === null ? 0 : 2 * intervalMs);
  assertMaxGap(maxGapMs);
  return walk(timeline(buckets, period), period, maxGapMs, {
    bridges: false,
    boundary(prev, next, deltaMs) {
      const energyKwh = deltaMs <= maxGapMs ? (((prev.last + next.first) / 2) * deltaMs) / HOUR_MS : 0;
      return { energyKwh, resets: 0, bridges: false };
    },
    within(b) {
      const span = b.lastTs - b.firstTs;
      const links = b.count - 1;
      const dense = links >= 1 && span / links <= maxGapMs;
      const coveredMs = dense ? Math.min(span, intervalMs === null ? span : links * intervalMs) : 0;
      const meanKw = dense ? (b.sum - (b.first + b.last) / 2) / links : 0;
      return { energyKwh: (meanKw * coveredMs) / HOUR_MS, coveredMs, dense, resets: 0 };
    },
  });
}

/** Dispatch on the series kind (counters preferred by callers; gauges for power-only sites). */
export function periodEnergy(series: SeriesInput, period: Period): PeriodEnergy {
  if (series.kind === 'stitched') return stitchedEnergy(series, period);
  return series.kind === 'counter'
    ? counterEnergy(series.buckets, period, series.options)
    : powerEnergy(series.buckets, period, series.options);
}

/** Each part over its share of the period, laid end to end (energy, time, gaps, days and meter events). */
function stitchedEnergy(series: StitchedInput, period: Period): PeriodEnergy {
  const parts: PeriodEnergy[] = [];
  series.parts.forEach((part, i) => {
    const start = Math.max(period.start, part.from);
    const end = Math.min(period.end, series.parts[i + 1]?.from ?? Infinity);
    if (end > start) parts.push(periodEnergy(part.series, { start, end }));
  });
  const periodMs = period.end - period.start;
  const sum = (f: (e: PeriodEnergy) => number) => parts.reduce((s, e) => s + f(e), 0);
  const coveredMs = Math.min(
    periodMs,
    sum((e) => e.coveredMs),
  );
  return {
    energyKwh: sum((e) => e.energyKwh),
    coverage: coveredMs / periodMs,
    coveredMs,
    periodMs,
    gaps: mergeGaps(parts.flatMap((e) => e.gaps)),
    days: parts.flatMap((e) => e.days),
    resets: sum((e) => e.resets),
    glitchDrop: sum((e) => e.glitchDrop),
    events: parts.flatMap((e) => e.events),
    bridgedKwh: sum((e) => e.bridgedKwh),
    bridged: mergeGaps(parts.flatMap((e) => e.bridged)),
    maxGapMs: Math.max(0, ...parts.map((e) => e.maxGapMs)),
  };
}

/** Facility and IT energy over the same time (pairedEnergy). */
export interface PairedEnergy {
  /** Each series' energy over the time both measured (`energyKwh`); the rest as periodEnergy gives it. */
  facility: PeriodEnergy;
  it: PeriodEnergy;
  /** Share of the period both series measured: the time their energies cover. */
  coverage: number;
  /** Each series' own energy over the whole period, before pairing (the other KPIs' basis). */
  totals: { facilityKwh: number; itKwh: number };
}

/**
 * Facility and IT energy of one period over the SAME time, as a reportable PUE needs (ISO/IEC 30134-2: both
 * energies over the same continuous period). Each series alone books a gap its own way: a power gauge loses the
 * gap's energy, a counter books it on the day of its next reading, possibly in the next period. Divided as they
 * are, a gap on one side only skews the PUE: 14 days of facility power missing read a true 1.30 as 1.25.
 *
 * Paired day by day (local days, the daily buckets' unit): a day's common time is the lesser of the two series'
 * covered time, and each series keeps that share of the energy it measured that day. Energy a counter read
 * across a long gap has no known time: it stays only when the other series bridged the same gap too (both meters
 * kept counting while the gateway was down), else it is left out. Exact for gaps of whole days; within a day the
 * pro rata assumes an even load. Days both series covered fully are kept as they are.
 */
export function pairedEnergy(facility: SeriesInput, it: SeriesInput, period: Period): PairedEnergy {
  const f = periodEnergy(facility, period);
  const i = periodEnergy(it, period);
  const tolerance = Math.max(f.maxGapMs, i.maxGapMs);
  const byStart = (list: DayEnergy[]) => new Map(list.map((d) => [d.start, d]));
  const fDays = byStart(f.days);
  const iDays = byStart(i.days);
  let facilityKwh = 0;
  let itKwh = 0;
  let commonMs = 0;
  for (const start of [...fDays.keys()].filter((d) => iDays.has(d))) {
    const fd = fDays.get(start)!;
    const id = iDays.get(start)!;
    // Where in the day each series' covered time lies is not known (a link counts on the day of its later
    // sample), only how much: the common time is the smaller of the two.
    const common = Math.min(fd.coveredMs, id.coveredMs, fd.end - fd.start);
    const bothBridged =
      fd.bridgedSince !== null &&
      id.bridgedSince !== null &&
      Math.abs(fd.bridgedSince - id.bridgedSince) <= tolerance;
    if (bothBridged) {
      // Both meters kept counting through the same silence: its energy and its time are measured on both sides.
      facilityKwh += fd.bridgedKwh;
      itKwh += id.bridgedKwh;
      commonMs += Math.min(fd.bridgedMs, id.bridgedMs);
    }
    if (common === 0) continue;
    facilityKwh += ((fd.energyKwh - fd.bridgedKwh) * common) / fd.coveredMs;
    itKwh += ((id.energyKwh - id.bridgedKwh) * common) / id.coveredMs;
    commonMs += common;
  }
  const periodMs = period.end - period.start;
  return {
    facility: { ...f, energyKwh: facilityKwh },
    it: { ...i, energyKwh: itKwh },
    coverage: Math.min(1, commonMs / periodMs),
    totals: { facilityKwh: f.energyKwh, itKwh: i.energyKwh },
  };
}

/**
 * The whole local days of the period a counter's readings reach: from the period start when it was read before
 * the period (else from the day of its first reading) to the end of the day of its last reading in the period.
 * Null without a reading in the period. A meter installed or removed mid-period measures only this span, so a
 * ratio of its total to another energy needs that energy over the same span.
 */
export function meteredSpan(buckets: readonly DailyBucket[], period: Period): Period | null {
  const tl = timeline(buckets, period);
  const first = tl.inside[0];
  const last = tl.inside.at(-1);
  if (!first || !last) return null;
  return { start: tl.before ? period.start : first.bucket, end: Math.min(last.end, period.end) };
}

/**
 * Typical reporting interval of a series: the median over days with ≥ 2 samples of the day's mean
 * interval (lastTs − firstTs)/(count − 1). The median ignores days thinned out by outages. Null when no
 * day has two samples.
 */
export function estimateReportingIntervalMs(buckets: readonly DailyBucket[]): number | null {
  const perDay = buckets
    .filter((b) => b.count >= 2 && b.lastTs > b.firstTs)
    .map((b) => (b.lastTs - b.firstTs) / (b.count - 1))
    .sort((a, b) => a - b);
  if (perDay.length === 0) return null;
  const mid = Math.floor(perDay.length / 2);
  return perDay.length % 2 === 1 ? perDay[mid] : (perDay[mid - 1] + perDay[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------------

interface Timeline {
  /** Last data bucket entirely before the period. */
  before?: DailyBucket;
  /** Data buckets whose samples all fall in the period, ascending. */
  inside: DailyBucket[];
  /** First data bucket entirely after the period. */
  after?: DailyBucket;
}

interface SeriesModel {
  /** Counters: a stretch without readings is bridged (the meter kept counting), so its time counts as measured. */
  readonly bridges: boolean;
  boundary(
    prev: DailyBucket,
    next: DailyBucket,
    deltaMs: number,
  ): { energyKwh: number; resets: number; bridges: boolean; events?: MeterEvent[] };
  within(b: DailyBucket): {
    energyKwh: number;
    coveredMs: number;
    dense: boolean;
    resets: number;
    events?: MeterEvent[];
  };
}

function assertMaxGap(maxGapMs: number): void {
  if (!(maxGapMs >= 0 && Number.isFinite(maxGapMs))) {
    throw new RangeError(`maxGapMs must be a finite number ≥ 0, got ${maxGapMs}`);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function timeline(buckets: readonly DailyBucket[], period: Period): Timeline {
  if (!(Number.isFinite(period.start) && Number.isFinite(period.end) && period.end > period.start)) {
    throw new RangeError(`invalid period [${period.start}, ${period.end})`);
  }
  const withData = buckets.filter((b) => b.count > 0).sort((a, b) => a.bucket - b.bucket);
  const out: Timeline = { inside: [] };
  for (let i = 0; i < withData.length; i++) {
    const b = withData[i];
    if (i > 0 && b.bucket < withData[i - 1].end) {
      throw new RangeError(`overlapping daily buckets at ${iso(b.bucket)} (one series per call)`);
    }
    // Classify by the samples' own timestamps: a bucket is usable as long as its samples sit on one side
    // of each period edge. One that straddles an edge cannot be split (only its total increase is known).
    if (b.lastTs < period.start) out.before = b;
    else if (b.firstTs >= period.end) out.after ??= b;
    else if (b.firstTs >= period.start && b.lastTs < period.end) out.inside.push(b);
    else {
      throw new RangeError(
        `daily bucket ${iso(b.bucket)} straddles the period edge; periods must be aligned to the site's local days`,
      );
    }
  }
  return out;
}

function walk(tl: Timeline, period: Period, maxGapMs: number, model: SeriesModel): PeriodEnergy {
  const gaps: Gap[] = [];
  const days: DayEnergy[] = [];
  const addGap = (from: number, to: number): void => {
    if (to - from <= maxGapMs) return;
    const gap = { from: Math.max(from, period.start), to: Math.min(to, period.end) };
    if (gap.to > gap.from) gaps.push(gap);
  };
  let coveredMs = 0;
  let energyKwh = 0;
  let bridgedKwh = 0;
  let resets = 0;
  const events: MeterEvent[] = [];
  const bridged: Gap[] = [];
  /** A stretch the meter bridged: its time is measured (counted, listed apart from the gaps). */
  const bridge = (today: DayEnergy, from: number, to: number): void => {
    const start = Math.max(from, period.start);
    if (to <= start) return;
    today.bridgedMs += to - start;
    bridged.push({ from: start, to: Math.min(to, period.end) });
  };
  let prev = tl.before;
  for (const b of tl.inside) {
    const today: DayEnergy = {
      start: b.bucket,
      end: b.end,
      energyKwh: 0,
      bridgedKwh: 0,
      bridgedSince: null,
      bridgedMs: 0,
      coveredMs: 0,
    };
    if (prev) {
      const deltaMs = b.firstTs - prev.lastTs;
      const link = model.boundary(prev, b, deltaMs);
      today.energyKwh += link.energyKwh;
      resets += link.resets;
      if (link.events) events.push(...link.events);
      if (deltaMs <= maxGapMs) today.coveredMs += deltaMs;
      else if (link.bridges) {
        today.bridgedKwh += link.energyKwh;
        today.bridgedSince = prev.lastTs;
        bridge(today, prev.lastTs, b.firstTs);
      } else addGap(prev.lastTs, b.firstTs);
    } else {
      addGap(period.start, b.firstTs);
    }
    const day = model.within(b);
    today.energyKwh += day.energyKwh;
    today.coveredMs += day.coveredMs;
    resets += day.resets;
    if (day.events) events.push(...day.events);
    if (!day.dense) {
      if (b.count >= 2) {
        if (model.bridges) bridge(today, b.firstTs, b.lastTs);
        else addGap(b.firstTs, b.lastTs);
      }
      today.bridgedKwh += day.energyKwh;
      today.bridgedSince ??= b.firstTs;
    }
    energyKwh += today.energyKwh;
    bridgedKwh += today.bridgedKwh;
    coveredMs += today.coveredMs + today.bridgedMs;
    days.push(today);
    prev = b;
  }
  const last = tl.inside.at(-1);
  if (last) addGap(last.lastTs, tl.after?.firstTs ?? period.end);
  else addGap(tl.before?.lastTs ?? period.start, tl.after?.firstTs ?? period.end);

  const periodMs = period.end - period.start;
  coveredMs = Math.min(coveredMs, periodMs);
  return {
    energyKwh,
    coverage: coveredMs / periodMs,
    coveredMs,
    periodMs,
    gaps: mergeGaps(gaps),
    days,
    resets,
    glitchDrop: events.reduce((sum, e) => sum + (e.kind === 'glitch' ? e.size! : 0), 0),
    events,
    bridgedKwh,
    bridged: mergeGaps(bridged),
    maxGapMs,
  };
}

function mergeGaps(gaps: Gap[]): Gap[] {
  const sorted = [...gaps].sort((a, b) => a.from - b.from);
  const out: Gap[] = [];
  for (const g of sorted) {
    const tail = out.at(-1);
    if (tail && g.from <= tail.to) tail.to = Math.max(tail.to, g.to);
    else out.push({ ...g });
  }
  return out;
}
