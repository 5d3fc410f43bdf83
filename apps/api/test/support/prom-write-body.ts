import { compress } from 'snappyjs';
import { WriteRequest } from '../../src/ingest/prom-write-decode';

/**
 * A sample as [value, ms]; 'stale' for Prometheus's staleness marker, made only while encoding: V8 stores an array
 * of numbers as doubles and canonicalises a NaN stored there, which would turn the marker into a plain NaN.
 */
export type PromSample = [number | 'stale', number];

/** One series: its labels (`__name__` included), samples, and optionally native histograms (opaque bytes). */
export type PromSeries = [Record<string, string>, PromSample[], Uint8Array[]?];

/** Prometheus's staleness marker (value.StaleNaN), built from its bits. */
export function staleNaN(): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, 0x7ff00000);
  v.setUint32(4, 2);
  return v.getFloat64(0);
}

/** A remote-write body as Prometheus sends it: a WriteRequest given as a plain object, encoded, snappy-compressed. */
export function encodePromWrite(request: object): Uint8Array {
  return compress(WriteRequest.encode(WriteRequest.fromObject(request)).finish());
}

/** The remote-write body of these series (and metric metadata entries). */
export function promBody(series: PromSeries[], metadata: object[] = []): Uint8Array {
  return encodePromWrite({
    timeseries: series.map(([labels, samples, histograms = []]) => ({
      labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
      samples: samples.map(([value, timestamp]) => ({
        value: value === 'stale' ? staleNaN() : value,
        timestamp,
      })),
      histograms,
    })),
    metadata,
  });
}
