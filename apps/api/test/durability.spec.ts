/**
 * "A 200 means durable" (docs/contract.md "API"), at process level: the built API (apps/api/dist/main.js) is
 * SIGKILLed right after a 200 and while batches are in flight, restarted on the same database, and every
 * acknowledged sample must be there, no batch may be half-stored, and the rollups (deliberately never
 * flushed before the kill) must have been rebuilt from the raw samples at boot.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestResponse, SeriesResponse } from '@dcfleet/contracts';
import { requireBuiltApi, startApi, type ApiProcess } from './support/api-process';
import { copySqlite, openDirect, rawSamplesDirect, type DirectDb } from './support/db';
import { ADMIN_PASSWORD, dialects, freshDatabase } from './support/harness';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const SITE = 'DUR-01';

const A_BATCHES = 20;
const A_SIZE = 500;
const B_BATCHES = 6;
const B_SIZE = 2000;

const T0 = Math.floor((Date.now() - 10 * HOUR) / HOUR) * HOUR;
/** Phase A: it_power_kw, one sample per second from T0. Values end in .25 so sums are exact in binary. */
const aTs = (k: number) => T0 + k * SEC;
const aValue = (k: number) => 500 + ((k * 37) % 1000) + 0.25;
/** Phase B: facility_power_kw, one sample per second from T0. */
const bTs = (k: number) => T0 + k * SEC;
const bValue = (k: number) => 2000 + ((k * 53) % 3000) + 0.75;

function batch(
  metric: string,
  from: number,
  size: number,
  ts: (k: number) => number,
  value: (k: number) => number,
) {
  return {
    samples: Array.from({ length: size }, (_, i) => ({ metric, ts: ts(from + i), value: value(from + i) })),
  };
}

/** Expected per-minute aggregates of a set of (ts, value) samples. */
function minuteAggregates(
  samples: [number, number][],
): Map<number, { count: number; sum: number; min: number; max: number }> {
  const out = new Map<number, { count: number; sum: number; min: number; max: number }>();
  for (const [ts, v] of samples) {
    const m = ts - (ts % MIN);
    const a = out.get(m) ?? { count: 0, sum: 0, min: Infinity, max: -Infinity };
    a.count++;
    a.sum += v;
    a.min = Math.min(a.min, v);
    a.max = Math.max(a.max, v);
    out.set(m, a);
  }
  return out;
}

describe.each(dialects())('durability of the built API on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let api: ApiProcess | undefined;
  let direct: DirectDb | undefined;
  let directUrl = '';
  const openDirectAt = (url: string) => {
    directUrl = url;
    return openDirect(url);
  };
  let ingestToken = '';
  let life = 0;
  const acked: { receiptId: number; first: number }[] = [];
  const inflight: { index: number; status: number | 'error'; receiptId?: number }[] = [];

  /**
   * Starts the next life of the API on the same database. On PostgreSQL the boot repair only takes
   * batches older than a grace period (another live instance may still be flushing its own), so there each
   * life runs with its clock 2 h further ahead (a preload shifts Date.now): the same as restarting after
   * the grace. SQLite has a single writer and repairs everything pending at boot.
   */
  async function boot(): Promise<{ api: ApiProcess; jwt: string }> {
    life++;
    const nodeArgs: string[] = [];
    if (dialect === 'postgres') {
      const preload = join(db.dataDir, 'clock-skew.cjs');
      writeFileSync(
        preload,
        `const real = Date.now; const off = ${life * 2 * HOUR}; Date.now = () => real() + off;\n`,
      );
      nodeArgs.push('-r', preload);
    }
    const started = await startApi(
      {
        DATABASE_URL: db.url,
        DATA_DIR: db.dataDir,
        ADMIN_PASSWORD,
        ROLLUP_FLUSH_MS: '600000',
        INGEST_MAX_SAMPLES: '5000',
      },
      nodeArgs,
    );
    const res = await fetch(`${started.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    api = started;
    return { api: started, jwt: ((await res.json()) as { accessToken: string }).accessToken };
  }

  const ingest = (url: string, body: unknown) =>
    fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestToken}` },
      body: JSON.stringify(body),
    });

  async function samplesOf(metric: string): Promise<[number, number][]> {
    const all = await rawSamplesDirect(directUrl);
    return all.filter((x) => x.metric === metric).map((x) => [x.ts, x.value]);
  }

  async function pendingReceipts(): Promise<number> {
    const [r] = await direct!.query<{ n: string | number }>(
      'SELECT COUNT(*) AS n FROM receipts WHERE NOT rolled_up',
    );
    return Number(r!.n);
  }

  /** Every receipt's samples are all there: a batch is never half-stored. */
  async function receiptsWhole(): Promise<{ id: number; accepted: number; stored: number }[]> {
    const r = await direct!.query<{ id: string | number; accepted: string | number }>(
      'SELECT r.id AS id, r.accepted AS accepted FROM receipts r ORDER BY r.id',
    );
    const stored = new Map<number, number>();
    for (const x of await rawSamplesDirect(directUrl))
      stored.set(x.receiptId, (stored.get(x.receiptId) ?? 0) + 1);
    return r.map((x) => ({
      id: Number(x.id),
      accepted: Number(x.accepted),
      stored: stored.get(Number(x.id)) ?? 0,
    }));
  }

  /** The rollups served by the API (and stored) match the raw samples, minute by minute and hour by hour. */
  async function expectRollupsMatch(
    url: string,
    jwt: string,
    metric: string,
    samples: [number, number][],
    from: number,
    to: number,
  ) {
    const expected = minuteAggregates(samples);
    const res = await fetch(
      `${url}/api/v1/datacenters/${SITE}/series?metric=${metric}&step=1m&from=${from}&to=${to}`,
      {
        headers: { authorization: `Bearer ${jwt}` },
      },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as SeriesResponse;
    expect(body.series).toHaveLength(1);
    const got = body.series[0]!.points.map((p) => [Date.parse(p.t), p.avg, p.min, p.max]);
    const want = body.series[0]!.points.map((p) => {
      const a = expected.get(Date.parse(p.t));
      return [Date.parse(p.t), a ? a.sum / a.count : null, a ? a.min : null, a ? a.max : null];
    });
    expect(got).toEqual(want);
    expect(got.filter((p) => p[1] !== null).length).toBe(expected.size);

    const stored = await direct!.query<{ bucket: string | number; count: string | number }>(
      'SELECT m.bucket AS bucket, m.count AS count FROM rollup_1m m JOIN series r ON r.id = m.series_id WHERE r.metric = $1 ORDER BY m.bucket',
      [metric],
    );
    expect(stored.map((s) => [Number(s.bucket), Number(s.count)])).toEqual(
      [...expected.entries()].sort((a, b) => a[0] - b[0]).map(([b, a]) => [b, a.count]),
    );

    const hourly = await fetch(
      `${url}/api/v1/datacenters/${SITE}/series?metric=${metric}&step=1h&from=${from}&to=${to}`,
      {
        headers: { authorization: `Bearer ${jwt}` },
      },
    );
    const hb = (await hourly.json()) as SeriesResponse;
    const byHour = new Map<number, { sum: number; count: number }>();
    for (const [ts, v] of samples) {
      const h = ts - (ts % HOUR);
      const a = byHour.get(h) ?? { sum: 0, count: 0 };
      a.sum += v;
      a.count++;
      byHour.set(h, a);
    }
    expect(hb.series[0]!.points.map((p) => p.avg)).toEqual(
      hb.series[0]!.points.map((p) => {
        const a = byHour.get(Date.parse(p.t));
        return a ? a.sum / a.count : null;
      }),
    );
    const [days] = await direct!.query<{ n: string | number }>(
      'SELECT SUM(d.count) AS n FROM rollup_1d d JOIN series r ON r.id = d.series_id WHERE r.metric = $1',
      [metric],
    );
    expect(Number(days!.n)).toBe(samples.length);
  }

  beforeAll(async () => {
    requireBuiltApi();
    db = await freshDatabase(dialect);
  });
  afterAll(async () => {
    await api?.kill();
    await direct?.close();
    await db?.drop();
  });

  it('life 1: acknowledges 20 batches, then is SIGKILLed right after the last 200 (rollups never flushed)', async () => {
    const { api: a, jwt } = await boot();
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${jwt}` };
    expect(
      (
        await fetch(`${a.url}/api/v1/datacenters`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ code: SITE, name: 'Durable' }),
        })
      ).status,
    ).toBe(201);
    const tk = await fetch(`${a.url}/api/v1/datacenters/${SITE}/tokens`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    ingestToken = ((await tk.json()) as { token: string }).token;

    for (let b = 0; b < A_BATCHES; b++) {
      const res = await ingest(a.url, batch('it_power_kw', b * A_SIZE, A_SIZE, aTs, aValue));
      expect(res.status).toBe(200);
      const body = (await res.json()) as IngestResponse;
      expect(body.accepted).toBe(A_SIZE);
      acked.push({ receiptId: Number(body.receipt.id), first: b * A_SIZE });
      if (b === A_BATCHES - 1) a.child.kill('SIGKILL'); // no await between the last 200 and the kill
    }
    await a.kill();
    expect(a.child.signalCode).toBe('SIGKILL');

    // Before any restart: all acknowledged samples are on disk, and the rollups are not (the repair is needed).
    // SQLite is inspected on a copy of its files, so that the restarted API is the first to open the
    // crashed database (and replays its WAL itself).
    direct = await openDirectAt(
      dialect === 'sqlite' ? copySqlite(db.url, join(db.dataDir, 'precheck')) : db.url,
    );
    expect((await samplesOf('it_power_kw')).length).toBe(A_BATCHES * A_SIZE);
    expect(await pendingReceipts()).toBe(A_BATCHES);
    const [r] = await direct.query<{ n: string | number }>('SELECT COUNT(*) AS n FROM rollup_1m');
    expect(Number(r!.n)).toBe(0);
    if (dialect === 'sqlite') {
      await direct.close();
      direct = undefined;
    }
  });

  it('life 2: after a restart every acknowledged sample is present with its value, and the rollups were repaired at boot', async () => {
    const { api: a, jwt } = await boot();
    direct ??= await openDirectAt(db.url);
    expect(await pendingReceipts()).toBe(0);

    const stored = await samplesOf('it_power_kw');
    const expected = Array.from({ length: A_BATCHES * A_SIZE }, (_, k) => [aTs(k), aValue(k)]);
    expect(stored).toEqual(expected);
    const receipts = await receiptsWhole();
    expect(receipts.map((r) => r.id).sort((x, y) => x - y)).toEqual(
      acked.map((x) => x.receiptId).sort((x, y) => x - y),
    );
    for (const r of receipts) expect(r).toEqual({ id: r.id, accepted: A_SIZE, stored: A_SIZE });

    await expectRollupsMatch(a.url, jwt, 'it_power_kw', stored, T0, aTs(A_BATCHES * A_SIZE));
  });

  it('life 2: SIGKILL while batches are in flight → each batch is later fully present or fully absent', async () => {
    const a = api!;
    const sends = Array.from({ length: B_BATCHES }, (_, i) =>
      ingest(a.url, batch('facility_power_kw', i * B_SIZE, B_SIZE, bTs, bValue)).then(
        async (res) => {
          const entry: (typeof inflight)[number] = { index: i, status: res.status };
          if (res.status === 200) entry.receiptId = Number(((await res.json()) as IngestResponse).receipt.id);
          inflight.push(entry);
          return entry;
        },
        () => {
          inflight.push({ index: i, status: 'error' });
          return null;
        },
      ),
    );
    // Kill as soon as the first batch is acknowledged: the others are queued or mid-transaction.
    await Promise.race([Promise.race(sends), new Promise((r) => setTimeout(r, 3000))]);
    a.child.kill('SIGKILL');
    await a.kill();
    await Promise.all(sends);
    expect(inflight).toHaveLength(B_BATCHES);
    expect(inflight.some((x) => x.status === 200)).toBe(true);
    for (const x of inflight) expect([200, 'error']).toContain(x.status);
    if (dialect === 'sqlite') {
      await direct!.close();
      direct = undefined;
    }
  });

  it('life 3: acknowledged in-flight batches are whole, the rest whole or absent, and their rollups repaired', async () => {
    const { api: a, jwt } = await boot();
    direct ??= await openDirectAt(db.url);
    expect(await pendingReceipts()).toBe(0);

    const stored = await samplesOf('facility_power_kw');
    const present: [number, number][] = [];
    for (let i = 0; i < B_BATCHES; i++) {
      const from = bTs(i * B_SIZE);
      const to = bTs((i + 1) * B_SIZE);
      const mine = stored.filter(([ts]) => ts >= from && ts < to);
      const outcome = inflight.find((x) => x.index === i)!;
      if (outcome.status === 200) expect(mine.length).toBe(B_SIZE);
      else expect([0, B_SIZE]).toContain(mine.length);
      if (mine.length) {
        expect(mine).toEqual(
          Array.from({ length: B_SIZE }, (_, j) => [bTs(i * B_SIZE + j), bValue(i * B_SIZE + j)]),
        );
        present.push(...mine);
      }
    }
    expect(stored.length).toBe(present.length);
    for (const r of await receiptsWhole()) expect(r.stored).toBe(r.accepted);
    const ackedIds = inflight.filter((x) => x.status === 200).map((x) => x.receiptId!);
    const ids = new Set((await receiptsWhole()).map((r) => r.id));
    for (const id of ackedIds) expect(ids.has(id)).toBe(true);

    await expectRollupsMatch(a.url, jwt, 'facility_power_kw', present, T0, bTs(B_BATCHES * B_SIZE));
    // Phase A is untouched by the second crash.
    expect((await samplesOf('it_power_kw')).length).toBe(A_BATCHES * A_SIZE);
  });
});
