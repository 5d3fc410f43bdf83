/**
 * In-place upgrade to chunked raw storage (docs/architecture.md, "Raw storage", Upgrade) on each database: a database
 * the previous schema wrote (one `samples` row per sample, rollups, receipts, one batch committed but never rolled
 * up by a crash) boots on the current version and serves the same raw samples, series, ratings and receipt chain as
 * a control app that received the same samples through today's ingest; new writes over old samples win, before and
 * after the background move; the move empties the old table without changing a read, and a restart reads the same.
 */
import { randomUUID } from 'node:crypto';
import type {
  ChainVerification,
  IngestResponse,
  RatingDetailResponse,
  RatingsResponse,
  SeriesResponse,
} from '@dcfleet/contracts';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../src/platform/config/app-config';
import { dataSourceOptions } from '../src/platform/database/data-source';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../src/platform/database/migrations';
import { RawMaintenanceService } from '../src/telemetry/raw-maintenance.service';
import { count, rawSamples, rows, type StoredSample } from './support/db';
import {
  bootTestApp,
  bootTestAppOn,
  dialects,
  freshDatabase,
  type Dialect,
  type TestApp,
} from './support/harness';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const SHANGHAI = 8 * HOUR; // the sites' default zone, UTC+8 all year
const STEP = 30 * SEC;
const UPGRADE = 'ChunkedRawStorage1796000000000';

const NOW = Date.now();
/** History the old version stored: [START, END) every 30 s, from more than two days ago up to a few minutes ago. */
const START = Math.floor((NOW - 50 * HOUR) / HOUR) * HOUR;
const END = Math.floor((NOW - 5 * MIN) / MIN) * MIN;
const TICKS = (END - START) / STEP;
/** Site A's samples from here on came in the batch the old version committed but crashed before rolling up. */
const CRASH_FROM = END - 30 * MIN;
const tsOf = (k: number): number => START + k * STEP;

const A = 'UP-A'; // energy counters (its ratings come from them) and power gauges
const B = 'UP-B'; // power gauges only (its ratings come from power)
const METRICS: Record<string, readonly string[]> = {
  [A]: ['facility_energy_kwh', 'it_energy_kwh', 'facility_power_kw', 'it_power_kw'],
  [B]: ['facility_power_kw', 'it_power_kw'],
};
/** The IT meter of site A is replaced more than a day ago: a counter reset inside the old rows. */
const RESET_K = Math.floor((30 * HOUR) / STEP);

/**
 * Reading k of a series. Every value is a multiple of 1/8 (decimal text with at most three digits, so chunks take
 * their decimal-scale path) and exact in binary, so sums are exact in any order: a merged bucket and a recomputed
 * one are equal to the last bit, and the comparisons below can be exact.
 */
function valueOf(code: string, metric: string, k: number): number {
  const site = code === A ? 0 : 7;
  switch (metric) {
    case 'facility_power_kw':
      return 1000 + site * 10 + ((k * 7919 + site) % 41) * 0.25;
    case 'it_power_kw':
      return 800 + site * 10 + ((k * 104_729 + site) % 37) * 0.25;
    case 'facility_energy_kwh':
      return 50_000 + 8.5 * k + 0.25 * (k % 3);
    case 'it_energy_kwh':
      return k < RESET_K ? 20_000 + 6.75 * k + 0.125 * (k % 4) : 1 + 6.75 * (k - RESET_K) + 0.125 * (k % 4);
    default:
      throw new Error(`no generator for ${metric}`);
  }
}

interface Sample {
  metric: string;
  ts: number;
  value: number;
}

function readings(code: string, fromK: number, toK: number): Sample[] {
  const out: Sample[] = [];
  for (let k = fromK; k < toK; k++)
    for (const metric of METRICS[code]!) out.push({ metric, ts: tsOf(k), value: valueOf(code, metric, k) });
  return out;
}

const CRASH_K = (CRASH_FROM - START) / STEP;
/** The correction the crashed batch carried: site A's IT power three hours before it. */
const CORRECTED_K = CRASH_K - (3 * HOUR) / STEP;
const CORRECTED = valueOf(A, 'it_power_kw', CORRECTED_K) + 100;
/** Rows the old `samples` table holds: one per (series, ts); the correction replaced a row. */
const HISTORY = TICKS * (METRICS[A]!.length + METRICS[B]!.length);

// Writes after the upgrade, each hitting old rows (all > 1 day old unless said otherwise).
const OVERWRITE = { metric: 'it_power_kw', ts: START + 3 * HOUR + 30 * SEC, value: 4321.5 };
const LATE = { metric: 'facility_power_kw', ts: START + 5 * HOUR + 15 * SEC, value: 1777.25 };
const RESEND_K = (6 * HOUR) / STEP;
const RESEND = {
  metric: 'facility_power_kw',
  ts: tsOf(RESEND_K),
  value: valueOf(A, 'facility_power_kw', RESEND_K),
};
/** Site A's newest facility reading (an old row of the crashed batch), 50 kWh higher: its ratings change. */
const ENERGY_FIX = {
  metric: 'facility_energy_kwh',
  ts: tsOf(TICKS - 1),
  value: valueOf(A, 'facility_energy_kwh', TICKS - 1) + 50,
};
/** Overwrites of old rows after the move has put them into chunks. */
const MOVED_OVERWRITE_A = { metric: 'it_power_kw', ts: START + 2 * HOUR, value: 3333.25 };
const MOVED_OVERWRITE_B = { metric: 'it_power_kw', ts: START + 26 * HOUR + 30 * SEC, value: 2222.75 };

function configOf(url: string): DatabaseConfig {
  return url.startsWith('sqlite:')
    ? { type: 'sqlite', path: url.slice('sqlite:'.length) }
    : { type: 'postgres', url };
}

/** The previous version's migrations: every one before the upgrade. */
function previousMigrations(dialect: Dialect): DataSourceOptions['migrations'] {
  const all = dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
  const at = all.findIndex((m) => m.name === UPGRADE);
  if (at < 1) throw new Error(`${UPGRADE} not found among the ${dialect} migrations`);
  return all.slice(0, at);
}

function allMigrationNames(dialect: Dialect): string[] {
  return (dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).map((m) => m.name);
}

/**
 * A DataSource on the previous schema. SQLite gets the previous version's pragmas: `auto_vacuum = INCREMENTAL` came
 * with the upgrade, and an old file does not have it.
 */
function previousDataSource(dialect: Dialect, url: string): DataSource {
  const base = dataSourceOptions(configOf(url));
  const migrations = previousMigrations(dialect);
  if (base.type !== 'better-sqlite3') return new DataSource({ ...base, migrations });
  return new DataSource({
    ...base,
    migrations,
    prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
  });
}

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/** Multi-row INSERTs of rows as read from another database of the same dialect. */
async function insertRows(
  query: Query,
  dialect: Dialect,
  table: string,
  list: Record<string, unknown>[],
): Promise<void> {
  if (list.length === 0) return;
  const cols = Object.keys(list[0]!);
  const per = Math.floor(10_000 / cols.length);
  for (let i = 0; i < list.length; i += per) {
    const params: unknown[] = [];
    const tuples = list.slice(i, i + per).map(
      (r) =>
        `(${cols
          .map((c) => {
            params.push(r[c]);
            return dialect === 'sqlite' ? '?' : `$${params.length}`;
          })
          .join(',')})`,
    );
    await query(
      `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(',')}) VALUES ${tuples.join(',')}`,
      params,
    );
  }
}

const triples = (list: StoredSample[]): [number, number, number][] =>
  list.map((s) => [s.seriesId, s.ts, s.value]);

/** Fields that differ between two apps by when they answered, not by what they store. */
const VOLATILE = new Set(['generatedAt', 'verifiedAt', 'revisions', 'revisedAt']);
/**
 * Receipt hashes cover the receive time, so batches posted to both apps after the upgrade hash differently; the chain
 * is then checked for validity instead.
 */
const HASHES = new Set(['hash']);
/** A restart forgets the chain checkpoint, so the ratings' chain check is a full pass again (same result). */
const RESTARTED = new Set([...HASHES, 'scope']);

/**
 * The body without `drop`'s keys. A running period's last gap ends at the moment of the request (ratings' gapsUntil),
 * which differs between the control's and the upgraded app's answers by milliseconds: such an end reads "now".
 */
function stripped<T>(body: T, drop: ReadonlySet<string>): T {
  const now = Date.now();
  return JSON.parse(
    JSON.stringify(body, (k: string, v: unknown) => {
      if (drop.has(k)) return undefined;
      if (k === 'to' && typeof v === 'string' && Math.abs(Date.parse(v) - now) < 120_000) return 'now';
      return v;
    }),
  ) as T;
}

const localYear = (ts: number): number => new Date(ts + SHANGHAI).getUTCFullYear();

describe.each(dialects())('upgrade of a previous-schema database on %s', (dialect) => {
  let control: TestApp;
  let upgraded: TestApp;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let admin: { control: string; upgraded: string };
  const tokens: Record<string, string> = {};
  let crashReceiptId = 0;
  const oldRollups: Record<string, number> = {};

  const boot = (d: typeof db): Promise<TestApp> =>
    // No background maintenance: the test decides when the old rows move (settle).
    bootTestAppOn(dialect, d, { RAW_MAINTAIN_MS: '3600000' });

  async function post(t: TestApp, code: string, samples: Sample[]): Promise<IngestResponse> {
    const res = await t.request('/api/v1/ingest', { method: 'POST', token: tokens[code], json: { samples } });
    const body = (await res.json()) as IngestResponse;
    if (res.status !== 200) throw new Error(`ingest ${code}: ${res.status} ${JSON.stringify(body)}`);
    expect(body.rejected).toEqual([]);
    return body;
  }

  /** The same batch to both apps, then both fold it in. */
  async function postBoth(batches: [string, Sample[]][]): Promise<void> {
    for (const [code, samples] of batches) {
      const [c, u] = [await post(control, code, samples), await post(upgraded, code, samples)];
      expect(u.accepted).toBe(samples.length);
      expect(u.accepted).toBe(c.accepted);
      expect(u.receipt.seq).toBe(c.receipt.seq); // the chain continues from the old receipts
    }
    await control.flush();
    await upgraded.flush();
  }

  const get = async <T>(t: TestApp, path: string): Promise<T> => {
    const res = await t.request(path, { token: t === control ? admin.control : admin.upgraded });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const series = (t: TestApp, code: string, metric: string, step: string) =>
    get<SeriesResponse>(
      t,
      `/api/v1/datacenters/${code}/series?metric=${metric}&step=${step}&from=${START - 24 * HOUR}&to=${NOW + 10 * MIN}`,
    );

  const pointAt = async (t: TestApp, code: string, metric: string, ts: number) => {
    const minute = ts - (ts % MIN);
    const res = await get<SeriesResponse>(
      t,
      `/api/v1/datacenters/${code}/series?metric=${metric}&step=1m&from=${minute}&to=${minute + MIN}`,
    );
    return res.series[0]!.points[0]!;
  };

  const rawOf = async (t: TestApp, code: string, metric: string): Promise<StoredSample[]> => {
    const [site] = await rows<{ id: number | string }>(t, `SELECT id FROM sites WHERE code = '${code}'`);
    return (await rawSamples(t)).filter((s) => s.siteId === Number(site!.id) && s.metric === metric);
  };

  /** Every series at every step: equal to the control's, point for point, and not empty. */
  async function expectSameSeries(): Promise<void> {
    for (const code of [A, B]) {
      for (const metric of METRICS[code]!) {
        for (const step of ['1m', '1h', '1d']) {
          const [c, u] = [
            await series(control, code, metric, step),
            await series(upgraded, code, metric, step),
          ];
          expect(u).toEqual(c);
          const filled = u.series[0]!.points.filter((p) => p.avg !== null).length;
          expect(filled).toBeGreaterThan(step === '1m' ? TICKS / 2 - 1 : step === '1h' ? 49 : 1);
        }
      }
    }
  }

  /** Ratings (list and detail, each year the data touches and the trailing 12 months), equal to the control's. */
  async function expectSameRatings(drop: ReadonlySet<string>): Promise<RatingsResponse[]> {
    const dropped = new Set([...VOLATILE, ...drop]);
    const specs = [...new Set([localYear(START), localYear(NOW)])].map((y) => `year=${y}`);
    specs.push('period=trailing12');
    const lists: RatingsResponse[] = [];
    for (const spec of specs) {
      const [c, u] = [
        await get<RatingsResponse>(control, `/api/v1/ratings?${spec}`),
        await get<RatingsResponse>(upgraded, `/api/v1/ratings?${spec}`),
      ];
      expect(stripped(u, dropped)).toEqual(stripped(c, dropped));
      lists.push(u);
      for (const code of [A, B]) {
        const [cd, ud] = [
          await get<RatingDetailResponse>(control, `/api/v1/ratings/${code}?${spec}`),
          await get<RatingDetailResponse>(upgraded, `/api/v1/ratings/${code}?${spec}`),
        ];
        expect(stripped(ud, dropped)).toEqual(stripped(cd, dropped));
        expect(ud.evidence.chainVerification.valid).toBe(true);
      }
    }
    // The data is rated at all: energy from counters (A) and from power (B) over the years it spans.
    const years = lists.filter((l) => l.year !== undefined);
    for (const code of [A, B]) {
      const kwh = years.reduce((sum, l) => sum + l.sites.find((s) => s.code === code)!.energy.facilityKwh, 0);
      expect(kwh).toBeGreaterThan(0);
      const rated = years
        .map((l) => l.sites.find((s) => s.code === code)!)
        .find((r) => r.energy.facilityKwh > 0)!;
      expect(rated.sources).toEqual(
        code === A ? { facility: 'counter', it: 'counter' } : { facility: 'power', it: 'power' },
      );
      expect(rated.pue).not.toBeNull();
    }
    return lists;
  }

  async function expectValidChains(): Promise<void> {
    for (const code of [A, B]) {
      const [c, u] = [
        await get<ChainVerification>(control, `/api/v1/datacenters/${code}/receipts/verify`),
        await get<ChainVerification>(upgraded, `/api/v1/datacenters/${code}/receipts/verify`),
      ];
      expect(u).toMatchObject({ valid: true, firstBroken: null, receipts: c.receipts });
      expect(u.receipts).toBeGreaterThan(5);
    }
  }

  // glitch_drop came after the previous version: its buckets keep 0 there, so it is not compared.
  const rollupRows = async (t: TestApp, step: string) =>
    (await rows(t, `SELECT * FROM rollup_${step} ORDER BY series_id, bucket`)).map((r) => {
      const { glitch_drop: _later, ...compared } = r;
      return compared;
    });

  beforeAll(async () => {
    // The control: today's app, given the history through today's ingest.
    control = await bootTestApp(dialect);
    for (const code of [A, B]) {
      await control.createSite(code, { hub: 'Guizhou', racks: 400, gridEmissionFactor: 0.5 });
      tokens[code] = (await control.createToken(code)).token;
    }
    // 5-hour batches, the sites interleaved as a fleet's gateways would send them.
    const crashed = CRASH_K;
    for (let k = 0; k < TICKS; k += 600) {
      for (const code of [A, B]) {
        const to = code === A ? Math.min(k + 600, crashed) : Math.min(k + 600, TICKS);
        if (to > k) await post(control, code, readings(code, k, to));
      }
    }
    await control.flush();
    // The batch the old version committed and then crashed before folding in: its samples are stored, its receipt
    // is pending, the rollups do not have it. It also corrects an earlier sample.
    const last = await post(control, A, [
      ...readings(A, crashed, TICKS),
      { metric: 'it_power_kw', ts: tsOf(CORRECTED_K), value: CORRECTED },
    ]);
    crashReceiptId = Number(last.receipt.id);

    // The previous version's database, holding what that version would have stored for the same history.
    db = await freshDatabase(dialect);
    const old = previousDataSource(dialect, db.url);
    await old.initialize();
    try {
      const ran = await old.runMigrations({ transaction: 'each' });
      expect(ran.map((m) => m.name)).not.toContain(UPGRADE);
      const copied = ['sites', 'series', 'ingest_tokens', 'receipts', 'rollup_1m', 'rollup_1h', 'rollup_1d'];
      const receipts = await rows<{ id: number | string; received_at: number | string }>(
        control,
        'SELECT id, received_at FROM receipts',
      );
      const receivedAt = new Map(receipts.map((r) => [Number(r.id), Number(r.received_at)]));
      const stored = await rawSamples(control);
      expect(stored.length).toBe(HISTORY);
      await old.transaction(async (m) => {
        const query: Query = (sql, params) => m.query(sql, params);
        for (const table of copied) {
          // Columns added after the previous version (rollups' glitch_drop, sites' grid_region, organization_id and
          // name_zh) are not in its schema.
          const list = (await rows(control, `SELECT * FROM "${table}"`)).map((r) => {
            const {
              glitch_drop: _added,
              grid_region: _region,
              organization_id: _owner,
              name_zh: _nameZh,
              ...before
            } = r;
            return before;
          });
          await insertRows(query, dialect, table, list);
          if (table.startsWith('rollup_')) oldRollups[table] = list.length;
        }
        // One row per (series, ts): the last write, with the receipt that wrote it, as the old ingest kept them.
        await insertRows(
          query,
          dialect,
          'samples',
          stored.map((s) => ({
            ts: s.ts,
            series_id: s.seriesId,
            value: s.value,
            ingested_at: receivedAt.get(s.receiptId)!,
            receipt_id: s.receiptId,
          })),
        );
        // The crashed batch belongs to an instance that is gone (the control is alive and holds its own lease).
        await m.query(
          dialect === 'sqlite'
            ? 'UPDATE receipts SET instance_id = ? WHERE id = ?'
            : 'UPDATE receipts SET instance_id = $1 WHERE id = $2',
          [randomUUID(), crashReceiptId],
        );
        if (dialect === 'postgres')
          for (const table of ['sites', 'series', 'receipts'])
            await m.query(
              `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT MAX(id) FROM "${table}"))`,
            );
      });
    } finally {
      await old.destroy();
    }
    await control.flush();

    upgraded = await boot(db);
    admin = { control: await control.login('admin'), upgraded: await upgraded.login('admin') };
  }, 300_000);

  afterAll(async () => {
    await upgraded?.close();
    await control?.close();
  });

  it('migrates at boot: the old rows kept as samples_legacy, nothing moved yet', async () => {
    const names = await rows<{ name: string }>(upgraded, 'SELECT name FROM migrations ORDER BY id');
    expect(names.map((r) => r.name)).toEqual(allMigrationNames(dialect));
    const legacy = await count(upgraded, 'SELECT COUNT(*) AS n FROM samples_legacy');
    expect(legacy).toBe(HISTORY);
    expect(HISTORY).toBeGreaterThan(20_000); // more than one page of the move
    expect(await count(upgraded, 'SELECT COUNT(*) AS n FROM raw_chunks')).toBe(0);
    expect(await count(upgraded, 'SELECT COUNT(*) AS n FROM raw_batches')).toBe(0);
    for (const [table, n] of Object.entries(oldRollups)) {
      expect(n).toBeGreaterThan(0);
      expect(await count(upgraded, `SELECT COUNT(*) AS n FROM ${table}`)).toBeGreaterThanOrEqual(n);
    }
  });

  it('reads back the same raw samples as the control stored from the same ingest', async () => {
    const [c, u] = [await rawSamples(control), await rawSamples(upgraded)];
    expect(u.length).toBe(HISTORY);
    expect(triples(u)).toEqual(triples(c));
    expect(u.every((s) => s.seq === 0)).toBe(true); // all of them from the old table
    const corrected = (await rawOf(upgraded, A, 'it_power_kw')).find((s) => s.ts === tsOf(CORRECTED_K));
    expect(corrected?.value).toBe(CORRECTED);
  });

  it('repairs at boot, from the old rows, the batch the old version never rolled up', async () => {
    const pending = dialect === 'sqlite' ? 'rolled_up = 0' : 'NOT rolled_up';
    expect(await count(upgraded, `SELECT COUNT(*) AS n FROM receipts WHERE ${pending}`)).toBe(0);
    for (const step of ['1m', '1h', '1d']) {
      const [c, u] = [await rollupRows(control, step), await rollupRows(upgraded, step)];
      expect(u.length).toBeGreaterThan(0);
      expect(u).toEqual(c);
    }
    // Independently of the control: the crashed batch's last minute and its corrected sample's minute.
    const lastK = TICKS - 1;
    const last = await pointAt(upgraded, A, 'it_power_kw', tsOf(lastK));
    const prev = valueOf(A, 'it_power_kw', lastK - 1);
    const newest = valueOf(A, 'it_power_kw', lastK);
    expect(last).toMatchObject({
      avg: (prev + newest) / 2,
      min: Math.min(prev, newest),
      max: Math.max(prev, newest),
    });
    const other = valueOf(A, 'it_power_kw', CORRECTED_K % 2 === 0 ? CORRECTED_K + 1 : CORRECTED_K - 1);
    expect(await pointAt(upgraded, A, 'it_power_kw', tsOf(CORRECTED_K))).toMatchObject({
      avg: (CORRECTED + other) / 2,
      max: CORRECTED,
    });
  });

  it('serves the same series, ratings and receipt chain as the control', async () => {
    await expectSameSeries();
    await expectSameRatings(new Set());
    await expectValidChains();
  });

  it('a new ingest over old rows wins, merges into their minutes, and reaches the ratings', async () => {
    const before = await get<RatingsResponse>(upgraded, `/api/v1/ratings?year=${localYear(ENERGY_FIX.ts)}`);
    // Appends of the minutes since, power only: the energy counters change by ENERGY_FIX alone.
    const fresh = (code: string) => readings(code, TICKS, TICKS + 6).filter((s) => s.metric.endsWith('_kw'));
    await postBoth([
      [A, [OVERWRITE, RESEND, ENERGY_FIX, ...fresh(A)]],
      [B, [LATE, ...fresh(B)]],
    ]);
    const [c, u] = [await rawSamples(control), await rawSamples(upgraded)];
    expect(triples(u)).toEqual(triples(c));
    expect(u.length).toBe(HISTORY + 1 + 6 * 4); // the late sample and the appends are new; the rest replaced
    const at = async (code: string, s: Sample) =>
      (await rawOf(upgraded, code, s.metric)).find((x) => x.ts === s.ts);
    for (const [code, s] of [
      [A, OVERWRITE],
      [A, ENERGY_FIX],
      [B, LATE],
    ] as const) {
      expect(await at(code, s)).toMatchObject({ value: s.value });
      expect((await at(code, s))!.seq).toBeGreaterThan(0);
    }
    // An identical resend changes no value (its batch keeps a copy at its own sequence, as without an upgrade).
    expect(await at(A, RESEND)).toMatchObject({ value: RESEND.value });
    const resendPair = [valueOf(A, RESEND.metric, RESEND_K), valueOf(A, RESEND.metric, RESEND_K + 1)];
    expect(await pointAt(upgraded, A, RESEND.metric, RESEND.ts)).toMatchObject({
      avg: (resendPair[0]! + resendPair[1]!) / 2,
      min: Math.min(...resendPair),
      max: Math.max(...resendPair),
    });

    // Independently of the control: the minutes the old rows and the new samples share.
    const k = (OVERWRITE.ts - START) / STEP;
    const kept = valueOf(A, 'it_power_kw', k - 1);
    expect(await pointAt(upgraded, A, 'it_power_kw', OVERWRITE.ts)).toEqual({
      t: new Date(OVERWRITE.ts - (OVERWRITE.ts % MIN)).toISOString(),
      avg: (kept + OVERWRITE.value) / 2,
      min: kept,
      max: OVERWRITE.value,
    });
    const k0 = (LATE.ts - 15 * SEC - START) / STEP;
    const around = [valueOf(B, LATE.metric, k0), LATE.value, valueOf(B, LATE.metric, k0 + 1)];
    expect(await pointAt(upgraded, B, LATE.metric, LATE.ts)).toMatchObject({
      avg: (around[0]! + around[1]! + around[2]!) / 3,
      min: Math.min(...around),
      max: Math.max(...around),
    });

    await expectSameSeries();
    const after = await expectSameRatings(HASHES);
    const energy = (l: RatingsResponse) => l.sites.find((s) => s.code === A)!.energy.facilityKwh;
    const year = after.find((l) => l.year === localYear(ENERGY_FIX.ts))!;
    expect(energy(year)).toBe(energy(before) + 50); // the correction of an old row is rated
    await expectValidChains();
  });

  it('the background move takes every old row into chunks without changing a read', async () => {
    const before = await rawSamples(upgraded);
    expect(await count(upgraded, 'SELECT COUNT(*) AS n FROM samples_legacy')).toBe(HISTORY);
    await upgraded.app.get(RawMaintenanceService).settle();
    if (dialect === 'sqlite') {
      // SQLite drops the emptied table.
      expect(
        await count(upgraded, "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'samples_legacy'"),
      ).toBe(0);
    } else {
      // PostgreSQL empties it and keeps it, so no instance's statement fails on a missing table.
      expect(await count(upgraded, 'SELECT COUNT(*) AS n FROM samples_legacy')).toBe(0);
    }
    expect(
      await count(upgraded, 'SELECT COALESCE(SUM(samples), 0) AS n FROM raw_chunks'),
    ).toBeGreaterThanOrEqual(HISTORY);
    // Identical, sequences included: the overwrites written before the move still win over the moved rows.
    expect(await rawSamples(upgraded)).toEqual(before);
    expect((await rawOf(upgraded, A, OVERWRITE.metric)).find((s) => s.ts === OVERWRITE.ts)?.value).toBe(
      OVERWRITE.value,
    );
    await expectSameSeries();
    await expectSameRatings(HASHES);
  });

  it('after the move, a new ingest over a moved row wins', async () => {
    await postBoth([
      [A, [MOVED_OVERWRITE_A]],
      [B, [MOVED_OVERWRITE_B]],
    ]);
    await upgraded.app.get(RawMaintenanceService).settle();
    const [c, u] = [await rawSamples(control), await rawSamples(upgraded)];
    expect(triples(u)).toEqual(triples(c));
    expect((await rawOf(upgraded, A, 'it_power_kw')).find((s) => s.ts === MOVED_OVERWRITE_A.ts)?.value).toBe(
      MOVED_OVERWRITE_A.value,
    );
    expect((await rawOf(upgraded, B, 'it_power_kw')).find((s) => s.ts === MOVED_OVERWRITE_B.ts)?.value).toBe(
      MOVED_OVERWRITE_B.value,
    );
    await expectSameSeries();
    await expectSameRatings(HASHES);
  });

  it('a restart on the upgraded database migrates nothing more and reads the same', async () => {
    const before = await rawSamples(upgraded);
    await upgraded.app.close();
    upgraded = await boot(db);
    admin.upgraded = await upgraded.login('admin');
    const names = await rows<{ name: string }>(upgraded, 'SELECT name FROM migrations ORDER BY id');
    expect(names.map((r) => r.name)).toEqual(allMigrationNames(dialect));
    expect(await rawSamples(upgraded)).toEqual(before);
    await expectSameSeries();
    await expectSameRatings(RESTARTED);
  });
});

describe.each(dialects())('upgrade of an aligned fleet on %s', (dialect) => {
  // More series than one move page (20,000 rows) reporting on the same timestamp: a move paged by ts alone found
  // nothing it could take from a page holding one ts, and never finished.
  const SERIES = 20_001;
  const at = Math.floor((NOW - 3 * HOUR) / HOUR) * HOUR;

  it('moves every old row into chunks when more rows than a page share one timestamp', async () => {
    const db = await freshDatabase(dialect);
    const old = previousDataSource(dialect, db.url);
    await old.initialize();
    try {
      await old.runMigrations({ transaction: 'each' });
      const list = Array.from({ length: SERIES }, (_, i) => ({
        ts: at,
        series_id: i + 1,
        value: i + 0.5,
        ingested_at: at,
        receipt_id: 1,
      }));
      list.push({ ts: at + 10 * SEC, series_id: 1, value: 7.25, ingested_at: at, receipt_id: 1 });
      await old.transaction((m) =>
        insertRows((sql, params) => m.query(sql, params), dialect, 'samples', list),
      );
    } finally {
      await old.destroy();
    }
    const t = await bootTestAppOn(dialect, db, { RAW_MAINTAIN_MS: '3600000' });
    try {
      await t.app.get(RawMaintenanceService).settle();
      if (dialect === 'sqlite')
        expect(await count(t, "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'samples_legacy'")).toBe(
          0,
        );
      else expect(await count(t, 'SELECT COUNT(*) AS n FROM samples_legacy')).toBe(0);
      expect(await count(t, 'SELECT COUNT(*) AS n FROM raw_chunks')).toBe(SERIES);
      expect(await count(t, 'SELECT SUM(samples) AS n FROM raw_chunks')).toBe(SERIES + 1);
    } finally {
      await t.close();
    }
  }, 120_000);
});
