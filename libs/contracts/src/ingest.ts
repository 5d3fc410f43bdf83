/** Ingest API contract (docs/contract.md "API") and the per-sample validation both the API and the simulator use. */
import { metricDefinition, type MetricKind } from './metrics';

export type Labels = Record<string, string>;

/** One entry of `POST /api/v1/ingest` as gateways send it. */
export interface IngestEntry {
  metric?: string;
  value?: number;
  values?: Record<string, number>;
  ts: string | number;
  labels?: Labels;
}

export interface IngestRequest {
  samples: IngestEntry[];
}

export interface IngestRejection {
  /** Index of the entry in `samples`. */
  index: number;
  /** Metric inside a `values` map entry, when the rejection concerns only that one. */
  metric?: string;
  reason: string;
}

export interface IngestReceiptRef {
  id: string;
  seq: number;
  hash: string;
  prevHash: string;
}

export interface IngestResponse {
  accepted: number;
  rejected: IngestRejection[];
  receipt: IngestReceiptRef;
}

export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  /** Per-sample reasons when a whole batch was refused. */
  rejected?: IngestRejection[];
}

/** A validated sample, ready to store. */
export interface NormalizedSample {
  metric: string;
  kind: MetricKind;
  /** Canonical label string: JSON of the labels with sorted keys, '' when there are none. */
  labelKey: string;
  labels: Labels;
  /** Event time, epoch milliseconds. */
  ts: number;
  value: number;
}

export const LABEL_KEY_PATTERN = /^[a-z_][a-z0-9_]{0,31}$/;
export const MAX_LABELS = 8;
export const MAX_LABEL_VALUE_LENGTH = 64;
export const MAX_FUTURE_MS = 5 * 60 * 1000;

export interface SampleLimits {
  /** Now, epoch ms. */
  now: number;
  /** Oldest accepted event time, as an age in ms. */
  maxAgeMs: number;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 string or epoch milliseconds; returns NaN when neither. */
export function parseTimestamp(ts: unknown): number {
  if (typeof ts === 'number') return Number.isFinite(ts) && Number.isInteger(ts) ? ts : NaN;
  if (typeof ts === 'string' && RFC3339.test(ts)) return Date.parse(ts);
  return NaN;
}

/**
 * A site's series key: metric + canonical labels (labels are a JSON object, so the two never run together
 * ambiguously). The API's decoder thread and its series registry must produce exactly the same key.
 */
export function seriesKey(metric: string, labelKey: string): string {
  return labelKey ? metric + labelKey : metric;
}

/** Canonical label key: sorted keys, JSON. Identical label sets always give the same series. */
export function canonicalLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  if (keys.length === 1) return '{' + JSON.stringify(keys[0]) + ':' + JSON.stringify(labels[keys[0]!]) + '}';
  // Insertion sort, the same order as sort()'s: a handful of keys, and sort() allocated ~1 kB per call (issue #13).
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0) out += ',';
    out += JSON.stringify(k) + ':' + JSON.stringify(labels[k]);
  }
  return out + '}';
}

/** Keys that mean something to JavaScript objects; stored, they make label filters ignore their own condition. */
const RESERVED_LABEL_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why `key` cannot be a label key, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  if (!LABEL_KEY_PATTERN.test(key))
    return `label key "${key.slice(0, 40)}" must match ${LABEL_KEY_PATTERN.source}`;
  if (RESERVED_LABEL_KEYS.has(key)) return `label key "${key}" is reserved`;
  return undefined;
}

/** Returns a reason when labels are invalid, otherwise undefined. */
export function checkLabels(labels: unknown): string | undefined {
  if (labels === undefined) return undefined;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels))
    return 'labels must be an object';
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) return `at most ${MAX_LABELS} labels allowed`;
  for (const k of keys) {
    const bad = labelKeyProblem(k);
    if (bad) return bad;
    const v = (labels as Record<string, unknown>)[k];
    if (typeof v !== 'string') return `label "${k}" must be a string`;
    if (v.length > MAX_LABEL_VALUE_LENGTH)
      return `label "${k}" longer than ${MAX_LABEL_VALUE_LENGTH} characters`;
  }
  return undefined;
}

/** Validates one metric/value pair at a time; returns a reason or undefined. */
export function checkValue(
  metric: string,
  value: unknown,
  ts: number,
  limits: SampleLimits,
): string | undefined {
  const def = metricDefinition(metric);
  if (!def) {
    return `unknown metric "${String(metric).slice(0, 64)}": use a catalog metric (GET /api/v1/metrics/catalog lists them) or a custom name matching ^x_[a-z0-9_]{1,60}$`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    return `value of ${metric} must be a finite number`;
  if (value < def.min || value > def.max) {
    return `value ${value} of ${metric} outside the plausible range ${def.min}..${def.max} ${def.unit}`.trim();
  }
  return timestampProblem(ts, limits);
}

/** Why a sample's time is refused (in the future, older than the backfill window), or undefined. */
export function timestampProblem(ts: number, limits: SampleLimits): string | undefined {
  if (ts > limits.now + MAX_FUTURE_MS) return 'timestamp more than 5 minutes in the future';
  if (ts < limits.now - limits.maxAgeMs) {
    return `timestamp older than the backfill window of ${Math.round(limits.maxAgeMs / 86_400_000)} days`;
  }
  return undefined;
}

export interface NormalizeResult {
  samples: NormalizedSample[];
  rejected: IngestRejection[];
  /** Number of metric/value pairs seen (a `values` map counts each metric). */
  total: number;
}

function push(
  out: NormalizeResult,
  index: number,
  metric: string,
  value: unknown,
  ts: number,
  labels: Labels,
  labelKey: string,
  limits: SampleLimits,
  inMap: boolean,
): void {
  out.total++;
  const reason = checkValue(metric, value, ts, limits);
  if (reason) {
    out.rejected.push(inMap ? { index, metric, reason } : { index, reason });
    return;
  }
  const def = metricDefinition(metric)!;
  out.samples.push({ metric, kind: def.kind, labelKey, labels, ts, value: value as number });
}

/**
 * Validates the `samples` array of an ingest request. Structural problems of one entry reject that entry
 * only; the caller decides what to do when nothing is valid.
 */
export function normalizeEntries(entries: readonly unknown[], limits: SampleLimits): NormalizeResult {
  const out: NormalizeResult = { samples: [], rejected: [], total: 0 };
  // Entries of one series often share their labels object (line protocol: every point of a series prefix):
  // validate and canonicalise each object once.
  const labelCache = new Map<object, { reason: string | undefined; key: string }>();
  for (let index = 0; index < entries.length; index++) {
    const e = entries[index] as Partial<IngestEntry> | null;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) {
      out.total++;
      out.rejected.push({ index, reason: 'sample must be an object' });
      continue;
    }
    const ts = parseTimestamp(e.ts);
    let cached = e.labels && typeof e.labels === 'object' ? labelCache.get(e.labels) : undefined;
    if (!cached) {
      const r = checkLabels(e.labels);
      cached = { reason: r, key: r ? '' : canonicalLabels((e.labels as Labels | undefined) ?? {}) };
      if (e.labels && typeof e.labels === 'object') labelCache.set(e.labels, cached);
    }
    const labelReason = cached.reason;
    const hasMetric = e.metric !== undefined;
    const hasValues = e.values !== undefined;
    let reason: string | undefined;
    if (hasMetric === hasValues) reason = 'sample needs either "metric" with "value" or a "values" map';
    else if (Number.isNaN(ts)) reason = '"ts" must be an RFC 3339 string or epoch milliseconds';
    else if (labelReason) reason = labelReason;
    else if (hasMetric && typeof e.metric !== 'string') reason = '"metric" must be a string';
    else if (hasValues && (e.values === null || typeof e.values !== 'object' || Array.isArray(e.values))) {
      reason = '"values" must be an object of metric: number';
    } else if (hasValues && Object.keys(e.values as object).length === 0) reason = '"values" is empty';
    if (reason) {
      out.total++;
      out.rejected.push({ index, reason });
      continue;
    }
    const labels: Labels = (e.labels as Labels | undefined) ?? {};
    const labelKey = cached.key;
    if (hasMetric) {
      push(out, index, e.metric as string, e.value, ts, labels, labelKey, limits, false);
    } else {
      const values = e.values as Record<string, unknown>;
      for (const metric of Object.keys(values)) {
        push(out, index, metric, values[metric], ts, labels, labelKey, limits, true);
      }
    }
  }
  return out;
}
