import { gzipSync } from 'node:zlib';
import type { SeriesResponse } from '@dcfleet/contracts';
import { DECODE_OFFLOAD_BYTES, IngestDecoder } from '../src/ingest/ingest-decoder.service';
import { count, rawSamples } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const MIN = 60_000;
const HOUR = 3_600_000;
const SITE = 'LP-01';

describe.each(dialects())('line protocol (POST /api/v1/write) on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  const base = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR; // an hour boundary, 4 h ago

  const write = (body: string | Buffer, query = '', headers: Record<string, string> = {}) =>
    t.request(`/api/v1/write${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8', authorization: `Token ${token}`, ...headers },
      body,
    });

  const samples = async () => (await rawSamples(t)).length;

  /** Rollup points of one metric over [from, from + minutes), one per minute, after a flush. */
  async function points(metric: string, from: number, minutes: number, labels: Record<string, string> = {}) {
    await t.flush();
    const q = Object.entries(labels)
      .map(([k, v]) => `&label.${k}=${encodeURIComponent(v)}`)
      .join('');
    const res = await t.request(
      `/api/v1/datacenters/${SITE}/series?metric=${metric}&step=1m&from=${from}&to=${from + minutes * MIN}${q}`,
      {
        token: await t.login('regulator'),
      },
    );
    expect(res.status).toBe(200);
    return (await res.json()) as SeriesResponse;
  }
  const avgs = async (metric: string, from: number, minutes: number, labels?: Record<string, string>) =>
    (await points(metric, from, minutes, labels)).series.map((s) => s.points.map((p) => p.avg));

  beforeAll(async () => {
    t = await bootTestApp(dialect, {
      INGEST_MAX_BODY_BYTES: '100000',
      INGEST_MAX_SAMPLES: '2000',
      INGEST_DECODE_WORKERS: '1',
    });
    await t.createSite(SITE);
    token = (await t.createToken(SITE)).token;
  });
  afterAll(() => t.close());

  it.each([
    ['s', (ms: number) => String(ms / 1000), 0],
    ['ms', (ms: number) => String(ms), 1],
    ['ns', (ms: number) => `${ms}000000`, 2],
    ['u', (ms: number) => `${ms}000`, 3],
  ] as const)('precision=%s: stores the point at the right minute (204)', async (precision, stamp, i) => {
    const ts = base + i * MIN + 30_000;
    const res = await write(`dc facility_power_kw=${1000 + i} ${stamp(ts)}`, `?precision=${precision}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const [series] = await avgs('facility_power_kw', base, 4);
    expect(series!.slice(0, i + 1)).toEqual([1000, 1001, 1002, 1003].slice(0, i + 1));
    expect(series!.slice(i + 1).every((v) => v === null)).toBe(true);
  });

  it('defaults to nanoseconds when precision is absent (InfluxDB v1)', async () => {
    const ts = base + 5 * MIN;
    expect((await write(`dc facility_power_kw=1005 ${ts}000000`)).status).toBe(204);
    expect((await avgs('facility_power_kw', base + 5 * MIN, 1))[0]).toEqual([1005]);
  });

  it('rejects an unknown precision with 400 {error}', async () => {
    const res = await write(`dc facility_power_kw=1 ${base}`, '?precision=fortnight');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/precision/);
  });

  it.each([
    ['Authorization: Token', (tk: string) => ({ headers: { authorization: `Token ${tk}` }, query: '' }), 10],
    [
      'Authorization: Bearer',
      (tk: string) => ({ headers: { authorization: `Bearer ${tk}` }, query: '' }),
      11,
    ],
    [
      'basic auth password',
      (tk: string) => ({
        headers: { authorization: `Basic ${Buffer.from(`telegraf:${tk}`).toString('base64')}` },
        query: '',
      }),
      12,
    ],
    [
      '?p= query parameter',
      (tk: string) => ({ headers: { authorization: '' }, query: `&u=telegraf&p=${encodeURIComponent(tk)}` }),
      13,
    ],
  ] as const)('accepts the token via %s, refuses a wrong one with 401', async (_how, auth, minute) => {
    const ts = base + minute * MIN;
    const good = auth(token);
    const headers: Record<string, string> = { ...good.headers };
    const res = await write(`dc it_power_kw=${800 + minute} ${ts}`, `?precision=ms${good.query}`, headers);
    expect(res.status).toBe(204);
    expect((await avgs('it_power_kw', ts, 1))[0]).toEqual([800 + minute]);

    const before = await samples();
    const bad = auth(`${token.slice(0, -4)}AAAA`);
    const refused = await write(`dc it_power_kw=1 ${ts + 1000}`, `?precision=ms${bad.query}`, {
      ...bad.headers,
    });
    expect(refused.status).toBe(401);
    expect(await samples()).toBe(before);
  });

  it('refuses a request without any token (401) and a user JWT (401)', async () => {
    expect((await write(`dc it_power_kw=1 ${base}`, '?precision=ms', { authorization: '' })).status).toBe(
      401,
    );
    const jwt = await t.login('admin');
    expect(
      (await write(`dc it_power_kw=1 ${base}`, '?precision=ms', { authorization: `Bearer ${jwt}` })).status,
    ).toBe(401);
  });

  it('maps a catalog field name to that metric and other fields to <measurement>_<field>', async () => {
    const ts = base + 20 * MIN;
    const res = await write(
      `power,host=gw1 facility_power_kw=1200,it_power_kw=950 ${ts}\nx_cpu usage_idle=42.5 ${ts}`,
      '?precision=ms',
    );
    expect(res.status).toBe(204);
    expect((await points('facility_power_kw', ts, 1)).series.find((s) => s.labels.host === 'gw1')).toEqual(
      expect.objectContaining({ labels: { host: 'gw1' }, points: [expect.objectContaining({ avg: 1200 })] }),
    );
    expect(
      (await points('it_power_kw', ts, 1)).series.find((s) => s.labels.host === 'gw1')!.points[0]!.avg,
    ).toBe(950);
    const custom = await points('x_cpu_usage_idle', ts, 1);
    expect(custom.series).toHaveLength(1);
    expect(custom.series[0]!.points[0]!.avg).toBe(42.5);
  });

  it('refuses a field that maps to no catalog or x_ metric with 400 naming the line and the rule; nothing stored', async () => {
    const before = await samples();
    const res = await write(`cpu usage_idle=1 ${base + 21 * MIN}`, '?precision=ms');
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/line 1\b/);
    expect(error).toContain('cpu_usage_idle');
    expect(error).toContain('^x_[a-z0-9_]{1,60}$');
    expect(await samples()).toBe(before);
  });

  it('turns tags into labels (series query by label.zone)', async () => {
    const ts = base + 30 * MIN;
    const body = [
      `inlet,zone=A1 inlet_temp_c=24.5 ${ts}`,
      `inlet,zone=B2 inlet_temp_c=30 ${ts}`,
      `inlet,zone=A1 inlet_temp_c=25.5 ${ts + 10_000}`,
    ].join('\n');
    expect((await write(body, '?precision=ms')).status).toBe(204);
    const a1 = await points('inlet_temp_c', ts, 1, { zone: 'A1' });
    expect(a1.series).toHaveLength(1);
    expect(a1.series[0]!.labels).toEqual({ zone: 'A1' });
    expect(a1.series[0]!.points[0]).toMatchObject({ avg: 25, min: 24.5, max: 25.5 });
    const all = await points('inlet_temp_c', ts, 1);
    expect(all.series.map((s) => s.labels.zone).sort()).toEqual(['A1', 'B2']);
    expect((await points('inlet_temp_c', ts, 1, { zone: 'C3' })).series).toEqual([]);
  });

  it('a partial write stores the valid lines and answers 400 {error: "partial write ..."} naming the bad lines', async () => {
    const ts = base + 40 * MIN;
    const before = await samples();
    const body = [
      `dc ups_load_pct=40 ${ts}`, // 1 ok
      `cpu usage_idle=1 ${ts}`, // 2 unknown metric
      `this is not line protocol`, // 3 syntax
      `dc ups_load_pct=400 ${ts + MIN}`, // 4 out of range
      `dc ups_load_pct=45 ${ts + 2 * MIN}`, // 5 ok
      `dc status="up" ${ts}`, // 6 string field
    ].join('\n');
    const res = await write(body, '?precision=ms');
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/partial write/);
    for (const n of [2, 3, 4, 6]) expect(error).toMatch(new RegExp(`line ${n}\\b`));
    for (const n of [1, 5]) expect(error).not.toMatch(new RegExp(`line ${n}\\b`));
    expect(await samples()).toBe(before + 2);
    // The refused minute has no data: the series skips it.
    const stored = (await points('ups_load_pct', ts, 3)).series[0]!.points;
    expect(stored.map((p) => [Date.parse(p.t) - ts, p.avg])).toEqual([
      [0, 40],
      [2 * MIN, 45],
    ]);
  });

  it('an all-bad body → 400 and nothing stored', async () => {
    const before = await samples();
    const receipts = await count(t, 'SELECT COUNT(*) AS n FROM receipts');
    const res = await write(
      [
        `cpu usage_idle=1 ${base}`,
        'garbage',
        `dc it_power_kw=-5 ${base}`,
        `dc it_power_kw=1 ${Date.now() + 3_600_000}`,
      ].join('\n'),
      '?precision=ms',
    );
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).not.toMatch(/partial write/);
    for (const n of [1, 2, 3, 4]) expect(error).toMatch(new RegExp(`line ${n}\\b`));
    expect(await samples()).toBe(before);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM receipts')).toBe(receipts);
    expect((await write('', '?precision=ms')).status).toBe(400);
  });

  it('decodes large bodies on the decoder thread: partial writes, refusals and Idempotency-Key as for small ones', async () => {
    const ts = base + 3 * HOUR;
    const before = await samples();
    const receipts = await count(t, 'SELECT COUNT(*) AS n FROM receipts');
    const lines = (broken: boolean) =>
      Array.from({ length: 1200 }, (_, i) =>
        broken && i % 2 === 0
          ? `dc,rack=R${i} ups_load_pct=400 ${ts}`
          : `dc,rack=R${i} ups_load_pct=${i % 90} ${ts}`,
      );
    const mixed = lines(false);
    mixed[9] = 'not line protocol';
    mixed[19] = `dc,rack=R19 ups_load_pct=999 ${ts}`;
    const body = mixed.join('\n');
    expect(Buffer.byteLength(body)).toBeGreaterThan(DECODE_OFFLOAD_BYTES);
    const res = await write(body, '?precision=ms');
    expect(t.app.get(IngestDecoder).running).toBe(1);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/^partial write: line 10: .*; line 20: value 999 of ups_load_pct.* dropped=2$/);
    expect(await samples()).toBe(before + 1198);

    // All bad → 400 naming lines, nothing stored; a bad Idempotency-Key answers in InfluxDB's {error} shape.
    const allBad = lines(true).filter((_, i) => i % 2 === 0);
    while (Buffer.byteLength(allBad.join('\n')) <= DECODE_OFFLOAD_BYTES) allBad.push(...allBad);
    const refused = await write(allBad.join('\n'), '?precision=ms');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^line 1: value 400 of ups_load_pct/);
    const badKey = await write(body, '?precision=ms', { 'idempotency-key': 'two words' });
    expect(badKey.status).toBe(400);
    expect(((await badKey.json()) as { error: string }).error).toMatch(/Idempotency-Key/);
    expect(await samples()).toBe(before + 1198);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM receipts')).toBe(receipts + 1);
  });

  it('answers 413 {error} naming INGEST_MAX_SAMPLES for too many points, even with bad lines among them', async () => {
    const before = await samples();
    const lines = Array.from({ length: 2100 }, (_, i) => `dc,r=R${i} it_power_kw=1 ${base}`);
    lines[5] = 'broken';
    const res = await write(lines.join('\n'), '?precision=ms');
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/INGEST_MAX_SAMPLES \(2000\)/);
    expect(await samples()).toBe(before);
  });

  it('accepts a gzip body (Content-Encoding: gzip)', async () => {
    const ts = base + 50 * MIN;
    const lines = Array.from(
      { length: 60 },
      (_, i) => `dc,room=r1 cooling_power_kw=${100 + i} ${(ts + i * 1000) / 1000}`,
    ).join('\n');
    const res = await write(gzipSync(Buffer.from(lines)), '?precision=s', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(204);
    expect((await points('cooling_power_kw', ts, 1, { room: 'r1' })).series[0]!.points[0]).toMatchObject({
      min: 100,
      max: 159,
      avg: 129.5,
    });
  });

  it('answers 413 {error} for a body over INGEST_MAX_BODY_BYTES (plain and inflated gzip), storing nothing', async () => {
    const before = await samples();
    const big = Array.from(
      { length: 3000 },
      (_, i) => `dc,pad=xxxxxxxxxxxxxxxxxxxx it_power_kw=1 ${base + 2 * HOUR + i * 1000}`,
    ).join('\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(100_000);
    const plain = await write(big, '?precision=ms');
    expect(plain.status).toBe(413);
    expect(((await plain.json()) as { error: string }).error).toMatch(/INGEST_MAX_BODY_BYTES/);
    const zipped = gzipSync(Buffer.from(big));
    expect(zipped.length).toBeLessThan(100_000);
    const gz = await write(zipped, '?precision=ms', { 'content-encoding': 'gzip' });
    expect(gz.status).toBe(413);
    expect(await samples()).toBe(before);
  });

  it('refuses JSON on the line-protocol endpoint (415) and a site other than the token’s (403)', async () => {
    const before = await samples();
    expect((await write('{"samples": []}', '', { 'content-type': 'application/json' })).status).toBe(415);
    await t.createSite('LP-02');
    expect((await write(`dc it_power_kw=1 ${base}`, '?precision=ms&datacenter=LP-02')).status).toBe(403);
    expect(await samples()).toBe(before);
  });
});
