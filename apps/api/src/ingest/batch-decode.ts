import {
  canonicalLabels,
  checkLabels,
  checkValue,
  isCatalogMetric,
  metricDefinition,
  normalizeEntries,
  seriesKey,
  timestampProblem,
  type IngestRejection,
  type MetricKind,
  type SampleLimits,
} from '@dcfleet/contracts';
import { scanLineProtocol, type Precision } from '@dcfleet/line-protocol';
import { HashLines } from './hash-lines';

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

/** The 413 of a request over INGEST_MAX_SAMPLES, whichever format it came in. */
export function tooMany(max: number): { refusal: DecodeRefusal } {
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
      seriesKeys.push(seriesKey(s.metric, s.labelKey));
      metricLengths.push(s.metric.length);
      byMetric.set(s.metric, k);
    }
    ref[i] = k;
  }
  const n = all.length;
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = all[i]!.ts;
    values[i] = all[i]!.value;
  }
  return { batch: finishBatch(seriesKeys, metricLengths, ref, ts, values, all.length, rejected) };
}

/**
 * The columnar batch from per-sample series refs, times and values (request order): earlier duplicates of a
 * (series, ts) dropped, the kept samples hashed in order (`series key \t ts \t value \n`, canonicalSampleLine).
 */
function finishBatch(
  seriesKeys: string[],
  metricLengths: number[],
  ref: Int32Array,
  allTs: Float64Array,
  allValues: Float64Array,
  accepted: number,
  rejected: IngestRejection[],
): DecodedBatch {
  const keep = lastWins(ref, seriesKeys.length, allTs);
  const n = keep ? keep.length : allTs.length;
  const seriesIndex = keep ? new Int32Array(n) : ref;
  const ts = keep ? new Float64Array(n) : allTs;
  const values = keep ? new Float64Array(n) : allValues;
  const lines = new HashLines(seriesKeys);
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (let j = 0; j < n; j++) {
    const i = keep ? keep[j]! : j;
    const k = ref[i]!;
    const t = allTs[i]!;
    const v = allValues[i]!;
    if (keep) {
      seriesIndex[j] = k;
      ts[j] = t;
      values[j] = v;
    }
    if (t < minTs) minTs = t;
    if (t > maxTs) maxTs = t;
    lines.add(k, t, v);
  }
  return {
    seriesKeys,
    metricLength: Int32Array.from(metricLengths),
    seriesIndex,
    ts,
    values,
    accepted,
    rejected,
    minTs,
    maxTs,
    contentHash: lines.digest(),
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
  const problems: string[] = [];
  const notNumeric: string[] = [];
  // Columnar straight from the scan: the same validation, series and hash as decodeEntries on one entry per numeric
  // field, without a point, entry or sample object per field (issue #13: the decoder thread's garbage).
  const lineOf: number[] = [];
  const rejected: IngestRejection[] = [];
  const seriesKeys: string[] = [];
  const metricLengths: number[] = [];
  const indexOf = new Map<string, Map<string, number>>();
  /** Per series prefix (LinePrefix.id): its tags checked and canonicalised once. */
  const prefixes: LineSeries[] = [];
  let ref = new Int32Array(1024);
  let ts = new Float64Array(1024);
  let values = new Float64Array(1024);
  let n = 0;
  let entries = 0;
  // A field's series is created at its first valid sample: a series whose samples were all refused is not one.
  const seriesIndexOf = (tags: LineSeries, metric: string): number => {
    let byMetric = indexOf.get(tags.labelKey);
    if (!byMetric) indexOf.set(tags.labelKey, (byMetric = new Map()));
    let k = byMetric.get(metric);
    if (k === undefined) {
      k = seriesKeys.length;
      seriesKeys.push(seriesKey(metric, tags.labelKey));
      metricLengths.push(metric.length);
      byMetric.set(metric, k);
    }
    return k;
  };
  scanLineProtocol(text, precision, {
    error(line, reason) {
      problems.push(`line ${line}: ${reason}`);
    },
    line(l) {
      let tags = prefixes[l.prefix.id];
      if (!tags) {
        const reason = checkLabels(l.prefix.tags);
        tags = { reason, labelKey: reason ? '' : canonicalLabels(l.prefix.tags), fields: [] };
        prefixes[l.prefix.id] = tags;
      }
      const at = Number.isNaN(l.timestampMs) ? limits.now : l.timestampMs;
      const timeProblem = timestampProblem(at, limits);
      for (let f = 0; f < l.fieldCount; f++) {
        const key = l.fieldKeys[f]!;
        if (l.others[f] !== undefined) {
          notNumeric.push(`line ${l.line}: field "${key}" is not numeric`);
          continue;
        }
        const value = l.numbers[f]!;
        const index = entries++;
        lineOf.push(l.line);
        if (tags.reason) {
          rejected.push({ index, reason: tags.reason });
          continue;
        }
        // A prefix's lines repeat the same few field keys (the parser hands back the same strings).
        let field: LineField | undefined;
        for (const known of tags.fields) {
          if (known.key === key) {
            field = known;
            break;
          }
        }
        if (!field) {
          const metric = isCatalogMetric(key) ? key : `${l.prefix.measurement}_${key}`;
          const def = metricDefinition(metric);
          // An unknown metric takes NaN bounds, so every value goes the slow way and gets checkValue's reason.
          tags.fields.push((field = { key, metric, series: -1, min: def?.min ?? NaN, max: def?.max ?? NaN }));
        }
        // checkValue's checks, inlined for the valid case: called per sample, it boxed the value and time.
        const reason =
          value >= field.min && value <= field.max
            ? timeProblem
            : checkValue(field.metric, value, at, limits);
        if (reason) {
          rejected.push({ index, reason });
          continue;
        }
        if (n === ref.length) {
          ref = grow(ref, new Int32Array(n * 2));
          ts = grow(ts, new Float64Array(n * 2));
          values = grow(values, new Float64Array(n * 2));
        }
        if (field.series < 0) field.series = seriesIndexOf(tags, field.metric);
        ref[n] = field.series;
        ts[n] = at;
        values[n] = value;
        n++;
      }
    },
  });
  for (const p of notNumeric) problems.push(p);
  if (entries === 0) {
    return { empty: problems.length ? problems.slice(0, 20).join('; ') : 'no points in body' };
  }
  if (entries > limits.maxSamples) return { problems, decoded: tooMany(limits.maxSamples) };
  for (const r of rejected) problems.push(`line ${lineOf[r.index]}: ${r.reason}`);
  let decoded: DecodeOutcome;
  if (n === 0) decoded = { refusal: { status: 400, message: 'no valid sample in the batch', rejected } };
  else
    decoded = {
      batch: finishBatch(
        seriesKeys,
        metricLengths,
        // Exact-size copies: the batch crosses to the main thread, and a view would carry the whole buffer.
        ref.slice(0, n),
        ts.slice(0, n),
        values.slice(0, n),
        entries - rejected.length,
        rejected,
      ),
    };
  return { problems, decoded };
}

/** A series prefix of a body: its tags checked and canonicalised once, and the series of its fields. */
interface LineSeries {
  reason: string | undefined;
  labelKey: string;
  fields: LineField[];
}

/** A field key of a prefix: its metric (catalog field name, or measurement_field) and series index (-1: none yet). */
interface LineField {
  key: string;
  metric: string;
  series: number;
  /** The metric's plausible range (NaN for an unknown metric). */
  min: number;
  max: number;
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
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
function lastWins(refs: Int32Array, seriesCount: number, ts: Float64Array): number[] | undefined {
  // Gateways send one sample per series per batch, or several ticks with each series' samples in time order: either
  // way every series' times strictly increase, no (series, ts) can repeat, and one typed array settles it without
  // hashing anything.
  const lastTs = new Float64Array(seriesCount).fill(-Infinity);
  let ordered = true;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const t = ts[i]!;
    if (!(t > lastTs[ref]!)) {
      ordered = false;
      break;
    }
    lastTs[ref] = t;
  }
  if (ordered) return undefined;
  const seen = new Map<number, number | Set<number>>();
  let dup = false;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const t = ts[i]!;
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
  for (let i = 0; i < refs.length; i++) last.set(`${refs[i]}:${ts[i]}`, i);
  return [...last.values()].sort((a, b) => a - b);
}
