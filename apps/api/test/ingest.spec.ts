import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  canonicalLabels,
  canonicalSampleLine,
  type IngestResponse,
  type SeriesResponse,
} from '@dcfleet/contracts';
import { DbHandle } from '../src/platform/database/db-handle';
import { DECODE_OFFLOAD_BYTES, IngestDecoder } from '../src/ingest/ingest-decoder.service';
import type { ReceiptPage } from '../src/receipts/receipts.types';
import { rawSamples } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const MIN = 60_000;

async function countSamples(t: TestApp): Promise<number> {
  return (await rawSamples(t)).length;
}

async function countReceipts(t: TestApp): Promise<number> {
  const db = t.app.get(DbHandle);
  if (db.dialect === 'sqlite')
    return (db.sqlite.prepare('SELECT COUNT(*) AS n FROM receipts').get() as { n: number }).n;
  const { rows } = await db.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM receipts');
  return Number(rows[0]!.n);
}

describe.each(dialects())('ingest on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  let other: string;
  const base = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000; // an hour boundary, 3 h ago

  const post = (body: unknown, secret = token, headers: Record<string, string> = {}) =>
    t.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await bootTestApp(dialect, {
      INGEST_MAX_SAMPLES: '1000',
      INGEST_MAX_BODY_BYTES: '200000',
      INGEST_DECODE_WORKERS: '1',
    });
    await t.createSite('GZ-T-01');
    await t.createSite('GZ-T-02');
    token = (await t.createToken('GZ-T-01')).token;
    other = (await t.createToken('GZ-T-02')).token;
  });
  afterAll(() => t.close());

  it('stores a valid batch, rejects bad samples individually and returns a chained receipt', async () => {
    const res = await post({
      samples: [
        { metric: 'it_power_kw', ts: new Date(base).toISOString(), value: 800 },
        { metric: 'it_power_kw', ts: base + MIN, value: -5 },
        { ts: base, values: { facility_power_kw: 1000, bogus_metric: 1 } },
        { metric: 'inlet_temp_c', ts: base, value: 24.5, labels: { zone: 'A1' } },
        { metric: 'inlet_temp_c', ts: Date.now() + 3_600_000, value: 24 },
        { metric: 'inlet_temp_c', ts: 'yesterday', value: 24 },
        { metric: 'x_fan_rpm', ts: base, value: 1200 },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    expect(body.accepted).toBe(4);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 4, 5]);
    expect(body.rejected.find((r) => r.index === 1)!.reason).toMatch(/plausible range/);
    expect(body.rejected.find((r) => r.index === 2)).toMatchObject({ metric: 'bogus_metric' });
    expect(body.rejected.find((r) => r.index === 2)!.reason).toMatch(/catalog/);
    expect(body.rejected.find((r) => r.index === 4)!.reason).toMatch(/future/);
    expect(body.receipt.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.receipt.prevHash).toBe('0'.repeat(64));

    const second = (await (
      await post({ samples: [{ metric: 'it_power_kw', ts: base + 2 * MIN, value: 810 }] })
    ).json()) as IngestResponse;
    expect(second.receipt.prevHash).toBe(body.receipt.hash);
    expect(second.receipt.seq).toBe(body.receipt.seq + 1);
  });

  it('refuses a request with no valid sample with 400 and reasons, storing nothing', async () => {
    const before = [await countSamples(t), await countReceipts(t)];
    const res = await post({
      samples: [
        { metric: 'nope', ts: base, value: 1 },
        { metric: 'it_power_kw', ts: base, value: 'x' },
      ],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { rejected: { index: number; reason: string }[] };
    expect(body.rejected).toHaveLength(2);
    expect([await countSamples(t), await countReceipts(t)]).toEqual(before);
  });

  it.each([
    ['not JSON', '{"samples": [', 400],
    ['no samples array', { data: [] }, 400],
    ['samples not an array', { samples: {} }, 400],
  ])('refuses a malformed body (%s) → %s', async (_name, body, status) => {
    const before = await countSamples(t);
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { message: string }).message).toBeTruthy();
    expect(await countSamples(t)).toBe(before);
  });

  it('authenticates: 401 without or with an unknown token, 403 for a revoked one or another site', async () => {
    const sample = { samples: [{ metric: 'it_power_kw', ts: base, value: 1 }] };
    const none = await t.request('/api/v1/ingest', { method: 'POST', json: sample });
    expect(none.status).toBe(401);
    expect((await post(sample, 'dcf_unknownunknownunknownunknown')).status).toBe(401);
    const jwt = await t.login('admin');
    expect((await post(sample, jwt)).status).toBe(401);
    expect((await post({ datacenter: 'GZ-T-01', ...sample }, other)).status).toBe(403);

    const victim = await t.createToken('GZ-T-01');
    expect((await post(sample, victim.token)).status).toBe(200);
    const del = await t.request(`/api/v1/tokens/${victim.id}`, { method: 'DELETE', token: jwt });
    expect(del.status).toBe(200);
    const before = await countSamples(t);
    const revoked = await post(
      { samples: [{ metric: 'it_power_kw', ts: base + 30 * MIN, value: 1 }] },
      victim.token,
    );
    expect(revoked.status).toBe(403);
    expect(await countSamples(t)).toBe(before);
  });

  it('enforces content type, body size and sample count limits (415, 413)', async () => {
    const res415 = await t.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(res415.status).toBe(415);
    const many = {
      samples: Array.from({ length: 1001 }, (_, i) => ({
        metric: 'it_power_kw',
        ts: base - i * MIN,
        value: 1,
      })),
    };
    expect((await post(many)).status).toBe(413);
    const big = JSON.stringify({
      samples: [{ metric: 'x_blob', ts: base, value: 1, labels: { a: 'x'.repeat(64) } }],
      pad: 'y'.repeat(250_000),
    });
    expect((await post(big)).status).toBe(413);
    const bomb = gzipSync(Buffer.from(big));
    const gz = await t.request('/api/v1/ingest', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        authorization: `Bearer ${token}`,
      },
      body: bomb,
    });
    expect(gz.status).toBe(413);
  });

  it('accepts gzip bodies', async () => {
    const body = gzipSync(
      Buffer.from(JSON.stringify({ samples: [{ metric: 'outdoor_temp_c', ts: base, value: 12.5 }] })),
    );
    const res = await t.request('/api/v1/ingest', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        authorization: `Bearer ${token}`,
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as IngestResponse).accepted).toBe(1);
  });

  it('returns the original receipt for a retried Idempotency-Key without storing twice', async () => {
    const batch = { samples: [{ metric: 'ups_load_pct', ts: base, value: 40 }] };
    const a = (await (await post(batch, token, { 'idempotency-key': 'batch-42' })).json()) as IngestResponse;
    const receipts = await countReceipts(t);
    const b = (await (await post(batch, token, { 'idempotency-key': 'batch-42' })).json()) as IngestResponse;
    expect(b).toEqual(a);
    expect(await countReceipts(t)).toBe(receipts);
  });

  it('keeps last write wins and corrects the rollups', async () => {
    const h = base + 3_600_000;
    await post({
      samples: [0, 1, 2].map((i) => ({ metric: 'cooling_power_kw', ts: h + i * MIN, value: 100 })),
    });
    await t.flush();
    await post({ samples: [{ metric: 'cooling_power_kw', ts: h + MIN, value: 400 }] });
    await t.flush();
    const admin = await t.login('admin');
    const res = await t.request(
      `/api/v1/datacenters/GZ-T-01/series?metric=cooling_power_kw&step=1h&from=${h}&to=${h + 3_600_000}`,
      { token: admin },
    );
    const body = (await res.json()) as SeriesResponse;
    expect(body.series[0]!.points[0]).toMatchObject({ avg: 200, min: 100, max: 400 });
    const minute = await t.request(
      `/api/v1/datacenters/GZ-T-01/series?metric=cooling_power_kw&step=1m&from=${h}&to=${h + 4 * MIN}`,
      { token: admin },
    );
    const mb = (await minute.json()) as SeriesResponse;
    // The fourth minute has no sample: it is left out, not a null point.
    expect(mb.series[0]!.points.map((p) => [Date.parse(p.t) - h, p.avg])).toEqual([
      [0, 100],
      [MIN, 400],
      [2 * MIN, 100],
    ]);
  });

  it('recomputes several series and minutes at once from the raw samples, each from its own rows', async () => {
    const h = base + 4 * MIN; // minutes 4-5 of the first hour, unused by the other tests
    const zones = ['R1', 'R2', 'R3'];
    const at = (z: number, m: number, s: number, value: number) => ({
      metric: 'relative_humidity_pct',
      labels: { zone: zones[z]! },
      ts: h + m * MIN + s * 1000,
      value,
    });
    const first = [];
    for (let z = 0; z < 3; z++)
      for (let m = 0; m < 2; m++) first.push(at(z, m, 0, 30 + z), at(z, m, 30, 32 + z));
    expect((await post({ samples: first })).status).toBe(200);
    await t.flush();
    // R1 and R3 get one sample replaced in each minute: four minute buckets to recompute, two per minute; R2 and
    // the rows of the other series in those minutes must not leak into them.
    const fix = [at(0, 0, 30, 40), at(0, 1, 30, 41), at(2, 0, 0, 50), at(2, 1, 0, 51)];
    expect((await post({ samples: fix })).status).toBe(200);
    await t.flush();
    const admin = await t.login('admin');
    const res = await t.request(
      `/api/v1/datacenters/GZ-T-01/series?metric=relative_humidity_pct&step=1m&from=${h}&to=${h + 2 * MIN}`,
      { token: admin },
    );
    const byZone = Object.fromEntries(
      ((await res.json()) as SeriesResponse).series.map((x) => [
        x.labels.zone,
        x.points.map((p) => [p.min, p.max, p.avg]),
      ]),
    );
    expect(byZone).toEqual({
      R1: [
        [30, 40, 35],
        [30, 41, 35.5],
      ],
      R2: [
        [31, 33, 32],
        [31, 33, 32],
      ],
      R3: [
        [34, 50, 42],
        [34, 51, 42.5],
      ],
    });
  });

  it('folds a late sample that lands inside a stored hour by recomputing that hour (a refused merge)', async () => {
    const h = base + 2 * 3_600_000;
    const metric = 'x_pump_starts_total'; // a custom counter
    await post({
      samples: [
        { metric, ts: h, value: 100 },
        { metric, ts: h + 2 * MIN, value: 130 },
      ],
    });
    await t.flush();
    // Minute 1 is new (its minute bucket merges), but the stored hour already spans minutes 0-2: the hour merge
    // is refused and the hour recomputed from its minutes. Merged blindly, or left alone, the hour would be wrong.
    await post({ samples: [{ metric, ts: h + MIN, value: 110 }] });
    await t.flush();
    const admin = await t.login('admin');
    const res = await t.request(
      `/api/v1/datacenters/GZ-T-01/series?metric=${metric}&step=1h&from=${h}&to=${h + 3_600_000}`,
      { token: admin },
    );
    const point = ((await res.json()) as SeriesResponse).series[0]!.points[0]!;
    expect(point).toMatchObject({ min: 100, max: 130, increase: 30 });
    expect(point.avg).toBeCloseTo(340 / 3, 9);
  });

  it('decodes large bodies on the decoder thread with the same answers, refusals and receipts', async () => {
    // 1000 samples (~80 kB) are past DECODE_OFFLOAD_BYTES: JSON.parse and validation run on the decoder thread.
    const samples: unknown[] = Array.from({ length: 998 }, (_, i) => ({
      metric: 'inlet_temp_c',
      labels: { zone: `Z${i}` },
      ts: base + 150 * MIN,
      value: 20 + (i % 10),
    }));
    samples.push({ metric: 'inlet_temp_c', labels: { zone: 'Z1' }, ts: base + 150 * MIN, value: 60 }); // wins
    samples.push({ metric: 'inlet_temp_c', ts: 'never', value: 1 }); // rejected
    const raw = JSON.stringify({ samples });
    expect(Buffer.byteLength(raw)).toBeGreaterThan(DECODE_OFFLOAD_BYTES);
    const before = await countSamples(t);
    const res = await post(raw);
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    expect(body.accepted).toBe(999);
    expect(body.rejected).toEqual([{ index: 999, reason: expect.stringMatching(/"ts"/) as string }]);
    expect(t.app.get(IngestDecoder).running).toBe(1);
    expect(await countSamples(t)).toBe(before + 998); // the earlier Z1 sample lost to the later one

    // The content hash covers exactly the kept samples, in order: recomputable from the batch.
    // Each (series, ts) keeps its last occurrence, at that occurrence's place in the batch.
    const kept = [samples[0], ...samples.slice(2, 999)] as {
      labels: Record<string, string>;
      ts: number;
      value: number;
    }[];
    const lines = kept.map((x) =>
      canonicalSampleLine('inlet_temp_c', canonicalLabels(x.labels), x.ts, x.value),
    );
    const admin = await t.login('admin');
    const receipts = (await (
      await t.request('/api/v1/datacenters/GZ-T-01/receipts?limit=1', { token: admin })
    ).json()) as ReceiptPage;
    expect(receipts.receipts[0]!.contentHash).toBe(createHash('sha256').update(lines.join('')).digest('hex'));

    const pad = 'x'.repeat(DECODE_OFFLOAD_BYTES);
    const broken = await post(`{"pad":"${pad}","samples":[`);
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { message: string }).message).toMatch(/not valid JSON/);
    const notOurs = await post({ datacenter: 'GZ-T-02', pad, samples: samples.slice(0, 10) });
    expect(notOurs.status).toBe(403);
    const tooMany = await post({ samples: [...samples, ...samples.slice(0, 2)] });
    expect(tooMany.status).toBe(413);
    const noneValid = await post({ pad, samples: [{ metric: 'nope', ts: base, value: 1 }] });
    expect(noneValid.status).toBe(400);
    expect(((await noneValid.json()) as { rejected: unknown[] }).rejected).toHaveLength(1);
    expect(await countSamples(t)).toBe(before + 998);
  });

  it('answers 429 with Retry-After when a site exceeds its rate', async () => {
    const limited = await bootTestApp(dialect, { INGEST_RATE_LIMIT: '10' });
    try {
      await limited.createSite('GZ-RL-01');
      const tk = (await limited.createToken('GZ-RL-01')).token;
      const batch = {
        samples: Array.from({ length: 8 }, (_, i) => ({
          metric: 'it_power_kw',
          ts: base + i * MIN,
          value: 1,
        })),
      };
      const send = () =>
        limited.request('/api/v1/ingest', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tk}` },
          body: JSON.stringify(batch),
        });
      expect((await send()).status).toBe(200);
      const res = await send();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);

      // A batch larger than one second's budget is not refused forever: it goes in once the bucket is full
      // again, and the debt it leaves shows in the next refusal's Retry-After.
      await limited.createSite('GZ-RL-02');
      const tk2 = (await limited.createToken('GZ-RL-02')).token;
      const big = (from: number) =>
        limited.request('/api/v1/ingest', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tk2}` },
          body: JSON.stringify({
            samples: Array.from({ length: 35 }, (_, i) => ({
              metric: 'it_power_kw',
              ts: base + (from + i) * MIN,
              value: 1,
            })),
          }),
        });
      expect((await big(0)).status).toBe(200);
      const refused = await big(100);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(3); // 25 in debt + 10 to refill
    } finally {
      await limited.close();
    }
  });
});
