/**
 * Raw storage under faults, at process level on each database (docs/architecture.md, "Raw storage" and
 * "Retention"):
 *
 * - The built API is SIGKILLed again and again while its compactor moves acknowledged batches (with overwrites
 *   across batches) into hourly chunks: at a chunk write caught in progress and at varied delays. After every
 *   crash each acknowledged sample reads back exactly once with its last-written value, every chunk decodes whole
 *   and holds only values an acknowledged batch wrote, and the receipts are exactly the acknowledged ones. Once
 *   compaction finishes only the batch straddling the horizon is left (advanced), and the rollups equal the raw
 *   samples.
 * - Retention removes expired raw chunks and minutes while clients keep ingesting current data: every request
 *   gets its 200, nothing acknowledged is lost, expired raw samples and minutes are gone, hours and days stay.
 *   Request latency before, during and after retention is printed, never asserted.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalLabels, type IngestResponse, type SeriesResponse } from '@dcfleet/contracts';
import { decodeChunk } from '../src/telemetry/raw-codec';
import { COMPACT_GRACE_MS, windowOf } from '../src/telemetry/raw-layout';
import { requireBuiltApi, startApi, type ApiProcess } from './support/api-process';
import { copySqlite, openDirect, rawSamplesDirect, type DirectDb } from './support/db';
import { ADMIN_PASSWORD, dialects, freshDatabase, type Dialect } from './support/harness';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

type Db = Awaited<ReturnType<typeof freshDatabase>>;

interface Sample {
  metric: string;
  labels: Record<string, string>;
  ts: number;
  value: number;
}

interface Write {
  seq: number;
  receiptId: number;
  value: number;
}

/** Series identity as the API keys it: metric and canonical label string (the `series` table's columns). */
const seriesKey = (metric: string, labelKey: string) => `${metric}${labelKey}`;

/** What the API acknowledged with a 200: every write of each (series, ts) in commit order, and the receipts. */
class Ledger {
  /** Series key → ts → writes. */
  readonly series = new Map<string, Map<number, Write[]>>();
  readonly receipts = new Map<number, { seq: number; accepted: number }>();
  size = 0;

  record(samples: readonly Sample[], res: IngestResponse): void {
    const receiptId = Number(res.receipt.id);
    const seq = res.receipt.seq;
    this.receipts.set(receiptId, { seq, accepted: res.accepted });
    for (const s of samples) {
      const key = seriesKey(s.metric, canonicalLabels(s.labels));
      let m = this.series.get(key);
      if (!m) this.series.set(key, (m = new Map()));
      const list = m.get(s.ts);
      if (list) list.push({ seq, receiptId, value: s.value });
      else {
        m.set(s.ts, [{ seq, receiptId, value: s.value }]);
        this.size++;
      }
    }
  }

  writes(series: string, ts: number): Write[] | undefined {
    return this.series.get(series)?.get(ts);
  }

  /** The write a (series, ts) must read as: the highest sequence, which the site's chain makes the last commit. */
  last(series: string, ts: number): Write | undefined {
    return this.writes(series, ts)?.reduce((a, b) => (b.seq > a.seq ? b : a));
  }

  /** Last-written values of one metric's series: series key → ts → value. */
  expected(metric: string): Map<string, Map<number, number>> {
    const out = new Map<string, Map<number, number>>();
    for (const [series, points] of this.series) {
      if (series !== metric && !series.startsWith(`${metric}{`)) continue;
      out.set(series, new Map([...points.keys()].map((ts) => [ts, this.last(series, ts)!.value])));
    }
    return out;
  }
}

interface Posted {
  status: number | 'error';
  body?: IngestResponse;
  /** When the request was sent (performance.now()) and how long its answer took. */
  at: number;
  ms: number;
}

async function post(url: string, token: string, samples: readonly Sample[]): Promise<Posted> {
  const at = performance.now();
  try {
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ samples }),
    });
    const body = res.status === 200 ? ((await res.json()) as IngestResponse) : undefined;
    if (res.status !== 200) await res.text();
    return { status: res.status, body, at, ms: performance.now() - at };
  } catch {
    return { status: 'error', at, ms: performance.now() - at };
  }
}

/** Posts a batch that must be acknowledged in full, and records it. */
async function postAcked(
  url: string,
  token: string,
  samples: readonly Sample[],
  ledger: Ledger,
): Promise<IngestResponse> {
  const r = await post(url, token, samples);
  expect(r.status).toBe(200);
  expect(r.body!.accepted).toBe(samples.length);
  ledger.record(samples, r.body!);
  return r.body!;
}

function boot(db: Db, env: Record<string, string>): Promise<ApiProcess> {
  return startApi({
    DATABASE_URL: db.url,
    DATA_DIR: db.dataDir,
    ADMIN_PASSWORD,
    INGEST_MAX_SAMPLES: '20000',
    ...env,
  });
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Creates a site on UTC (its day buckets are plain UTC days) and returns an ingest token for it. */
async function createSite(url: string, code: string): Promise<string> {
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${await login(url)}` };
  const site = await fetch(`${url}/api/v1/datacenters`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ code, name: code, timezone: 'UTC' }),
  });
  expect(site.status).toBe(201);
  const tk = await fetch(`${url}/api/v1/datacenters/${code}/tokens`, {
    method: 'POST',
    headers: auth,
    body: '{}',
  });
  expect(tk.status).toBe(201);
  return ((await tk.json()) as { token: string }).token;
}

async function seriesPoints(url: string, code: string, query: string): Promise<SeriesResponse> {
  const res = await fetch(`${url}/api/v1/datacenters/${code}/series?${query}`, {
    headers: { authorization: `Bearer ${await login(url)}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as SeriesResponse;
}

async function scalar(d: DirectDb, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await d.query<{ n: number | string | null }>(sql, params);
  return Number(row?.n ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Series ids of a database → series key. */
async function seriesKeys(d: DirectDb): Promise<Map<number, string>> {
  const rows = await d.query<{ id: number | string; metric: string; labels: string }>(
    'SELECT id, metric, labels FROM series',
  );
  return new Map(rows.map((r) => [Number(r.id), seriesKey(r.metric, r.labels)]));
}

/**
 * Stored raw samples (batches and chunks, last write resolved) against the ledger: each acknowledged (series, ts)
 * exactly once, with its last-written value and the receipt that wrote it. `metrics` limits the comparison.
 */
async function expectRawMatches(url: string, ledger: Ledger, metrics?: string[]): Promise<number> {
  const d = await openDirect(url);
  const keys = await seriesKeys(d).finally(() => d.close());
  const stored = await rawSamplesDirect(url);
  const wanted = (series: string) =>
    !metrics || metrics.some((m) => series === m || series.startsWith(`${m}{`));
  const wrong: string[] = [];
  let n = 0;
  let prev = { series: -1, ts: -Infinity };
  for (const x of stored) {
    const series = keys.get(x.seriesId)!;
    if (!wanted(series)) continue;
    n++;
    // The read is ordered by series, then time: a sample read twice would repeat its predecessor.
    if (x.seriesId === prev.series && x.ts <= prev.ts) wrong.push(`${series}@${x.ts}: read twice`);
    prev = { series: x.seriesId, ts: x.ts };
    const want = ledger.last(series, x.ts);
    if (!want) wrong.push(`${series}@${x.ts}: ${x.value} was never acknowledged`);
    else if (want.value !== x.value || want.receiptId !== x.receiptId)
      wrong.push(
        `${series}@${x.ts}: reads ${x.value} (receipt ${x.receiptId}), last write ${want.value} (receipt ${want.receiptId})`,
      );
    if (wrong.length >= 10) break;
  }
  expect(wrong).toEqual([]);
  let acked = 0;
  for (const [series, points] of ledger.series) if (wanted(series)) acked += points.size;
  expect(n).toBe(acked);
  return n;
}

interface Agg {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Aggregates of last-written values per (series, bucket). */
function aggregate(
  expected: Map<string, Map<number, number>>,
  bucketOf: (ts: number) => number,
): Map<string, Agg> {
  const out = new Map<string, Agg>();
  for (const [series, points] of expected) {
    for (const [ts, v] of points) {
      const key = `${series}|${bucketOf(ts)}`;
      const a = out.get(key);
      if (!a) out.set(key, { count: 1, sum: v, min: v, max: v });
      else {
        a.count++;
        a.sum += v;
        a.min = Math.min(a.min, v);
        a.max = Math.max(a.max, v);
      }
    }
  }
  return out;
}

type Step = '1m' | '1h' | '1d';
const BUCKET: Record<Step, (ts: number) => number> = {
  '1m': (t) => t - (t % MIN),
  '1h': (t) => t - (t % HOUR),
  // The sites here are on UTC.
  '1d': (t) => t - (t % DAY),
};

/** Stored rollup rows of one step for one metric's series, keyed like `aggregate`. */
async function storedRollups(d: DirectDb, step: Step, metric: string): Promise<Map<string, Agg>> {
  const keys = await seriesKeys(d);
  const rows = await d.query<{
    series_id: number | string;
    bucket: number | string;
    count: number | string;
    sum: number;
    min: number;
    max: number;
  }>(
    `SELECT r.series_id, r.bucket, r.count, r.sum, r.min, r.max FROM rollup_${step} r
       JOIN series s ON s.id = r.series_id WHERE s.metric = $1`,
    [metric],
  );
  return new Map(
    rows.map((r) => [
      `${keys.get(Number(r.series_id))}|${Number(r.bucket)}`,
      { count: Number(r.count), sum: Number(r.sum), min: Number(r.min), max: Number(r.max) },
    ]),
  );
}

/** The first differences between two keyed maps: readable failures over tens of thousands of rows. */
function differences<V>(got: Map<string, V>, want: Map<string, V>, limit = 10): string[] {
  const out: string[] = [];
  for (const [k, w] of want) {
    const g = got.get(k);
    if (JSON.stringify(g) !== JSON.stringify(w))
      out.push(`${k}: got ${JSON.stringify(g)}, want ${JSON.stringify(w)}`);
    if (out.length >= limit) return out;
  }
  for (const [k, g] of got) {
    if (!want.has(k)) out.push(`${k}: unexpected ${JSON.stringify(g)}`);
    if (out.length >= limit) return out;
  }
  return out;
}

/** The stored rollups of these steps equal the aggregates of the ledger's last-written values of a metric. */
async function expectRollupsMatch(url: string, ledger: Ledger, metric: string, steps: Step[]): Promise<void> {
  const d = await openDirect(url);
  try {
    const expected = ledger.expected(metric);
    for (const step of steps) {
      const want = aggregate(expected, BUCKET[step]);
      const got = await storedRollups(d, step, metric);
      expect(differences(got, want)).toEqual([]);
      expect(got.size).toBe(want.size);
      expect(want.size).toBeGreaterThan(0);
    }
  } finally {
    await d.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function latencyLine(label: string, ms: readonly number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  return `${label.padEnd(16)} n=${String(s.length).padStart(5)}  p50=${f(percentile(s, 50))}  p99=${f(percentile(s, 99))}  max=${f(s[s.length - 1] ?? NaN)}`;
}

describe.each(dialects())('raw storage faults of the built API on %s', (dialect: Dialect) => {
  describe('SIGKILL while compaction moves acknowledged batches into chunks', () => {
    const SITE = 'FLT-KILL';
    const RACKS = 120;
    const HOURS = 6;
    const STEP = 10 * SEC;
    const PER_HOUR = HOUR / STEP;
    const TICKS = HOURS * PER_HOUR;
    const SLICE_TICKS = (10 * MIN) / STEP;
    // Six hour windows closed long ago, all before the compaction horizon (which follows the feed's newest sample).
    const T0 = Math.floor((Date.now() - 10 * HOUR) / HOUR) * HOUR;
    const rack = (s: number) => ({ rack: `R${String(s).padStart(3, '0')}` });
    // Quarter fractions keep every sum exact in binary, so rollups compare with ===.
    const base = (s: number, k: number) => 100 + ((s * 7 + k * 13) % 900) + 0.25;
    const sample = (s: number, k: number, value: number): Sample => ({
      metric: 'x_rack_kw',
      labels: rack(s),
      ts: T0 + k * STEP,
      value,
    });
    /** Rack samples of the selected racks and ticks, with a value function. */
    const pick = (
      rackOk: (s: number) => boolean,
      tickOk: (k: number) => boolean,
      value: (s: number, k: number) => number,
    ): Sample[] => {
      const out: Sample[] = [];
      for (let s = 0; s < RACKS; s++) {
        if (!rackOk(s)) continue;
        for (let k = 0; k < TICKS; k++) if (tickOk(k)) out.push(sample(s, k, value(s, k)));
      }
      return out;
    };
    /**
     * Where each life is killed, counted from its first compaction step (SQLite: the writer lock seen held;
     * PostgreSQL: a transaction seen open on raw_chunks, or the counts moving): after `afterMs`, then at once or at
     * the next chunk write caught in progress. The first kill lands in the very first chunk transaction; whatever
     * compaction is left after the last one is finished by the next test. `afterChunks`: killed as soon as this
     * life's first chunks are committed, whatever the machine's speed (fixed delays alone missed that moment on a
     * slow day: every PostgreSQL kill landed before the first commit).
     */
    const PLAN: { afterMs: number; atWrite: boolean; afterChunks?: boolean }[] = [
      { afterMs: 0, atWrite: true },
      { afterMs: 60, atWrite: true },
      { afterMs: 0, atWrite: false, afterChunks: true },
      { afterMs: 40, atWrite: false },
      { afterMs: 100, atWrite: true },
      { afterMs: 20, atWrite: false },
      { afterMs: 150, atWrite: true },
      { afterMs: 80, atWrite: false },
    ];
    // Maintenance starts ~1 s after boot: after this suite has posted the life's overwrite and is watching.
    const LIFE_ENV = { RAW_MAINTAIN_MS: '1000', ROLLUP_FLUSH_MS: '200' };

    let db: Db;
    let api: ApiProcess | undefined;
    let token = '';
    let siteId = 0;
    let feedReceipt = 0;
    let feedHorizon = 0;
    const loadReceipts = new Set<number>();
    const ledger = new Ledger();

    /**
     * The on-disk state as a restart finds it: the receipts are exactly the acknowledged ones, with no gap in the
     * chain; every chunk decodes whole, its row matches its payload, its timestamps are unique and inside its window,
     * and each of its samples is a value an acknowledged batch wrote at that (series, ts) with that batch's
     * sequence; every batch row belongs to an acknowledged receipt; and the resolved reads give each acknowledged
     * sample exactly once with its last-written value.
     */
    async function checkStorage(
      url: string,
    ): Promise<{ batchReceipts: number[]; chunks: number; chunkSamples: number }> {
      const d = await openDirect(url);
      const bad: string[] = [];
      let chunks = 0;
      let chunkSamples = 0;
      let batchReceipts: number[] = [];
      try {
        const keys = await seriesKeys(d);
        const receipts = await d.query<{
          id: number | string;
          seq: number | string;
          accepted: number | string;
        }>('SELECT id, seq, accepted FROM receipts WHERE site_id = $1 ORDER BY seq', [siteId]);
        const acked = [...ledger.receipts].sort((a, b) => a[1].seq - b[1].seq);
        expect(receipts.map((r) => [Number(r.id), Number(r.seq), Number(r.accepted)])).toEqual(
          acked.map(([id, r]) => [id, r.seq, r.accepted]),
        );
        expect(receipts.map((r) => Number(r.seq))).toEqual(receipts.map((_, i) => i + 1));

        const rows = await d.query<{
          window_start: number | string;
          series_id: number | string;
          samples: number | string;
          min_ts: number | string;
          max_ts: number | string;
          payload: Uint8Array;
        }>('SELECT window_start, series_id, samples, min_ts, max_ts, payload FROM raw_chunks');
        for (const r of rows) {
          const w = Number(r.window_start);
          const series = keys.get(Number(r.series_id)) ?? `series ${r.series_id}`;
          const where = `chunk ${series}@${new Date(w).toISOString()}`;
          let c: ReturnType<typeof decodeChunk>;
          try {
            c = decodeChunk(r.payload);
          } catch (err) {
            bad.push(`${where}: does not decode (${(err as Error).message})`);
            continue;
          }
          chunks++;
          const n = c.ts.length;
          chunkSamples += n;
          if (
            n === 0 ||
            n !== Number(r.samples) ||
            c.ts[0] !== Number(r.min_ts) ||
            c.ts[n - 1] !== Number(r.max_ts)
          )
            bad.push(
              `${where}: ${n} samples ${c.ts[0]}..${c.ts[n - 1]}, row: ${r.samples} ${r.min_ts}..${r.max_ts}`,
            );
          for (let i = 0; i < n; i++) {
            const ts = c.ts[i]!;
            if (windowOf(ts) !== w) bad.push(`${where}: ${ts} outside the window`);
            if (i > 0 && ts <= c.ts[i - 1]!)
              bad.push(`${where}: ${ts} not after ${c.ts[i - 1]} (duplicate?)`);
            if (!ledger.writes(series, ts)?.some((x) => x.seq === c.seqs[i] && x.value === c.values[i]))
              bad.push(
                `${where}: ${ts} holds ${c.values[i]} at seq ${c.seqs[i]}, which no acknowledged batch wrote`,
              );
          }
        }
        const batches = await d.query<{ receipt_id: number | string; seq: number | string }>(
          'SELECT receipt_id, seq FROM raw_batches',
        );
        batchReceipts = batches.map((b) => Number(b.receipt_id));
        for (const b of batches) {
          if (ledger.receipts.get(Number(b.receipt_id))?.seq !== Number(b.seq))
            bad.push(`batch row of receipt ${b.receipt_id} (seq ${b.seq}) was never acknowledged`);
        }
      } finally {
        await d.close();
      }
      expect(bad.slice(0, 10)).toEqual([]);
      await expectRawMatches(url, ledger);
      return { batchReceipts, chunks, chunkSamples };
    }

    beforeAll(async () => {
      requireBuiltApi();
      db = await freshDatabase(dialect);
    });
    afterAll(async () => {
      await api?.kill();
      await db?.drop();
    });

    it('acknowledges 260,000 samples in closed windows, with overwrites across batches, maintenance held off', async () => {
      const started = performance.now();
      const a = await boot(db, { RAW_MAINTAIN_MS: '3600000', ROLLUP_FLUSH_MS: '200' });
      api = a;
      token = await createSite(a.url, SITE);

      // Ten-minute slices of every rack, one batch each: every hour window is spread over six batches.
      const slice = (j: number) =>
        pick(
          () => true,
          (k) => k >= j * SLICE_TICKS && k < (j + 1) * SLICE_TICKS,
          base,
        );
      // Two at a time: their samples are disjoint, so their commit order does not matter.
      for (let j = 0; j < TICKS / SLICE_TICKS; j += 2) {
        const pair = [slice(j), slice(j + 1)];
        const res = await Promise.all(pair.map((b) => post(a.url, token, b)));
        res.forEach((r, i) => {
          expect(r.status).toBe(200);
          ledger.record(pair[i]!, r.body!);
        });
      }
      // Later batches overwriting samples across all six windows: the second overwrites part of the first; the
      // third re-sends original values unchanged (same value, higher sequence).
      const overwrites: Parameters<typeof pick>[] = [
        [(s) => s % 3 === 0, (k) => k % 5 === 0, (s, k) => base(s, k) + 1000.25],
        [(s) => s % 6 === 0, (k) => k % 10 === 0, (s, k) => base(s, k) + 2000.5],
        [(s) => s % 4 === 1, (k) => k % 7 === 3, base],
      ];
      for (const args of overwrites) await postAcked(a.url, token, pick(...args), ledger);
      for (const id of ledger.receipts.keys()) loadReceipts.add(id);
      // One batch straddling the compaction horizon: its closed part goes into chunks, its row stays, advanced.
      const feed: Sample[] = [];
      for (let t = Math.floor((Date.now() - 3 * HOUR) / STEP) * STEP; t < Date.now() - MIN; t += STEP)
        feed.push({ metric: 'x_feed_kw', labels: {}, ts: t, value: 500 + ((t / STEP) % 97) + 0.75 });
      feedReceipt = Number((await postAcked(a.url, token, feed, ledger)).receipt.id);
      feedHorizon = windowOf(feed[feed.length - 1]!.ts - COMPACT_GRACE_MS);

      const d = await openDirect(db.url);
      try {
        siteId = await scalar(d, 'SELECT id AS n FROM sites WHERE code = $1', [SITE]);
        await waitFor(
          'the rollups of every batch',
          async () => (await scalar(d, 'SELECT COUNT(*) AS n FROM receipts WHERE NOT rolled_up')) === 0,
        );
        // Nothing is compacted yet: all of it is ahead of the kills.
        expect(await scalar(d, 'SELECT COUNT(*) AS n FROM raw_chunks')).toBe(0);
        expect(await scalar(d, 'SELECT COUNT(*) AS n FROM raw_batches')).toBe(ledger.receipts.size);
      } finally {
        await d.close();
      }
      await a.kill('SIGTERM');
      api = undefined;
      expect(ledger.size).toBe(RACKS * TICKS + feed.length);
      console.log(
        `[${dialect}] loaded ${ledger.size} samples in ${ledger.receipts.size} batches in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    });

    it('after every SIGKILL during compaction, each acknowledged sample reads back once, last write winning', async () => {
      const outcomes: string[] = [];
      let partWay = 0;
      for (let life = 1; life <= PLAN.length; life++) {
        const plan = PLAN[life - 1]!;
        const a = await boot(db, LIFE_ENV);
        api = a;
        // A late overwrite each life, acknowledged before the kill: it lands beside (or on top of) chunks.
        await postAcked(
          a.url,
          token,
          pick(
            (s) => s % 4 === life % 4,
            (k) => k % 36 === life,
            (s, k) => base(s, k) + 3000 + life + 0.5,
          ),
          ledger,
        );

        // SQLite: probe the writer lock (BEGIN IMMEDIATE fails at once while a transaction writes). PostgreSQL: an
        // open transaction whose statement touches raw_chunks (putChunks between its BEGIN and COMMIT).
        const d = await openDirect(db.url);
        const probe = dialect === 'sqlite' ? new Database(db.url.slice('sqlite:'.length)) : undefined;
        probe?.pragma('busy_timeout = 0');
        const writing = async (): Promise<boolean> => {
          if (!probe)
            return (
              (await scalar(
                d,
                `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database()
                   AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND query LIKE '%raw_chunks%'
                   AND query NOT LIKE '%pg_stat_activity%'`,
              )) > 0
            );
          try {
            probe.exec('BEGIN IMMEDIATE');
            probe.exec('ROLLBACK');
            return false;
          } catch (err) {
            if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
            throw err;
          }
        };
        // Batches left, then chunks, their samples and their bytes: a chunk rewrite that adds no row and no sample
        // (this life's overwrite merged into a chunk written before) still changes its payload.
        const counts = async () =>
          `${await scalar(d, 'SELECT COUNT(*) AS n FROM raw_batches')}/${await scalar(d, 'SELECT COUNT(*) AS n FROM raw_chunks')}/` +
          `${await scalar(d, 'SELECT COALESCE(SUM(samples), 0) AS n FROM raw_chunks')}/` +
          `${await scalar(d, 'SELECT COALESCE(SUM(length(payload)), 0) AS n FROM raw_chunks')}`;
        const until = async (cond: () => Promise<boolean>, timeoutMs: number) => {
          const deadline = performance.now() + timeoutMs;
          while (performance.now() < deadline) {
            if (await cond()) return true;
            await sleep(1);
          }
          return false;
        };
        let caught = false;
        try {
          // The overwrite is folded into the rollups first, so the writer seen busy next is the compactor.
          await waitFor(
            'the overwrite to be rolled up',
            async () => (await scalar(d, 'SELECT COUNT(*) AS n FROM receipts WHERE NOT rolled_up')) === 0,
          );
          const before = await counts();
          expect(await until(async () => (await writing()) || (await counts()) !== before, 15_000)).toBe(
            true,
          );
          if (plan.afterChunks) {
            // Committed: new chunks, or chunks rewritten, or — when every chunk write of the batches taken repeats
            // what an earlier life already wrote — the batches dropped after them.
            expect(await until(async () => (await counts()) !== before, 15_000)).toBe(true);
          }
          await sleep(plan.afterMs);
          // Compaction may be over by then: a write is waited for only briefly.
          if (plan.atWrite) caught = await until(writing, 2_000);
        } finally {
          // Closed before the kill: SQLite's last connection to close would checkpoint the WAL the restart replays.
          probe?.close();
          await d.close();
        }
        a.child.kill('SIGKILL');
        await a.kill();
        expect(a.child.signalCode).toBe('SIGKILL');
        api = undefined;

        // SQLite is checked on a copy of the crashed files: the restart is the first to open the originals.
        const dir = join(db.dataDir, `crash-${life}`);
        const state = await checkStorage(dialect === 'sqlite' ? copySqlite(db.url, dir) : db.url);
        rmSync(dir, { recursive: true, force: true });
        const loadLeft = state.batchReceipts.filter((id) => loadReceipts.has(id)).length;
        if (loadLeft > 0 && state.chunks > 0) partWay++;
        outcomes.push(
          `life ${life}, killed ${plan.afterChunks ? 'at its first chunks committed' : `${plan.afterMs} ms in`}${plan.atWrite ? (caught ? (dialect === 'sqlite' ? ', writer lock held' : ', chunk transaction open') : ', no write seen') : ''}: ` +
            `${loadLeft} loaded batches left, ${state.batchReceipts.length} batch rows, ${state.chunks} chunks holding ${state.chunkSamples} samples`,
        );
        if (loadLeft === 0) break;
      }
      console.log(`[${dialect}] SIGKILLs during compaction:\n  ${outcomes.join('\n  ')}`);
      // At least one crash left compaction half done: chunks written and loaded batches still waiting.
      expect(partWay).toBeGreaterThan(0);
    });

    it('once compaction finishes: only the straddling batch is left, advanced; every sample in chunks; rollups equal to raw', async () => {
      const a = await boot(db, LIFE_ENV);
      api = a;
      const d = await openDirect(db.url);
      try {
        await waitFor('compaction to finish', async () => {
          const rows = await d.query<{ receipt_id: number | string; done_below: number | string }>(
            'SELECT receipt_id, done_below FROM raw_batches',
          );
          const pending = await scalar(d, 'SELECT COUNT(*) AS n FROM receipts WHERE NOT rolled_up');
          return pending === 0 && rows.length === 1 && Number(rows[0]!.done_below) === feedHorizon;
        });
        const [row] = await d.query<{ receipt_id: number | string }>('SELECT receipt_id FROM raw_batches');
        expect(Number(row!.receipt_id)).toBe(feedReceipt);
      } finally {
        await d.close();
      }
      const state = await checkStorage(db.url);
      const feedBelow = [...ledger.expected('x_feed_kw').values()]
        .flatMap((m) => [...m.keys()])
        .filter((t) => t < feedHorizon);
      expect(feedBelow.length).toBeGreaterThan(0);
      expect(state.chunkSamples).toBe(RACKS * TICKS + feedBelow.length);
      expect(state.chunks).toBe(RACKS * HOURS + new Set(feedBelow.map(windowOf)).size);

      // The rollups equal the raw samples' last-written values, bucket by bucket.
      await expectRollupsMatch(db.url, ledger, 'x_rack_kw', ['1m', '1h', '1d']);
      await expectRollupsMatch(db.url, ledger, 'x_feed_kw', ['1m', '1h', '1d']);
      // And the API serves them: rack R000 (all three load overwrites) minute by minute over its first hour.
      const body = await seriesPoints(
        a.url,
        SITE,
        `metric=x_rack_kw&label.rack=R000&step=1m&from=${T0}&to=${T0 + HOUR}`,
      );
      expect(body.series).toHaveLength(1);
      const minutes = aggregate(
        new Map([['r', ledger.expected('x_rack_kw').get(seriesKey('x_rack_kw', canonicalLabels(rack(0))))!]]),
        BUCKET['1m'],
      );
      const points = body.series[0]!.points.map((p) => [Date.parse(p.t), p.avg, p.min, p.max]);
      expect(points).toHaveLength(60);
      expect(points).toEqual(
        points.map(([t]) => {
          const m = minutes.get(`r|${t}`)!;
          return [t, m.sum / m.count, m.min, m.max];
        }),
      );
      await a.kill('SIGTERM');
      api = undefined;
    });
  });

  describe('retention while clients keep ingesting', () => {
    const SITE = 'FLT-RET';
    const RETENTION_DAYS = 2;
    const HIST = 60;
    // Two whole UTC days, 3 to 5 days old: beyond both retentions, with complete day buckets.
    const OLD_FROM = Math.floor((Date.now() - 5 * DAY) / DAY) * DAY;
    const OLD_TO = OLD_FROM + 2 * DAY;
    // Four hours 30 h old: within both retentions, so kept.
    const KEEP_FROM = Math.floor((Date.now() - 30 * HOUR) / HOUR) * HOUR;
    const CLIENTS = 4;
    const LIVE_RACKS = 25;
    const LIVE_TICKS = 8;
    const LIVE_STEP = 100;

    let db: Db;
    let api: ApiProcess | undefined;
    let token = '';
    const ledger = new Ledger();
    const hist = (s: number, m: number): Sample => ({
      metric: 'x_hist_kw',
      labels: { rack: `H${String(s).padStart(2, '0')}` },
      ts: OLD_FROM + m * MIN + s * SEC,
      value: 50 + ((s * 11 + m * 7) % 400) + 0.25,
    });

    beforeAll(async () => {
      requireBuiltApi();
      db = await freshDatabase(dialect);
    });
    afterAll(async () => {
      await api?.kill();
      await db?.drop();
    });

    it('first life, default retention: two days of minute data 3-5 days old and 4 hours 30 h old, compacted', async () => {
      const started = performance.now();
      // Sites count as quiet at once: this data, days old, is compacted by wall time as it arrives.
      const a = await boot(db, { RAW_MAINTAIN_MS: '100', RAW_COMPACT_QUIET_S: '0', ROLLUP_FLUSH_MS: '200' });
      api = a;
      token = await createSite(a.url, SITE);
      // Two-hour slices of every series; two at a time (disjoint samples).
      const slice = (j: number) => {
        const out: Sample[] = [];
        for (let s = 0; s < HIST; s++) for (let m = j * 120; m < (j + 1) * 120; m++) out.push(hist(s, m));
        return out;
      };
      for (let j = 0; j < 24; j += 2) {
        const pair = [slice(j), slice(j + 1)];
        const res = await Promise.all(pair.map((b) => post(a.url, token, b)));
        res.forEach((r, i) => {
          expect(r.status).toBe(200);
          ledger.record(pair[i]!, r.body!);
        });
      }
      const keep: Sample[] = [];
      for (let s = 0; s < 10; s++)
        for (let m = 0; m < 240; m++)
          keep.push({
            metric: 'x_keep_kw',
            labels: { rack: `K${s}` },
            ts: KEEP_FROM + m * MIN,
            value: 20 + s + (m % 13) + 0.5,
          });
      await postAcked(a.url, token, keep, ledger);

      const d = await openDirect(db.url);
      try {
        await waitFor('compaction and rollups of the first life', async () => {
          const pending = await scalar(d, 'SELECT COUNT(*) AS n FROM receipts WHERE NOT rolled_up');
          return pending === 0 && (await scalar(d, 'SELECT COUNT(*) AS n FROM raw_batches')) === 0;
        });
        expect(
          await scalar(d, 'SELECT COUNT(*) AS n FROM raw_chunks WHERE window_start < $1', [OLD_TO]),
        ).toBe(HIST * 48);
        expect(await scalar(d, 'SELECT COUNT(*) AS n FROM rollup_1m WHERE bucket < $1', [OLD_TO])).toBe(
          HIST * 2 * 1440,
        );
      } finally {
        await d.close();
      }
      await a.kill('SIGTERM');
      api = undefined;
      console.log(
        `[${dialect}] retention: loaded ${ledger.size} samples in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    });

    it(`restarted with ${RETENTION_DAYS}-day retention under concurrent ingest: every request 200, nothing acknowledged lost`, async () => {
      // The first maintenance pass (with retention: it runs at most once a minute, first at the first pass) comes
      // 3 s after boot, so the clients below measure a baseline first.
      const a = await boot(db, {
        RAW_RETENTION_DAYS: String(RETENTION_DAYS),
        ROLLUP_1M_RETENTION_DAYS: String(RETENTION_DAYS),
        RAW_MAINTAIN_MS: '3000',
        ROLLUP_FLUSH_MS: '500',
      });
      api = a;
      const d = await openDirect(db.url);
      const keys = await seriesKeys(d);
      const histIds = [...keys].filter(([, k]) => k.startsWith('x_hist_kw{')).map(([id]) => id);
      const lastHist = Math.max(...histIds);
      const initialChunks = HIST * 48;

      let stop = false;
      const results: Posted[] = [];
      const liveFrom = Date.now() - 30 * MIN;
      /** Request `i` of client `c`: its own 25 series, 8 ticks of 100 ms each, appended in time order. */
      const step = async (c: number, i: number) => {
        const samples: Sample[] = [];
        for (let r = 0; r < LIVE_RACKS; r++)
          for (let k = 0; k < LIVE_TICKS; k++) {
            const tick = i * LIVE_TICKS + k;
            samples.push({
              metric: 'x_live_kw',
              labels: { client: `c${c}`, rack: `L${r}` },
              ts: liveFrom + tick * LIVE_STEP,
              value: 10 + ((tick * 3 + r) % 50) + 0.25,
            });
          }
        const res = await post(a.url, token, samples);
        results.push(res);
        if (res.status === 200) ledger.record(samples, res.body!);
      };
      // The clients' first requests create their series concurrently: on PostgreSQL that once deadlocked (the series
      // insert's foreign-key share lock on the site row, then FOR UPDATE on it), now FOR NO KEY UPDATE.
      const client = async (c: number) => {
        for (let i = 0; !stop; i++) await step(c, i);
      };
      const t0 = performance.now();
      const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));

      // Watch retention through cheap key-prefix queries: old chunks (deleted or dropped first), then the minutes of
      // the last old series (SQLite deletes minutes by series range).
      let startedLo = NaN;
      let startedAt = NaN;
      let endedAt = NaN;
      let lastPoll = performance.now();
      try {
        const deadline = performance.now() + 30_000;
        while (performance.now() < deadline) {
          const t = performance.now();
          const chunks = await scalar(d, 'SELECT COUNT(*) AS n FROM raw_chunks WHERE window_start < $1', [
            OLD_TO,
          ]);
          const minutes = await scalar(
            d,
            'SELECT COUNT(*) AS n FROM rollup_1m WHERE series_id = $1 AND bucket < $2',
            [lastHist, OLD_TO],
          );
          if (Number.isNaN(startedAt) && (chunks < initialChunks || minutes < 2 * 1440)) {
            startedLo = lastPoll;
            startedAt = t;
          }
          if (chunks === 0 && minutes === 0) {
            endedAt = performance.now();
            break;
          }
          lastPoll = t;
          await sleep(20);
        }
        // Some more requests after retention, for comparison.
        await sleep(1000);
      } finally {
        stop = true;
        await Promise.all(clients);
        await d.close();
      }
      expect(Number.isNaN(endedAt)).toBe(false);

      // Every request during all this was acknowledged: no 5xx, no 503, no refusal.
      const failed = results.filter((r) => r.status !== 200).map((r) => r.status);
      expect(failed).toEqual([]);
      const before = results.filter((r) => r.at + r.ms < startedLo).map((r) => r.ms);
      const during = results.filter((r) => r.at + r.ms >= startedLo && r.at <= endedAt).map((r) => r.ms);
      const after = results.filter((r) => r.at > endedAt).map((r) => r.ms);
      console.log(
        `[${dialect}] ingest latency, ${CLIENTS} concurrent clients × ${LIVE_RACKS * LIVE_TICKS} samples/request; ` +
          `retention ran between +${(startedLo - t0).toFixed(0)}..${(startedAt - t0).toFixed(0)} ms and +${(endedAt - t0).toFixed(0)} ms:\n  ` +
          [
            latencyLine('before retention', before),
            latencyLine('during retention', during),
            latencyLine('after retention', after),
          ].join('\n  '),
      );
      // The clients were sending throughout: requests started before retention and ended after it.
      expect(results.some((r) => r.at < startedLo)).toBe(true);
      expect(results.some((r) => r.at + r.ms > endedAt)).toBe(true);

      // Hours of the expired period are served from the hourly rollups.
      const hours = await seriesPoints(
        a.url,
        SITE,
        `metric=x_hist_kw&label.rack=H07&step=1h&from=${OLD_FROM}&to=${OLD_TO}`,
      );
      const want = aggregate(
        new Map([['h', ledger.expected('x_hist_kw').get('x_hist_kw{"rack":"H07"}')!]]),
        BUCKET['1h'],
      );
      expect(hours.series[0]!.points.map((p) => [Date.parse(p.t), p.avg])).toEqual(
        [...want].map(([k, v]) => [Number(k.slice(2)), v.sum / v.count]),
      );
      expect(want.size).toBe(48);
      await a.kill('SIGTERM');
      api = undefined;
    });

    it('afterwards: expired raw samples and minutes are gone, hours and days stay; acknowledged data is all there', async () => {
      const d = await openDirect(db.url);
      try {
        expect(
          await scalar(d, 'SELECT COUNT(*) AS n FROM raw_chunks WHERE window_start < $1', [OLD_TO]),
        ).toBe(0);
        expect(await scalar(d, 'SELECT COUNT(*) AS n FROM raw_batches WHERE min_ts < $1', [OLD_TO])).toBe(0);
        expect(await scalar(d, 'SELECT COUNT(*) AS n FROM rollup_1m WHERE bucket < $1', [OLD_TO])).toBe(0);
        if (dialect === 'postgres') {
          // Whole day partitions were dropped rather than emptied.
          const day = new Date(OLD_FROM).toISOString().slice(0, 10).replace(/-/g, '');
          for (const t of ['raw_chunks', 'rollup_1m'])
            expect(await d.query('SELECT to_regclass($1) AS t', [`${t}_p${day}`])).toEqual([{ t: null }]);
        }
      } finally {
        await d.close();
      }
      const stored = await rawSamplesDirect(db.url);
      expect(stored.filter((s) => s.metric === 'x_hist_kw')).toEqual([]);
      await expectRollupsMatch(db.url, ledger, 'x_hist_kw', ['1h', '1d']);
      // Within retention: raw samples and minutes untouched; everything the clients got a 200 for is stored.
      expect(await expectRawMatches(db.url, ledger, ['x_keep_kw'])).toBe(2400);
      await expectRollupsMatch(db.url, ledger, 'x_keep_kw', ['1m', '1h']);
      expect(await expectRawMatches(db.url, ledger, ['x_live_kw'])).toBeGreaterThan(0);
      await expectRollupsMatch(db.url, ledger, 'x_live_kw', ['1m', '1h']);
    });
  });
});
