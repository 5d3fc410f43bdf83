import {
  customMetricName,
  isCatalogMetric,
  type IngestEntry,
  type IngestRejection,
  type Labels,
} from '@dcfleet/contracts';
import protobuf from 'protobufjs';
import { uncompress } from 'snappyjs';
import {
  decodeEntries,
  tooMany,
  type DecodeLimits,
  type DecodeOutcome,
  type DecodeRefusal,
} from './batch-decode';

/**
 * Prometheus remote-write 1.0 (prompb/remote.proto, types.proto), the fields dcfleet reads. Exemplars (TimeSeries
 * field 3) are not declared, so they are skipped; native histograms are declared as bytes only to be counted and
 * refused (dcfleet stores numbers). MetricMetadata's `type` is an enum upstream: the same varint on the wire.
 */
const REMOTE_WRITE_PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest {
  repeated TimeSeries timeseries = 1;
  repeated MetricMetadata metadata = 3;
}
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated bytes histograms = 4;
}
message Label {
  string name = 1;
  string value = 2;
}
message Sample {
  double value = 1;
  int64 timestamp = 2;
}
message MetricMetadata {
  int32 type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}
`;

/** The `prometheus.WriteRequest` message type (tests encode bodies with it). */
export const WriteRequest = protobuf.parse(REMOTE_WRITE_PROTO).root.lookupType('prometheus.WriteRequest');

/** A decoded WriteRequest as protobufjs hands it out (repeated fields default to empty arrays). */
interface PromLabel {
  name: string;
  value: string;
}
interface PromSample {
  value: number;
  /** int64: a Long when protobufjs has `long` loaded, else a number. */
  timestamp: number | protobuf.Long;
}
interface PromSeries {
  labels: PromLabel[];
  samples: PromSample[];
  histograms: Uint8Array[];
}
interface PromWriteRequest {
  timeseries: PromSeries[];
  metadata: unknown[];
}

export interface PromDecodeLimits extends DecodeLimits {
  /** INGEST_MAX_BODY_BYTES: also the most a body may inflate to (checked before snappy allocates anything). */
  maxBodyBytes: number;
}

/** Samples left out without refusing anything: Prometheus staleness markers and other NaNs ("no value"). */
export interface PromSkipped {
  stale: number;
  nan: number;
}

export interface PromDecodeOutcome {
  /**
   * The batch to store (its `rejected` indexing the request's samples in order, series by series), or a refusal
   * (400 or 413, nothing stored); null when there is nothing to store and nothing wrong: a metadata-only request, or
   * one holding only staleness markers and NaNs.
   */
  decoded: DecodeOutcome | null;
  /** Each refused sample as its Prometheus series, time and reason (what the client is told; in request order). */
  problems: string[];
  skipped: PromSkipped;
}

const HISTOGRAM_REASON =
  'native histograms are not supported (dcfleet stores numbers): leave send_native_histograms off';

/**
 * Decodes a remote-write body: snappy block format, then protobuf, then every sample mapped to a dcfleet metric and
 * labels and validated like a JSON entry (decodeEntries: catalog ranges, label rules, time window, last-wins
 * duplicates, content hash). `__name__` is the metric (customMetricName: a catalog name as it is, else `x_…`);
 * the other labels are labels, except that `job` and `instance` are dropped from catalog metrics, which describe
 * the site itself (ratings, live PUE and alarms read the unlabelled series). Labels with an empty value are absent,
 * as in Prometheus.
 */
export function decodePromWrite(body: Uint8Array, limits: PromDecodeLimits): PromDecodeOutcome {
  const skipped: PromSkipped = { stale: 0, nan: 0 };
  const refuse = (refusal: DecodeRefusal): PromDecodeOutcome => ({
    decoded: { refusal },
    problems: [],
    skipped,
  });
  if (body.length === 0) {
    return refuse({
      status: 400,
      message: 'empty body: expected a snappy-compressed prometheus.WriteRequest',
    });
  }
  let raw: Uint8Array;
  try {
    raw = uncompress(body, limits.maxBodyBytes);
  } catch (err) {
    const message = (err as Error).message;
    // snappyjs reads the declared length first and refuses it before allocating: that is a size refusal.
    if (/too big/.test(message)) {
      return refuse({
        status: 413,
        message: `body inflates to more than INGEST_MAX_BODY_BYTES (${limits.maxBodyBytes} bytes)`,
      });
    }
    return refuse({ status: 400, message: `body is not snappy-compressed (block format): ${message}` });
  }
  let request: PromWriteRequest;
  try {
    request = WriteRequest.decode(raw) as unknown as PromWriteRequest;
  } catch (err) {
    return refuse({
      status: 400,
      message: `body is not a protobuf prometheus.WriteRequest: ${(err as Error).message}`,
    });
  }
  const series = request.timeseries;
  if (series.length === 0) {
    // Prometheus sends metric metadata in requests of their own (send_metadata, on by default): nothing to store.
    if (request.metadata.length > 0) return { decoded: null, problems: [], skipped };
    return refuse({ status: 400, message: 'no time series in the write request' });
  }
  let total = 0;
  for (const s of series) total += s.samples.length + s.histograms.length;
  if (total === 0) return refuse({ status: 400, message: 'no samples in the write request' });
  if (total > limits.maxSamples) return { decoded: tooMany(limits.maxSamples), problems: [], skipped };

  const entries: IngestEntry[] = [];
  /** Per entry: its position among the request's samples, and its series. */
  const positionOf: number[] = [];
  const seriesOfEntry: number[] = [];
  const rejected: IngestRejection[] = [];
  /** Per rejection of our own (not decodeEntries'): its series and time, for the problem line. */
  const ownWhere: { series: number; ts: number }[] = [];
  // Histogram buckets and per-label series repeat a name many times in a request: map each name once.
  const metricOf = new Map<string, string | undefined>();
  let position = 0;
  for (let k = 0; k < series.length; k++) {
    const s = series[k]!;
    const mapped = mapSeries(s.labels, metricOf);
    for (const sample of s.samples) {
      const at = position++;
      const value = sample.value;
      // Told apart here, off the decoded message: V8 canonicalises a NaN stored into an array of doubles, which would
      // lose the marker's bits.
      if (Number.isNaN(value)) {
        if (isStaleMarker(value)) skipped.stale++;
        else skipped.nan++;
        continue;
      }
      const ts = toMillis(sample.timestamp);
      if ('reason' in mapped) {
        rejected.push({ index: at, reason: mapped.reason });
        ownWhere.push({ series: k, ts });
        continue;
      }
      positionOf.push(at);
      seriesOfEntry.push(k);
      entries.push({ metric: mapped.metric, value, ts, labels: mapped.labels });
    }
    for (let h = 0; h < s.histograms.length; h++) {
      rejected.push({ index: position++, reason: HISTOGRAM_REASON });
      ownWhere.push({ series: k, ts: NaN });
    }
  }

  const problems: string[] = [];
  const problem = (k: number, ts: number, reason: string) =>
    `${seriesName(series[k]!.labels)}${timeOf(ts)}: ${reason}`;
  rejected.forEach((r, i) => problems.push(problem(ownWhere[i]!.series, ownWhere[i]!.ts, r.reason)));

  if (entries.length === 0) {
    if (rejected.length === 0) return { decoded: null, problems, skipped };
    return { decoded: { refusal: noValidSample(problems, rejected) }, problems, skipped };
  }
  const out = decodeEntries(entries, limits);
  const theirs = 'batch' in out ? out.batch.rejected : (out.refusal.rejected ?? []);
  for (const r of theirs) {
    const e = entries[r.index]!;
    rejected.push({ index: positionOf[r.index]!, reason: r.reason });
    problems.push(problem(seriesOfEntry[r.index]!, e.ts as number, r.reason));
  }
  // Request order, whichever check refused a sample.
  const order = rejected.map((_, i) => i).sort((a, b) => rejected[a]!.index - rejected[b]!.index);
  const allRejected = order.map((i) => rejected[i]!);
  const allProblems = order.map((i) => problems[i]!);
  if ('refusal' in out) {
    return { decoded: { refusal: noValidSample(allProblems, allRejected) }, problems: allProblems, skipped };
  }
  return { decoded: { batch: { ...out.batch, rejected: allRejected } }, problems: allProblems, skipped };
}

function noValidSample(problems: string[], rejected: IngestRejection[]): DecodeRefusal {
  return {
    status: 400,
    message: `no valid sample in the write request: ${problems.slice(0, 20).join('; ')}`,
    rejected,
  };
}

/** A series' dcfleet metric and labels, or why none of its samples can be stored. */
function mapSeries(
  labels: readonly PromLabel[],
  metricOf: Map<string, string | undefined>,
): { metric: string; labels: Labels } | { reason: string } {
  let name: string | undefined;
  // A Map, then fromEntries: a label named `__proto__` must become a key (that checkLabels refuses), not a prototype.
  const kept = new Map<string, string>();
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l.name)) return { reason: `label "${l.name.slice(0, 40)}" appears twice` };
    seen.add(l.name);
    if (l.name === '__name__') name = l.value;
    else if (l.value !== '') kept.set(l.name, l.value);
  }
  if (!name) return { reason: 'series has no __name__ label' };
  let metric = metricOf.get(name);
  if (!metricOf.has(name)) metricOf.set(name, (metric = customMetricName(name)));
  if (!metric) return { reason: `metric name "${name.slice(0, 64)}" maps to no dcfleet metric` };
  if (isCatalogMetric(metric)) {
    kept.delete('job');
    kept.delete('instance');
  }
  return { metric, labels: Object.fromEntries(kept) };
}

/** `name{label="value",…}` as Prometheus prints a series, cut short for messages. */
function seriesName(labels: readonly PromLabel[]): string {
  let name = '';
  const rest: string[] = [];
  for (const l of labels) {
    if (l.name === '__name__') name = l.value;
    else rest.push(`${l.name}=${JSON.stringify(l.value)}`);
  }
  const text = rest.length ? `${name}{${rest.join(',')}}` : name;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** ` @ <ISO time>` of a sample for messages ('' for a histogram; the number when no date can hold it). */
function timeOf(ts: number): string {
  if (Number.isNaN(ts)) return '';
  return Math.abs(ts) <= 8.64e15 ? ` @ ${new Date(ts).toISOString()}` : ` @ ${ts} ms`;
}

function toMillis(ts: number | protobuf.Long): number {
  return typeof ts === 'number' ? ts : protobuf.util.LongBits.from(ts).toNumber();
}

const bits = new DataView(new ArrayBuffer(8));

/** Prometheus's staleness marker: the NaN with bit pattern 0x7ff0000000000002 (value.StaleNaN), not any NaN. */
export function isStaleMarker(value: number): boolean {
  bits.setFloat64(0, value);
  return bits.getUint32(0) === 0x7ff00000 && bits.getUint32(4) === 2;
}
