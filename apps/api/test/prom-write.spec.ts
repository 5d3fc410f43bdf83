/**
 * Prometheus remote-write (POST /api/v1/prom/write) with hand-built bodies (protobufjs + snappyjs): what is stored,
 * receipts like every other path, and every refusal storing nothing — on SQLite and PostgreSQL.
 */
import type { ChainVerification, ReceiptInfo, SeriesResponse } from '@dcfleet/contracts';
import { compress } from 'snappyjs';
import type { ReceiptPage } from '../src/receipts/receipts.types';
import { count, rawSamples } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { promBody, type PromSample, type PromSeries } from './support/prom-write-body';

const SITE = 'PW-01';
const MIN = 60_000;

const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
};

describe.each(dialects())('Prometheus remote-write (POST /api/v1/prom/write) on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  const base = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;

  const write = (body: Uint8Array | string, headers: Record<string, string> = {}, secret = token) =>
    t.request('/api/v1/prom/write', {
      method: 'POST',
      headers: { ...REMOTE_WRITE_HEADERS, authorization: `Bearer ${secret}`, ...headers },
      body,
    });
  const samples = async () => (await rawSamples(t)).length;
  const receipts = () => count(t, 'SELECT COUNT(*) AS n FROM receipts');
  const newestReceipt = async (): Promise<ReceiptInfo> => {
    const res = await t.request(`/api/v1/datacenters/${SITE}/receipts?limit=1`, {
      token: await t.login('regulator'),
    });
    return ((await res.json()) as ReceiptPage).receipts[0]!;
  };
  /** Asserts that `attempt` answers `status` with a message matching `message`, storing nothing. */
  async function refused(attempt: () => Promise<Response>, status: number, message: RegExp): Promise<void> {
    const before = [await samples(), await receipts()];
    const res = await attempt();
    const text = await res.text();
    expect({ status: res.status, text }).toEqual({ status, text: expect.stringMatching(message) });
    expect([await samples(), await receipts()]).toEqual(before);
  }

  beforeAll(async () => {
    t = await bootTestApp(dialect, {
      INGEST_MAX_SAMPLES: '50',
      INGEST_MAX_BODY_BYTES: '20000',
      INGEST_RATE_LIMIT: '60',
    });
    await t.createSite(SITE);
    token = (await t.createToken(SITE)).token;
  });
  afterAll(() => t?.close());

  it('stores catalog and x_ metrics with their labels, answers 204 and writes a receipt like the other paths', async () => {
    const before = await samples();
    const receiptsBefore = await receipts();
    const res = await write(
      promBody([
        [{ __name__: 'facility_power_kw', job: 'bms', instance: 'gw1:9100' }, [[1200, base]]],
        [{ __name__: 'inlet_temp_c', job: 'bms', instance: 'gw1:9100', zone: 'A1' }, [[24.5, base]]],
        [
          { __name__: 'up', job: 'node', instance: 'gw1:9100' },
          [
            [1, base],
            [1, base + 15_000],
          ],
        ],
      ]),
    );
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(await samples()).toBe(before + 4);
    expect(await receipts()).toBe(receiptsBefore + 1);
    expect(await newestReceipt()).toMatchObject({ datacenter: SITE, accepted: 4, rejected: 0 });
    const stored = (await rawSamples(t)).filter((s) => s.ts >= base && s.ts <= base + 15_000);
    expect(stored.map((s) => `${s.metric}=${s.value}`).sort()).toEqual([
      'facility_power_kw=1200',
      'inlet_temp_c=24.5',
      'x_up=1',
      'x_up=1',
    ]);

    // job/instance are dropped from catalog metrics (the site's own meters stay the unlabelled series ratings read)
    // and kept on custom ones.
    await t.flush();
    const regulator = await t.login('regulator');
    const series = async (metric: string) => {
      const r = await t.request(
        `/api/v1/datacenters/${SITE}/series?metric=${metric}&step=1m&from=${base}&to=${base + MIN}`,
        { token: regulator },
      );
      expect(r.status).toBe(200);
      return ((await r.json()) as SeriesResponse).series.map((s) => s.labels);
    };
    expect(await series('facility_power_kw')).toEqual([{}]);
    expect(await series('inlet_temp_c')).toEqual([{ zone: 'A1' }]);
    expect(await series('x_up')).toEqual([{ instance: 'gw1:9100', job: 'node' }]);

    const verify = await t.request(`/api/v1/datacenters/${SITE}/receipts/verify?deep=1`, {
      token: await t.login('admin'),
    });
    const chain = (await verify.json()) as ChainVerification;
    expect(chain).toMatchObject({ valid: true, deep: { matched: await receipts(), mismatch: 0 } });
  });

  it('takes the token as a basic-auth password (Prometheus basic_auth) too', async () => {
    const res = await write(promBody([[{ __name__: 'it_power_kw' }, [[900, base + MIN]]]]), {
      authorization: `Basic ${Buffer.from(`prometheus:${token}`).toString('base64')}`,
    });
    expect(res.status).toBe(204);
  });

  it('skips staleness markers and NaNs (counted in /metrics) without refusing; markers alone answer 204', async () => {
    const before = await samples();
    const res = await write(
      promBody([
        [
          { __name__: 'ups_load_pct' },
          [
            [40, base + 2 * MIN],
            ['stale', base + 3 * MIN],
          ],
        ],
        [{ __name__: 'x_ratio' }, [[NaN, base + 2 * MIN]]],
      ]),
    );
    expect(res.status).toBe(204);
    expect(await samples()).toBe(before + 1);

    const receiptsBefore = await receipts();
    expect((await write(promBody([[{ __name__: 'up', job: 'gone' }, [['stale', base]]]]))).status).toBe(204);
    // Prometheus sends metric metadata in requests of their own.
    expect((await write(promBody([], [{ type: 1, metricFamilyName: 'up', help: 'up' }]))).status).toBe(204);
    expect(await samples()).toBe(before + 1);
    expect(await receipts()).toBe(receiptsBefore);

    const metrics = await (await t.request('/metrics', { token: await t.login('admin') })).text();
    expect(metrics).toMatch(/^dcfleet_ingest_samples_skipped_total\{reason="stale"\} 2$/m);
    expect(metrics).toMatch(/^dcfleet_ingest_samples_skipped_total\{reason="nan"\} 1$/m);
    expect(metrics).toMatch(/^dcfleet_ingest_requests_total\{endpoint="prom",status="204"\} \d+$/m);
  });

  it('a partial write stores the valid samples and answers 400 naming the refused ones, with the receipt', async () => {
    const before = await samples();
    const res = await write(
      promBody([
        [
          { __name__: 'ups_load_pct' },
          [
            [45, base + 4 * MIN],
            [400, base + 5 * MIN],
          ],
        ],
        [{ __name__: 'x_temp', Zone: 'A' }, [[1, base + 4 * MIN]]],
      ]),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      message: string;
      accepted: number;
      rejected: unknown[];
      receipt: unknown;
    };
    expect(body.message).toMatch(
      /^partial write: 1 sample\(s\) stored, 2 refused: ups_load_pct @ .*plausible range/,
    );
    expect(body.message).toContain('x_temp{Zone="A"}');
    expect(body).toMatchObject({ accepted: 1, rejected: [{ index: 1 }, { index: 2 }] });
    expect(body.receipt).toEqual(
      expect.objectContaining({ seq: expect.any(Number), hash: expect.any(String) }),
    );
    expect(await samples()).toBe(before + 1);
    expect(await newestReceipt()).toMatchObject({ accepted: 1, rejected: 2 });
  });

  it('refuses bodies that are not snappy, not a WriteRequest, empty or without a valid sample (400); nothing stored', async () => {
    await refused(() => write(Buffer.from('up 1')), 400, /not snappy-compressed/);
    await refused(
      () => write(compress(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2))),
      400,
      /not a protobuf prometheus.WriteRequest/,
    );
    await refused(() => write(new Uint8Array()), 400, /empty body/);
    await refused(() => write(promBody([])), 400, /no time series/);
    await refused(() => write(promBody([[{ __name__: 'up' }, []]])), 400, /no samples/);
    await refused(
      () => write(promBody([[{ __name__: 'it_power_kw' }, [[-5, base + 6 * MIN]]]])),
      400,
      /no valid sample in the write request: it_power_kw @ .*plausible range/,
    );
  });

  it('refuses the wrong content type or encoding and remote-write 2.0 (415); nothing stored', async () => {
    const good = promBody([[{ __name__: 'it_power_kw' }, [[1, base + 7 * MIN]]]]);
    await refused(() => write(good, { 'content-type': 'application/json' }), 415, /application\/x-protobuf/);
    await refused(() => write(good, { 'content-encoding': 'gzip' }), 415, /Content-Encoding must be snappy/);
    await refused(
      () => write(good, { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' }),
      415,
      /io.prometheus.write.v2.Request is not supported/,
    );
  });

  it('refuses more than INGEST_MAX_SAMPLES and bodies over INGEST_MAX_BODY_BYTES, sent or inflated (413)', async () => {
    const many: PromSample[] = Array.from({ length: 51 }, (_, i) => [i, base + i * 1000]);
    await refused(() => write(promBody([[{ __name__: 'x_many' }, many]])), 413, /INGEST_MAX_SAMPLES \(50\)/);
    // Label values far over the label limit: they compress to little, and are never reached.
    const inflating = promBody(
      Array.from({ length: 10 }, (_, i): PromSeries => [
        { __name__: 'x_pad', pad: `${i}${'y'.repeat(3000)}` },
        [[i, base]],
      ]),
    );
    expect(inflating.length).toBeLessThan(20_000);
    await refused(() => write(inflating), 413, /inflates to more than INGEST_MAX_BODY_BYTES/);
    await refused(() => write(Buffer.alloc(20_001, 1)), 413, /larger than INGEST_MAX_BODY_BYTES/);
  });

  it('is in the OpenAPI document, taking application/x-protobuf', async () => {
    const doc = (await (await t.request('/api/docs/openapi.json')).json()) as {
      paths: Record<
        string,
        { post?: { requestBody?: { content: Record<string, unknown> }; tags: string[] } }
      >;
    };
    const post = doc.paths['/api/v1/prom/write']?.post;
    expect(post?.tags).toEqual(['ingest']);
    expect(Object.keys(post?.requestBody?.content ?? {})).toEqual(['application/x-protobuf']);
  });

  it('401 for an unknown token or none, 403 for a revoked one; nothing stored', async () => {
    const body = promBody([[{ __name__: 'it_power_kw' }, [[1, base + 8 * MIN]]]]);
    await refused(() => write(body, {}, 'dcf_unknownunknownunknownunknown'), 401, /./);
    await refused(() => write(body, { authorization: '' }), 401, /missing ingest token/);
    const victim = await t.createToken(SITE);
    expect((await write(body, {}, victim.token)).status).toBe(204);
    const del = await t.request(`/api/v1/tokens/${victim.id}`, {
      method: 'DELETE',
      token: await t.login('admin'),
    });
    expect(del.status).toBe(200);
    await refused(() => write(body, {}, victim.token), 403, /./);
  });

  it('over the site’s rate: 429 + Retry-After (which Prometheus retries with retry_on_http_429), nothing stored', async () => {
    // 50 samples at 60/s: the second batch, right after the first, finds ~10 of the 50 tokens it needs.
    const batch = (from: number) =>
      promBody([
        [{ __name__: 'x_burst' }, Array.from({ length: 50 }, (_, i): PromSample => [i, from + i * 1000])],
      ]);
    const before = [await samples(), await receipts()];
    expect((await write(batch(base + 20 * MIN))).status).toBe(204);
    const res = await write(batch(base + 30 * MIN));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await res.json()) as { message: string }).message).toMatch(/ingest rate of 60 samples\/s/);
    expect([await samples(), await receipts()]).toEqual([before[0]! + 50, before[1]! + 1]);
  });
});
