/**
 * Test-only helpers (excluded from the library build): generate raw samples, roll them up into
 * DailyBucket per local day the way the API's ingest rollup does, and integrate raw samples directly so
 * that tests compare the bucket-based results with ground truth computed from the samples themselves.
 */
import { localDayStart, nextLocalDayStart } from '../calendar';
import { REPLACEMENT_MAX_RATIO, type DailyBucket } from '../energy';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 24 * HOUR;

export interface Sample {
  ts: number;
  value: number;
}

/** Timestamps from `from` (inclusive) to `to` (exclusive) every `stepMs`. */
export function steps(from: number, to: number, stepMs: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += stepMs) out.push(t);
  return out;
}

/** Gauge samples: value = valueAt(ts). */
export function gaugeSamples(timestamps: readonly number[], valueAt: (ts: number) => number): Sample[] {
  return timestamps.map((ts) => ({ ts, value: valueAt(ts) }));
}

export interface MeterOptions {
  /** Reading of the first sample. */
  startReading?: number;
  /** Meter replaced: at the first sample at or after each instant, the new meter has counted from 0. */
  replacedAt?: readonly number[];
}

/** Energy consumed between two instants, kWh. */
export type Consumption = (fromTs: number, toTs: number) => number;

/** Constant load: kW × hours. */
export function constantKw(kw: number): Consumption {
  return (fromTs, toTs) => (kw * (toTs - fromTs)) / HOUR;
}

/**
 * Counter samples: each reading adds the energy consumed since the previous sample, so leaving samples
 * out (outages) never loses energy, as with a real meter. Tests sum `consumption` by hand for the
 * expected energy.
 */
export function meterSamples(
  timestamps: readonly number[],
  consumption: Consumption,
  options: MeterOptions = {},
): Sample[] {
  const pending = [...(options.replacedAt ?? [])].sort((a, b) => a - b);
  let reading = options.startReading ?? 0;
  return timestamps.map((ts, i) => {
    if (i > 0) {
      if (pending.length > 0 && ts >= pending[0]) {
        while (pending.length > 0 && ts >= pending[0]) pending.shift();
        reading = 0;
      }
      reading += consumption(timestamps[i - 1], ts);
    }
    return { ts, value: reading };
  });
}

/** Roll samples up into local-day buckets (count/sum/min/max/first/last, increase by the meter rule). */
export function rollupDaily(samples: readonly Sample[], timeZone: string): DailyBucket[] {
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  const out: DailyBucket[] = [];
  let current: DailyBucket | undefined;
  for (const s of sorted) {
    // Calendar calls only when leaving the current day (they are slow: Intl per call).
    if (!current || s.ts >= current.end || s.ts < current.bucket) {
      current = {
        bucket: localDayStart(s.ts, timeZone),
        end: nextLocalDayStart(s.ts, timeZone),
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
        first: s.value,
        firstTs: s.ts,
        last: s.value,
        lastTs: s.ts,
        increase: 0,
        resets: 0,
        glitchDrop: 0,
      };
      out.push(current);
    } else if (s.value >= current.last) {
      current.increase += s.value - current.last;
    } else if (s.value <= current.last * REPLACEMENT_MAX_RATIO) {
      current.increase += s.value; // replacement: the new meter counted from 0
      current.resets += 1;
    } else {
      current.increase += s.value - current.last; // glitch: given back when readings recover
      current.glitchDrop! += current.last - s.value;
    }
    current.count += 1;
    current.sum += s.value;
    current.min = Math.min(current.min, s.value);
    current.max = Math.max(current.max, s.value);
    current.last = s.value;
    current.lastTs = s.ts;
  }
  return out;
}

/**
 * Ground truth for power: trapezoid integral of raw samples, kWh, over the links whose later sample is
 * in [start, end) and which are no longer than maxGapMs.
 */
export function trapezoidKwh(
  samples: readonly Sample[],
  start: number,
  end: number,
  maxGapMs: number,
): number {
  let kwh = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (b.ts >= start && b.ts < end && b.ts - a.ts <= maxGapMs)
      kwh += ((a.value + b.value) / 2) * ((b.ts - a.ts) / HOUR);
  }
  return kwh;
}
