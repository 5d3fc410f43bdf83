import type { TestApp } from './harness';
import { rows, type StoredSample } from './db';

/** A bucket's count and sum, keyed `series_id:bucket` (or by series alone, see perSeries). */
export type Buckets = Map<string, { count: number; sum: number }>;

/** Posts inlet temperatures of zones to /api/v1/ingest; throws unless the batch is accepted whole. */
export async function postZones(
  t: TestApp,
  token: string,
  samples: { zone: string; ts: number; value: number }[],
): Promise<void> {
  const res = await t.request('/api/v1/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      samples: samples.map((s) => ({
        metric: 'inlet_temp_c',
        ts: s.ts,
        value: s.value,
        labels: { zone: s.zone },
      })),
    }),
  });
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
}

/** The buckets of `size` ms that raw samples make. */
export function rawBuckets(raw: readonly StoredSample[], size: number): Buckets {
  const out: Buckets = new Map();
  for (const s of raw) {
    const key = `${s.seriesId}:${s.ts - (s.ts % size)}`;
    const a = out.get(key) ?? { count: 0, sum: 0 };
    a.count++;
    a.sum += s.value;
    out.set(key, a);
  }
  return out;
}

/** The buckets stored in a rollup table. */
export async function storedBuckets(t: TestApp, table: string): Promise<Buckets> {
  const stored = await rows<{
    series_id: number;
    bucket: number | string;
    count: number | string;
    sum: number;
  }>(t, `SELECT series_id, bucket, count, sum FROM ${table}`);
  return new Map(
    stored.map((r) => [`${r.series_id}:${Number(r.bucket)}`, { count: Number(r.count), sum: Number(r.sum) }]),
  );
}

/** Keys whose bucket is missing on either side or differs (count, or sum beyond 1e-6). */
export function differingBuckets(a: Buckets, b: Buckets): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => {
    const x = a.get(k);
    const y = b.get(k);
    return !x || !y || x.count !== y.count || Math.abs(x.sum - y.sum) > 1e-6;
  });
}
