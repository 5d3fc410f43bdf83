import { createHash } from 'node:crypto';
import {
  canonicalSampleLine,
  isCatalogMetric,
  metricDefinition,
  normalizeEntries,
  type IngestRejection,
  type MetricKind,
  type SampleLimits,
} from '@dcfleet/contracts';
import { parseLineProtocol, type Precision } from '@dcfleet/line-protocol';

/** One distinct series of a batch, as the ingest needs it to create the series. */
export interface DecodedSeries {
  metric: string;
  labelKey: string;
  kind: MetricKind;
}

/**
 * A validated batch, columnar, with everything that needs no database: what the ingest decoder (a worker thread)
 * hands the main thread. Earlier duplicates of a (series, ts) are already dropped (the last one wins).
 */
export interface DecodedBatch {
  /**
   * The distinct series: metric + canonical labels (the series registry's per-site key). Strings only, few
   * objects: this crosses from the decoder thread, and each object and string costs the receiver to rebuild.
   */
  seriesKeys: string[];
  /** Per series: length of the metric name within its key (see seriesOf). */
  metricLength: Int32Array;
  /** Per kept sample: index into `seriesKeys`. */
  seriesIndex: Int32Array;
  ts: Float64Array;
  values: Float64Array;
  /** Valid samples in the request, in-batch duplicates included (the receipt's `accepted`). */
  accepted: number;
  rejected: IngestRejection[];
  minTs: number;
  maxTs: number;
  /** SHA-256 of the canonical lines of the kept samples (receipt content hash). */
  contentHash: string;
}

/** Why a request was refused before any storage: status, message and, for "no valid sample", the reasons. */
export interface DecodeRefusal {
  status: 400 | 413;
  message: string;
  rejected?: IngestRejection[];
}

export type DecodeOutcome = { batch: DecodedBatch } | { refusal: DecodeRefusal };

export interface DecodeLimits extends SampleLimits {
  maxSamples: number;
}

function tooMany(max: number): { refusal: DecodeRefusal } {
  return {
    refusal: { status: 413, message: `more than INGEST_MAX_SAMPLES (${max}) samples in one request` },
  };
}

/** Validates entries (JSON `samples` or line-protocol points) and builds the columnar batch. */
export function decodeEntries(entries: readonly unknown[], limits: DecodeLimits): DecodeOutcome {
  if (entries.length > limits.maxSamples) return tooMany(limits.maxSamples);
  const norm = normalizeEntries(entries, limits);
  if (norm.samples.length > limits.maxSamples) return tooMany(limits.maxSamples);
  const rejected = norm.rejected;
  const all = norm.samples;
  if (all.length === 0) {
    return { refusal: { status: 400, message: 'no valid sample in the batch', rejected } };
  }
  const seriesKeys: string[] = [];
  const metricLengths: number[] = [];
  // Label key, then metric: both strings are shared between samples of a series (labels canonicalised once per
  // labels object), so the lookups hash no fresh string per sample.
  const indexOf = new Map<string, Map<string, number>>();
  const ref = new Int32Array(all.length);
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    let byMetric = indexOf.get(s.labelKey);
    if (!byMetric) indexOf.set(s.labelKey, (byMetric = new Map()));
    let k = byMetric.get(s.metric);
    if (k === undefined) {
      k = seriesKeys.length;
      seriesKeys.push(s.labelKey ? s.metric + s.labelKey : s.metric);
      metricLengths.push(s.metric.length);
      byMetric.set(s.metric, k);
    }
    ref[i] = k;
  }
  const keep = lastWins(ref, seriesKeys.length, all);
  const n = keep ? keep.length : all.length;
  const seriesIndex = new Int32Array(n);
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  const hash = createHash('sha256');
  let lines = '';
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (let j = 0; j < n; j++) {
    const i = keep ? keep[j]! : j;
    const s = all[i]!;
    seriesIndex[j] = ref[i]!;
    ts[j] = s.ts;
    values[j] = s.value;
    if (s.ts < minTs) minTs = s.ts;
    if (s.ts > maxTs) maxTs = s.ts;
    lines += canonicalSampleLine(s.metric, s.labelKey, s.ts, s.value);
    // Hash in slices: one huge concatenated string costs more to flatten than a few update() calls.
    if (lines.length > 65_536) {
      hash.update(lines);
      lines = '';
    }
  }
  hash.update(lines);
  return {
    batch: {
      seriesKeys,
      metricLength: Int32Array.from(metricLengths),
      seriesIndex,
      ts,
      values,
      accepted: all.length,
      rejected,
      minTs,
      maxTs,
      contentHash: hash.digest('hex'),
    },
  };
}

/** Series `k` of a batch, split back out of its key. */
export function seriesOf(batch: DecodedBatch, k: number): DecodedSeries {
  const key = batch.seriesKeys[k]!;
  const metric = key.slice(0, batch.metricLength[k]);
  return { metric, labelKey: key.slice(metric.length), kind: metricDefinition(metric)!.kind };
}

/** A JSON ingest body, `{ "datacenter"?: code, "samples": [...] }`: malformed, or its site claim and samples. */
export type JsonDecodeOutcome = { malformed: string } | { datacenter: unknown; decoded: DecodeOutcome };

/** Parses and validates a JSON ingest body (everything the API checks before it needs the database). */
export function decodeJsonBody(text: string, limits: DecodeLimits): JsonDecodeOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { malformed: `body is not valid JSON: ${(err as Error).message}` };
  }
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    !Array.isArray((parsed as { samples?: unknown }).samples)
  ) {
    return { malformed: 'body must be an object with a "samples" array' };
  }
  const body = parsed as { samples: unknown[]; datacenter?: unknown };
  return { datacenter: body.datacenter, decoded: decodeEntries(body.samples, limits) };
}

/**
 * A line-protocol body: nothing usable in it (`empty`, the reason), or its batch with what InfluxDB clients are
 * told was dropped: `problems`, unparsable lines and non-numeric fields first, then refused samples, each naming
 * its line. For a batch refused outright (no valid sample), `problems` says why line by line.
 */
export type LineDecodeOutcome = { empty: string } | { problems: string[]; decoded: DecodeOutcome };

/**
 * Parses and validates an InfluxDB line-protocol body (POST /api/v1/write). A numeric field is a sample of the
 * catalog metric of that name, or else of `<measurement>_<field>`; a point without a timestamp takes `limits.now`.
 */
export function decodeLineBody(text: string, precision: Precision, limits: DecodeLimits): LineDecodeOutcome {
  const parsed = parseLineProtocol(text, precision);
  const entries: { metric: string; value: number; ts: number; labels: Record<string, string> }[] = [];
  const lineOf: number[] = [];
  const problems = parsed.errors.map((e) => `line ${e.line}: ${e.reason}`);
  for (const p of parsed.points) {
    for (const field in p.fields) {
      const value = p.fields[field];
      if (typeof value !== 'number') {
        problems.push(`line ${p.line}: field "${field}" is not numeric`);
        continue;
      }
      const metric = isCatalogMetric(field) ? field : `${p.measurement}_${field}`;
      entries.push({ metric, value, ts: p.timestampMs ?? limits.now, labels: p.tags });
      lineOf.push(p.line);
    }
  }
  if (entries.length === 0) {
    return { empty: problems.length ? problems.slice(0, 20).join('; ') : 'no points in body' };
  }
  const decoded = decodeEntries(entries, limits);
  const rejected = 'batch' in decoded ? decoded.batch.rejected : (decoded.refusal.rejected ?? []);
  for (const r of rejected) problems.push(`line ${lineOf[r.index]}: ${r.reason}`);
  return { problems, decoded };
}

/** What a body is: a JSON batch (POST /api/v1/ingest) or line protocol with its precision (POST /api/v1/write). */
export type BodyFormat = { kind: 'json' } | { kind: 'line'; precision: Precision };

/** Decodes a body of either format (what the decoder thread runs). */
export function decodeBody(
  text: string,
  format: BodyFormat,
  limits: DecodeLimits,
): JsonDecodeOutcome | LineDecodeOutcome {
  return format.kind === 'line'
    ? decodeLineBody(text, format.precision, limits)
    : decodeJsonBody(text, limits);
}

/**
 * Within one batch the last sample for a (series, ts) wins, as across batches. Returns the indices to keep,
 * or undefined when there is no duplicate (the common case, checked with numeric keys only).
 */
function lastWins(
  refs: Int32Array,
  seriesCount: number,
  samples: readonly { ts: number }[],
): number[] | undefined {
  // Gateways mostly send one sample per series per batch, and then no (series, ts) can repeat: a byte per series
  // settles it without hashing anything.
  const once = new Uint8Array(seriesCount);
  let repeated = false;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    if (once[ref]) {
      repeated = true;
      break;
    }
    once[ref] = 1;
  }
  if (!repeated) return undefined;
  const seen = new Map<number, number | Set<number>>();
  let dup = false;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const t = samples[i]!.ts;
    const prev = seen.get(ref);
    if (prev === undefined) seen.set(ref, t);
    else if (typeof prev === 'number') {
      if (prev === t) dup = true;
      else seen.set(ref, new Set([prev, t]));
    } else if (prev.has(t)) dup = true;
    else prev.add(t);
  }
  if (!dup) return undefined;
  const last = new Map<string, number>();
  for (let i = 0; i < refs.length; i++) last.set(`${refs[i]}:${samples[i]!.ts}`, i);
  return [...last.values()].sort((a, b) => a - b);
}
