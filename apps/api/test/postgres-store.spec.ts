/**
 * The PostgreSQL write path: a batch that only appends (by this instance's knowledge) is stored without looking at
 * what is stored; any other is compared first. When that knowledge is wrong (another instance stored the sample),
 * last write still wins by the receipt sequence and the rollups are recomputed when their merge is refused.
 */
import type { IngestResponse, SeriesResponse } from '@dcfleet/contracts';
import { DbHandle } from '../src/platform/database/db-handle';
import { RollupService } from '../src/telemetry/rollup.service';
import { PgBinaryArray, type PgArrayElement } from '../src/telemetry/pg-binary-array';
import { PostgresTelemetryStore } from '../src/telemetry/postgres-telemetry.store';
import { SAMPLE_REPLACED, TELEMETRY_STORE, type BatchInput } from '../src/telemetry/telemetry-store';
import { rawSamples } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const MIN = 60_000;
const onPostgres = dialects().includes('postgres') ? describe : describe.skip;

onPostgres('PostgreSQL sample writes', () => {
  let t: TestApp;
  let token: string;
  let store: PostgresTelemetryStore;
  const base = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000;
  const post = async (samples: unknown[]) => {
    const res = await t.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ samples }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as IngestResponse;
  };
  const stored = async (ts: number) =>
    (await rawSamples(t)).filter((x) => x.ts === ts && x.metric === 'it_power_kw').map((x) => x.value);

  beforeAll(async () => {
    t = await bootTestApp('postgres');
    await t.createSite('GZ-PG-01');
    token = (await t.createToken('GZ-PG-01')).token;
    store = t.app.get<PostgresTelemetryStore>(TELEMETRY_STORE);
  });
  afterAll(() => t.close());

  it('reads binary array parameters (rollup flushes) exactly as their numbers', async () => {
    const cases: [PgArrayElement, number[]][] = [
      ['float8', [23.45, -0.1, 0, 1e-300, -1.7976931348623157e308, 5e-324, 1 / 3, Infinity]],
      [
        'int8',
        [0, 1, -1, 2 ** 32, -(2 ** 32) - 1, Date.UTC(2026, 11, 6), Number.MAX_SAFE_INTEGER, -(2 ** 53) + 1],
      ],
      ['int4', [0, -1, 2 ** 31 - 1, -(2 ** 31), 42]],
      ['float8', []],
    ];
    const params = cases.map(([type, values]) => {
      const a = new PgBinaryArray(type, values.length);
      for (const v of values) a.push(v);
      return a.done();
    });
    const { rows } = await t.app
      .get(DbHandle)
      .pool.query<Record<string, string[] | number[]>>(
        'SELECT $1::float8[]::text[] AS f, $2::int8[]::text[] AS b, $3::int4[] AS i, $4::float8[] AS e',
        params,
      );
    // float8 and int8 compared through PostgreSQL's own text of them (no parser on our side in between).
    expect(rows[0]!.f!.map(Number)).toEqual(cases[0]![1]);
    expect(rows[0]!.b!.map(Number)).toEqual(cases[1]![1]);
    expect(rows[0]!.i).toEqual(cases[2]![1]);
    expect(rows[0]!.e).toEqual([]);
    expect(() => new PgBinaryArray('int4', 2).done()).toThrow(/not full/);
  });

  it('stores appending batches without a look and checks the others', async () => {
    const before = { ...store.writes };
    await post([{ metric: 'it_power_kw', ts: base, value: 500 }]); // new series: nothing stored yet
    await post([{ metric: 'it_power_kw', ts: base + MIN, value: 510 }]); // newer than anything stored
    expect(store.writes.append - before.append).toBe(2);
    await post([{ metric: 'it_power_kw', ts: base, value: 505 }]); // a correction: must be checked
    expect(store.writes.checked - before.checked).toBe(1);
    expect(await stored(base)).toEqual([505]);
  });

  it("a sample another instance stored behind this one's back: last write wins, rollups follow", async () => {
    const ts = base + 10 * MIN;
    await post([{ metric: 'it_power_kw', ts: ts - MIN, value: 600 }]);
    await t.flush();
    const pool = t.app.get(DbHandle).pool;
    const { rows } = await pool.query<{ id: number; site_id: number }>(
      "SELECT id, site_id FROM series WHERE metric = 'it_power_kw'",
    );
    // A second API instance stores the next sample; it dies before folding it into the rollups (repaired here).
    const other = new PostgresTelemetryStore(pool);
    await other.writeBatch({
      instanceId: 'other-instance',
      siteId: rows[0]!.site_id,
      siteCode: 'GZ-PG-01',
      tokenId: null,
      receivedAt: Date.now(),
      idempotencyKey: null,
      accepted: 1,
      rejected: 0,
      contentHash: '0'.repeat(64),
      minTs: ts,
      maxTs: ts,
      newSeries: [],
      seriesRefs: [rows[0]!.id],
      ts: [ts],
      values: [999],
      rejectedList: [],
    });
    await t.app.get(RollupService).recover(0);
    // This instance still believes `ts` is free: it stores without a look, and its later write wins.
    const appended = store.writes.append;
    const res = await post([
      { metric: 'it_power_kw', ts, value: 620 },
      { metric: 'it_power_kw', ts: ts + MIN, value: 630 },
    ]);
    expect(res.accepted).toBe(2);
    expect(store.writes.append).toBe(appended + 1);
    expect(await stored(ts)).toEqual([620]);
    expect(await stored(ts + MIN)).toEqual([630]);
    await post([{ metric: 'it_power_kw', ts: ts + 2 * MIN, value: 640 }]);

    await t.flush();
    const admin = await t.login('admin');
    const series = (await (
      await t.request(
        `/api/v1/datacenters/GZ-PG-01/series?metric=it_power_kw&step=1m&from=${ts - MIN}&to=${ts + 3 * MIN}`,
        { token: admin },
      )
    ).json()) as SeriesResponse;
    expect(series.series[0]!.points.map((p) => p.avg)).toEqual([600, 620, 630, 640]);
  });

  it('learns what is stored when it starts instead of assuming a series is empty', async () => {
    const ts = base + 30 * MIN;
    await post([{ metric: 'ups_load_pct', ts, value: 40 }]);
    await t.flush(); // folded into rollup_1m: no batch of the site is pending, the rollup tells what is stored
    const pool = t.app.get(DbHandle).pool;
    const { rows } = await pool.query<{ id: number; site_id: number }>(
      "SELECT id, site_id FROM series WHERE metric = 'ups_load_pct'",
    );
    const { id, site_id: siteId } = rows[0]!;
    const restarted = new PostgresTelemetryStore(pool); // what a restarted instance starts with
    const batch = (at: number, value: number): BatchInput => ({
      instanceId: 'restarted',
      siteId,
      siteCode: 'GZ-PG-01',
      tokenId: null,
      receivedAt: Date.now(),
      idempotencyKey: null,
      accepted: 1,
      rejected: 0,
      contentHash: '0'.repeat(64),
      minTs: at,
      maxTs: at,
      newSeries: [],
      seriesRefs: [id],
      ts: [at],
      values: [value],
      rejectedList: [],
    });
    const again = await restarted.writeBatch(batch(ts, 41));
    expect(again).toMatchObject({ kind: 'stored', status: new Uint8Array([SAMPLE_REPLACED]) });
    expect(restarted.writes).toEqual({ append: 0, checked: 1 });
    await restarted.writeBatch(batch(ts + MIN, 42));
    expect(restarted.writes).toEqual({ append: 1, checked: 1 });
  });

  it('resolves series another instance created meanwhile along with the ones it creates', async () => {
    const ts = base + 40 * MIN;
    await post([{ metric: 'inlet_temp_c', labels: { zone: 'A' }, ts, value: 22 }]);
    const pool = t.app.get(DbHandle).pool;
    const { rows } = await pool.query<{ id: number; site_id: number }>(
      "SELECT id, site_id FROM series WHERE metric = 'inlet_temp_c'",
    );
    const other = new PostgresTelemetryStore(pool); // a second instance: its registry never saw zone A
    const out = await other.writeBatch({
      instanceId: 'other',
      siteId: rows[0]!.site_id,
      siteCode: 'GZ-PG-01',
      tokenId: null,
      receivedAt: Date.now(),
      idempotencyKey: null,
      accepted: 2,
      rejected: 0,
      contentHash: '0'.repeat(64),
      minTs: ts + MIN,
      maxTs: ts + MIN,
      newSeries: [
        { metric: 'inlet_temp_c', labelKey: '{"zone":"A"}', kind: 'gauge' },
        { metric: 'inlet_temp_c', labelKey: '{"zone":"B"}', kind: 'gauge' },
      ],
      seriesRefs: [-1, -2],
      ts: [ts + MIN, ts + MIN],
      values: [23, 24],
      rejectedList: [],
    });
    if (out.kind !== 'stored') throw new Error('not stored');
    expect(out.createdSeries.map((s) => s.labels)).toEqual(['{"zone":"A"}', '{"zone":"B"}']);
    expect(out.createdSeries[0]!.id).toBe(rows[0]!.id);
    expect(out.seriesIds).toEqual(out.createdSeries.map((s) => s.id));
    const { rows: all } = await pool.query("SELECT id FROM series WHERE metric = 'inlet_temp_c'");
    expect(all).toHaveLength(2);
  });

  it('leaves room on rollup pages for in-place (heap-only) updates of the buckets flushes keep merging into', async () => {
    const { rows } = await t.app
      .get(DbHandle)
      .pool.query<{ relname: string; reloptions: string[] | null }>(
        "SELECT relname, reloptions FROM pg_class WHERE relname IN ('rollup_1m_default', 'rollup_1h', 'rollup_1d') ORDER BY relname",
      );
    // rollup_1m is partitioned by day: its partitions carry the setting.
    expect(rows.map((r) => [r.relname, r.reloptions])).toEqual([
      ['rollup_1d', ['fillfactor=50']],
      ['rollup_1h', ['fillfactor=50']],
      ['rollup_1m_default', ['fillfactor=70']],
    ]);
  });
});
