import { get as sparkplugNamespace } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload';

const codec = sparkplugNamespace('spBv1.0')!;

/** One metric of a payload: its name or alias (a DATA message may send the alias alone) and its number or why not. */
export interface SparkplugReading {
  name: string | null;
  /** The alias as a decimal string (a uint64 on the wire). */
  alias: string | null;
  /** The metric's own timestamp (epoch ms), or null: the payload's applies. */
  timestamp: number | null;
  reading: { value: number } | { problem: string };
}

export interface SparkplugMessage {
  timestamp: number | null;
  seq: number | null;
  metrics: SparkplugReading[];
}

/** protobufjs 6 hands out 64-bit integers as Long objects (of the copy of `long` it loaded: matched by shape). */
interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}

function isLong(v: unknown): v is LongLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { __isLong__?: unknown }).__isLong__ === true &&
    typeof (v as LongLike).low === 'number' &&
    typeof (v as LongLike).high === 'number'
  );
}

/**
 * A 64-bit integer (Long or number) as a number, or undefined when a double cannot hold it exactly (beyond ±2^53):
 * stored rounded it would be a different reading. The wire field is a uint64 whatever the metric's type, and the
 * library's own sign fix-up depends on `instanceof` against its copy of `long` (which fails in some installs), so
 * the sign comes from the metric type (`signed`), never from the Long's flag.
 */
export function exactInteger(v: unknown, signed: boolean): number | undefined {
  let n: number;
  if (isLong(v)) n = (signed ? v.high | 0 : v.high >>> 0) * 4_294_967_296 + (v.low >>> 0);
  else if (typeof v === 'number') n = v;
  else return undefined;
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * A Float metric's value: protobuf hands the float32 over widened to a double (21.3 arrives as 21.299999237…); the
 * shortest decimal that is the same float32 is what the device meant.
 */
export function float32Value(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let digits = 1; digits <= 9; digits++) {
    const d = Number(v.toPrecision(digits));
    if (Math.fround(d) === Math.fround(v)) return d;
  }
  return v;
}

/** A metric's value as a sample value, or why it is not one (strings, data sets, nulls, …). */
export function numericValue(
  metric: Pick<UMetric, 'type' | 'value'>,
): { value: number } | { problem: string } {
  const v = metric.value;
  if (v === null || v === undefined) return { problem: 'null value' };
  let n: number | undefined;
  switch (metric.type) {
    case 'Int8':
    case 'Int16':
    case 'Int32':
    case 'UInt8':
    case 'UInt16':
      n = typeof v === 'number' ? v : undefined;
      break;
    case 'UInt32':
      // The library reads UInt32 with Long.toInt(), which turns values from 2^31 up negative.
      n = typeof v === 'number' ? v >>> 0 : exactInteger(v, false);
      break;
    case 'Int64':
    case 'UInt64': {
      n = exactInteger(v, metric.type === 'Int64');
      if (n === undefined) return { problem: `${metric.type} value beyond ±2^53 cannot be stored exactly` };
      break;
    }
    case 'Float':
      n = typeof v === 'number' ? float32Value(v) : undefined;
      break;
    case 'Double':
      n = typeof v === 'number' ? v : undefined;
      break;
    case 'Boolean':
      n = v === true ? 1 : v === false ? 0 : undefined;
      break;
    case 'String':
    case 'Text':
    case 'UUID':
      return { problem: `${metric.type} value is not a number (strings are not stored)` };
    default:
      return { problem: `${metric.type} value is not a number (not stored)` };
  }
  if (n === undefined) return { problem: `malformed ${metric.type} value` };
  if (!Number.isFinite(n)) return { problem: `value of ${metric.type} must be a finite number` };
  return { value: n };
}

function idString(v: unknown): string | null {
  const n = exactInteger(v, false);
  if (n !== undefined) return String(n);
  // An alias beyond 2^53 is still an alias: keep all its bits.
  if (isLong(v)) return `${v.high >>> 0}:${v.low >>> 0}`;
  return null;
}

/** Decodes a Sparkplug B payload (protobuf); a payload that is not one gets the decoder's reason. */
export function decodeSparkplug(payload: Uint8Array): { message: SparkplugMessage } | { problem: string } {
  let p: UPayload;
  try {
    p = codec.decodePayload(payload);
  } catch (err) {
    return { problem: `payload is not a Sparkplug B protobuf: ${(err as Error).message}`.slice(0, 300) };
  }
  const metrics: SparkplugReading[] = [];
  for (const m of p.metrics ?? []) {
    const ts = m.timestamp === undefined || m.timestamp === null ? null : exactInteger(m.timestamp, false);
    metrics.push({
      name: typeof m.name === 'string' ? m.name : null,
      alias: m.alias === undefined || m.alias === null ? null : idString(m.alias),
      timestamp: ts ?? null,
      reading: ts === undefined ? { problem: 'metric timestamp out of range' } : numericValue(m),
    });
  }
  const timestamp =
    p.timestamp === undefined || p.timestamp === null ? null : exactInteger(p.timestamp, false);
  if (timestamp === undefined) return { problem: 'payload timestamp out of range' };
  const seq = p.seq === undefined || p.seq === null ? null : (exactInteger(p.seq, false) ?? null);
  return { message: { timestamp, seq, metrics } };
}

/** Encodes a payload (tests and tools that play an edge node). */
export function encodeSparkplug(payload: UPayload): Uint8Array {
  return codec.encodePayload(payload);
}
