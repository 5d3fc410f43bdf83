// npm run bench:ingest — end-to-end ingest beside VictoriaMetrics, then disk, memory and read timings.
//
// The fleet of issue #13: 50 sites × 500 racks, two fields per line-protocol line (inlet_temp_c,
// relative_humidity_pct: 1,000 series per site, 50,000 in all), 5 ticks 10 s apart per request (5,000 samples), two
// concurrent clients. Values are random walks with realistic noise (2 decimals for temperature, 1 for humidity), not
// constants. The same bodies go to VictoriaMetrics' /write (the Debian package, when installed) and to dcfleet's
// /api/v1/write (one token per site), rounds alternating VM / dcfleet, BENCH_ROUNDS × BENCH_SECONDS each; the ratio
// is of the medians, VictoriaMetrics' over the rounds of the same database's section. dcfleet runs as `npm start`
// runs it: rollups, live push, alarms and raw maintenance on.
//
// Then, per database: RSS (idle after boot, peak during ingest and what it is made of, after the run), disk per stored sample once the
// compactor has caught up, and read timings (1-year hourly chart of one series, 24 h 1-minute chart of 6 zones, a
// year of ratings for 25 sites). Prints figures; asserts nothing.
//
// BENCH_TRANSPORT=mqtt adds, after each HTTP round, a round of the same bodies published at QoS 1 to the built-in MQTT
// listener (dcfleet/v1/write/ms, one connection per site with its token), timed from publish to PUBACK, so MQTT and
// HTTP figures come from the same run and the same API process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectAsync } from 'mqtt';
import pg from 'pg';
import {
  createSiteWithToken,
  freePort,
  freshDatabase,
  lineGenerator,
  percentile,
  rng,
  startApi,
} from './lib.mjs';

const SITES = Number(process.env.BENCH_SITES ?? 50);
const RACKS = Number(process.env.BENCH_RACKS ?? 500);
const TICKS = Number(process.env.BENCH_TICKS ?? 5);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KINDS = (process.env.BENCH_DB ?? 'sqlite,postgres').split(',');
const VM_BIN = process.env.BENCH_VM_BIN ?? '/usr/bin/victoria-metrics';
const READS = process.env.BENCH_READS !== '0';
const MQTT = (process.env.BENCH_TRANSPORT ?? 'http') === 'mqtt';
/**
 * Sites go quiet (compacted by wall time, docs/architecture.md "Raw storage") after this many seconds without a
 * batch: longer than a VictoriaMetrics round, so the rounds see the compaction a sending site gets (each hour once
 * its data is past it), and short enough for the disk figures to be taken over everything compacted.
 */
const QUIET_S = 30;
const EXTRA_ENV = {
  RAW_COMPACT_QUIET_S: String(QUIET_S),
  ...(process.env.BENCH_API_ENV
    ? Object.fromEntries(process.env.BENCH_API_ENV.split(',').map((kv) => kv.split('=')))
    : {}),
};
const PER_REQUEST = RACKS * 2 * TICKS;
const TICK_MS = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---- processes ------------------------------------------------------------------------------------------------------
function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * RSS by kind of mapping, approximate (from /proc/<pid>/smaps): glibc's per-thread malloc arenas are 64 MB-aligned
 * reservations (plus the main arena, [heap]); V8 allocates its heaps in 256 kB pages; other anonymous blocks of 1 MB
 * or more are mostly large ArrayBuffers (glibc mmaps each one alone) and V8's young generations; file-backed is the
 * node binary and libraries.
 */
function rssByMapping(pid) {
  const out = { v8: 0, blocks: 0, malloc: 0, files: 0, other: 0 };
  let kind = 'other';
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      const start = parseInt(m[1], 16);
      const kb = (parseInt(m[2], 16) - start) / 1024;
      const name = m[4];
      if (name.startsWith('/')) kind = 'files';
      else if (name === '[heap]') kind = 'malloc';
      else if (name) kind = 'other';
      else if (start % (64 * 1024 * 1024) === 0 && m[3].startsWith('rw')) kind = 'malloc';
      else if (kb === 256) kind = 'v8';
      else kind = kb >= 1024 ? 'blocks' : 'other';
    } else if (line.startsWith('Rss:')) out[kind] += Number(line.split(/\s+/)[1]) / 1024;
  }
  return out;
}

const fmtMapping = (b) =>
  b
    ? `V8 heap pages ${b.v8.toFixed(0)}, large blocks ${b.blocks.toFixed(0)}, malloc arenas ${b.malloc.toFixed(0)}, ` +
      `files ${b.files.toFixed(0)}, other ${b.other.toFixed(0)} MB`
    : 'not readable';

async function startVm() {
  if (!existsSync(VM_BIN)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'dcfleet-bench-vm-'));
  const port = await freePort();
  const child = spawn(
    VM_BIN,
    [
      `-storageDataPath=${dir}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      '-retentionPeriod=100y',
      '-loggerLevel=ERROR',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    dir,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One timed round against a target: CLIENTS concurrent posters for SECONDS. */
async function round(gen, post, pid) {
  const latencies = [];
  let samples = 0;
  let errors = 0;
  let peak = 0;
  let peakMappings = null;
  const sampler = pid
    ? setInterval(() => {
        const r = rssMb(pid);
        if (r > peak) {
          peak = r;
          peakMappings = rssByMapping(pid);
        }
      }, 250)
    : null;
  const until = Date.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        const { site, body } = gen.next();
        const t = performance.now();
        const res = await post(site, body);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status === 204 || res.status === 200) samples += PER_REQUEST;
        else if (errors++ < 3) console.log(`  ! HTTP ${res.status}`);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  if (sampler) clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  return {
    rate: samples / elapsed,
    samples,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    peak,
    peakMappings,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const k = (n) => Math.round(n).toLocaleString('en-US');
const fmtRound = (r) =>
  `${k(r.rate).padStart(9)} samples/s  p50 ${r.p50.toFixed(0)} ms  p99 ${r.p99.toFixed(0)} ms`;

// ---- storage figures ----------------------------------------------------------------------------------------------
async function storage(kind, url) {
  if (kind === 'sqlite') {
    const file = url.slice('sqlite:'.length);
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const tables = db
      .prepare(
        "SELECT CASE WHEN name LIKE 'sqlite_autoindex_%' THEN substr(name, 19) ELSE name END AS name, SUM(pgsize) AS bytes FROM dbstat GROUP BY 1",
      )
      .all();
    const chunk = db
      .prepare(
        'SELECT COALESCE(SUM(samples), 0) AS n, COALESCE(SUM(length(payload)), 0) AS b FROM raw_chunks',
      )
      .get();
    const level0 = db
      .prepare('SELECT COALESCE(SUM(samples), 0) AS n, COUNT(*) AS rows FROM raw_batches')
      .get();
    const unrolled = db
      .prepare(
        'SELECT COALESCE(SUM(b.samples), 0) AS n FROM raw_batches b JOIN receipts r ON r.id = b.receipt_id WHERE r.rolled_up = 0',
      )
      .get();
    db.close();
    const bytes = (prefix) =>
      tables.filter((t) => t.name.startsWith(prefix)).reduce((a, t) => a + t.bytes, 0);
    return {
      total: statSync(file).size,
      chunkBytes: bytes('raw_chunks'),
      level0Bytes: bytes('raw_batches') + bytes('ix_raw_batches'),
      rollupBytes: bytes('rollup_'),
      chunkSamples: chunk.n,
      chunkPayload: chunk.b,
      level0Samples: level0.n,
      level0Unrolled: unrolled.n,
    };
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const size = async (like) =>
    Number(
      (
        await c.query(
          `SELECT COALESCE(SUM(pg_total_relation_size(oid)), 0) AS b FROM pg_class WHERE relkind IN ('r', 'p') AND relname LIKE $1`,
          [like],
        )
      ).rows[0].b,
    );
  const total = Number((await c.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b);
  const chunk = (
    await c.query(
      'SELECT COALESCE(SUM(samples), 0) AS n, COALESCE(SUM(length(payload)), 0) AS b FROM raw_chunks',
    )
  ).rows[0];
  const level0 = (await c.query('SELECT COALESCE(SUM(samples), 0) AS n FROM raw_batches')).rows[0];
  const unrolled = (
    await c.query(
      'SELECT COALESCE(SUM(b.samples), 0) AS n FROM raw_batches b JOIN receipts r ON r.id = b.receipt_id WHERE NOT r.rolled_up',
    )
  ).rows[0];
  const out = {
    total,
    chunkBytes: await size('raw_chunks%'),
    level0Bytes: await size('raw_batches%'),
    rollupBytes: await size('rollup_%'),
    chunkSamples: Number(chunk.n),
    chunkPayload: Number(chunk.b),
    level0Samples: Number(level0.n),
    level0Unrolled: Number(unrolled.n),
  };
  await c.end();
  return out;
}

/** A metric's value in an exposition text; `labels` as the exposition writes them (`{step="1m",mode="merge"}`). */
function valueIn(text, name, labels = '') {
  const escaped = (name + labels).replace(/[{}"]/g, (c) => `\\${c}`);
  return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

async function metricsText(api) {
  return (
    await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.adminToken}` } })
  ).text();
}

async function metric(api, name, labels = '') {
  return valueIn(await metricsText(api), name, labels);
}

/** Ingest stages (time and count per stage) and rollup flushes (count, seconds, buckets merged per step) so far. */
async function ingestStats(api) {
  const text = await metricsText(api);
  // A labelled series appears at its first increment.
  const labelled = (name, labels) => valueIn(text, name, labels) || 0;
  const stages = {};
  for (const stage of ['body', 'decode', 'commit', 'fold'])
    stages[stage] = {
      sum: labelled('dcfleet_ingest_stage_seconds_sum', `{stage="${stage}"}`),
      count: labelled('dcfleet_ingest_stage_seconds_count', `{stage="${stage}"}`),
    };
  const merged = (step) => labelled('dcfleet_rollup_buckets_written_total', `{step="${step}",mode="merge"}`);
  return {
    stages,
    flushes: {
      count: valueIn(text, 'dcfleet_rollup_flush_duration_seconds_count'),
      seconds: valueIn(text, 'dcfleet_rollup_flush_duration_seconds_sum'),
      m: merged('1m'),
      h: merged('1h'),
      d: merged('1d'),
    },
  };
}

/**
 * Waits until the sites count as quiet and the compactor has taken everything compactable (its counter stops
 * moving); returns the time it took and what the compactor did meanwhile (samples, seconds spent in its passes).
 */
async function settle(api) {
  let last = -1;
  let still = 0;
  const started = Date.now();
  const samples0 = await metric(api, 'dcfleet_raw_maintenance_total', '{what="samples_compacted"}');
  const busy0 = await metric(api, 'dcfleet_raw_maintenance_duration_seconds_sum');
  await new Promise((r) => setTimeout(r, QUIET_S * 1000));
  // Settled once two whole passes have ended after the last sample was compacted: a pass on PostgreSQL takes
  // every site in turn and can run longer than a few polls, so an unchanged counter alone is not enough.
  let passes = -1;
  while (still < 2 && Date.now() - started < 300_000) {
    await new Promise((r) => setTimeout(r, 2500));
    const text = await metricsText(api);
    const n = valueIn(text, 'dcfleet_raw_maintenance_total', '{what="samples_compacted"}');
    const p = valueIn(text, 'dcfleet_raw_maintenance_duration_seconds_count');
    if (n !== last) {
      still = 0;
      passes = p;
    } else if (p !== passes) {
      still += p - passes;
      passes = p;
    }
    last = n;
  }
  return {
    seconds: (Date.now() - started) / 1000,
    compacted: last - samples0,
    busy: (await metric(api, 'dcfleet_raw_maintenance_duration_seconds_sum')) - busy0,
  };
}

// ---- reads ---------------------------------------------------------------------------------------------------------
async function postJson(api, token, samples) {
  for (let i = 0; i < samples.length; i += 5000) {
    const res = await fetch(`${api.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ samples: samples.slice(i, i + 5000) }),
    });
    if (res.status !== 200) throw new Error(`seed: HTTP ${res.status} ${await res.text()}`);
  }
}

async function seedReads(api) {
  const now = Date.now();
  const hour = now - (now % HOUR);
  const token = await createSiteWithToken(api, 'READS-01');
  const rand = rng(7);
  // A year of hourly IT power (one series), 24 h of 1-minute inlet temperatures for 6 zones.
  const year = [];
  for (let t = hour - 365 * DAY; t < hour; t += HOUR)
    year.push({ metric: 'it_power_kw', ts: t, value: Math.round((800 + rand() * 100) * 10) / 10 });
  await postJson(api, token, year);
  const minutes = [];
  for (let t = now - DAY; t < now; t += 60_000)
    for (let z = 1; z <= 6; z++)
      minutes.push({
        metric: 'inlet_temp_c',
        labels: { zone: `Z${z}` },
        ts: t,
        value: Math.round((22 + rand() * 3) * 100) / 100,
      });
  await postJson(api, token, minutes);
  // Last year's hourly energy meters of 25 sites, for a cold year of ratings.
  const lastYear = new Date(now).getUTCFullYear() - 1;
  const from = Date.UTC(lastYear, 0, 1) - 8 * HOUR;
  const to = Date.UTC(lastYear + 1, 0, 1) - 8 * HOUR;
  for (let s = 0; s < 25; s++) {
    const tk = await createSiteWithToken(api, `RATE-${String(s).padStart(2, '0')}`);
    const samples = [];
    let fac = 1e6;
    let it = 8e5;
    for (let t = from; t <= to; t += HOUR) {
      it += 800 + rand() * 50;
      fac += (800 + rand() * 50) * (1.2 + s / 100);
      samples.push({
        ts: t,
        values: { facility_energy_kwh: Math.round(fac), it_energy_kwh: Math.round(it) },
      });
    }
    await postJson(api, tk, samples);
  }
  return { now, lastYear };
}

async function timed(api, path) {
  const t = performance.now();
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${api.adminToken}` } });
  const body = await res.json();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** The first read of a year of ratings after the data changed: every site's year computed from its daily buckets. */
async function coldRatings(api, seed) {
  // The seeded batches' rollup flush first: two flushes that end after seeding (the second began after it), and no
  // lag. The lag gauge alone is only updated by a flush, so right after seeding it still reads the previous one's 0
  // (PostgreSQL's sitting of 6 December rated 0 sites that way).
  const flushes = 'dcfleet_rollup_flush_duration_seconds_count';
  const f0 = await metric(api, flushes);
  for (let i = 0; i < 300; i++) {
    if ((await metric(api, flushes)) >= f0 + 2 && (await metric(api, 'dcfleet_rollup_lag_seconds')) === 0)
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const r = await timed(api, `/api/v1/ratings?year=${seed.lastYear}`);
  const rated = r.body.sites.filter((s) => s.pue !== null && s.pue !== undefined).length;
  return { ms: r.ms, sites: r.body.sites.length, rated };
}

async function reads(api, seed) {
  const { now } = seed;
  const chart = `/api/v1/datacenters/READS-01/series?metric=it_power_kw&step=1h&from=${now - 365 * DAY}&to=${now}`;
  const zones = `/api/v1/datacenters/READS-01/series?metric=inlet_temp_c&step=1m&from=${now - DAY}&to=${now}`;
  const first = {
    chart: (await timed(api, chart)).ms,
    zones: (await timed(api, zones)).ms,
  };
  const again = { chart: [], zones: [] };
  for (let i = 0; i < 5; i++) {
    again.chart.push((await timed(api, chart)).ms);
    again.zones.push((await timed(api, zones)).ms);
  }
  const points = (await timed(api, chart)).body.series[0].points.filter((p) => p.avg !== null).length;
  const zoneSeries = (await timed(api, zones)).body.series.length;
  return { first, chart: median(again.chart), zones: median(again.zones), points, zoneSeries };
}

// ---- main ------------------------------------------------------------------------------------------------------------
console.log(
  `bench:ingest — ${SITES} sites × ${RACKS} racks × 2 fields (${k(SITES * RACKS * 2)} series), ${TICKS} ticks/request ` +
    `(${k(PER_REQUEST)} samples), line protocol, ${CLIENTS} clients, ${ROUNDS} × ${SECONDS} s per target, ` +
    `${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`,
);
const vm = await startVm();
if (!vm)
  console.log(
    `VictoriaMetrics: ${VM_BIN} not found (apt-get install victoria-metrics): dcfleet figures only, no ratio`,
  );
const t0 = Math.floor((Date.now() - 6 * HOUR) / TICK_MS) * TICK_MS;
const vmGen = lineGenerator({ sites: SITES, racks: RACKS, ticks: TICKS, tickMs: TICK_MS, t0 });
const summary = [];

for (const [i, kind] of KINDS.entries()) {
  if (i > 0) {
    spawnSync('sync');
    await new Promise((r) => setTimeout(r, 2000));
  }
  const db = await freshDatabase(kind);
  const mqttPort = MQTT ? await freePort() : undefined;
  let api = await startApi(
    db.url,
    db.dataDir,
    MQTT ? { ...EXTRA_ENV, MQTT_PORT: String(mqttPort) } : EXTRA_ENV,
  );
  const gateways = [];
  try {
    const gen = lineGenerator({ sites: SITES, racks: RACKS, ticks: TICKS, tickMs: TICK_MS, t0 });
    const tokens = [];
    for (const s of gen.sites) tokens.push(await createSiteWithToken(api, s.code));
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssMb(api.child.pid);
    const statsBefore = await ingestStats(api);
    for (const token of MQTT ? tokens : [])
      gateways.push(
        await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
          protocolVersion: 5,
          username: 'bench',
          password: token,
          reconnectPeriod: 0,
        }),
      );
    const mqttPost = async (site, body) => {
      let status = 204;
      try {
        await gateways[site].publishAsync('dcfleet/v1/write/ms', body, { qos: 1 });
      } catch (err) {
        status = err.code ?? 0;
      }
      return { status, arrayBuffer: async () => undefined };
    };
    const mine = [];
    const mqttRounds = [];
    // VictoriaMetrics' rounds of this database's section only: they alternate with its rounds, so the ratio compares
    // rounds minutes apart (this machine's speed drifts between sections: 2.1-2.25 M against 1.66-1.81 M on 8 Dec).
    const vmRounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (vm) {
        const v = await round(
          vmGen,
          (_, body) => fetch(`${vm.url}/write?precision=ms`, { method: 'POST', body }),
          null,
        );
        vmRounds.push(v);
        console.log(`  VictoriaMetrics round ${r + 1}: ${fmtRound(v)}`);
      }
      const d = await round(
        gen,
        (site, body) =>
          fetch(`${api.url}/api/v1/write?precision=ms`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', authorization: `Bearer ${tokens[site]}` },
            body,
          }),
        api.child.pid,
      );
      mine.push(d);
      console.log(
        `  dcfleet ${kind} round ${r + 1}: ${fmtRound(d)}  peak RSS ${d.peak.toFixed(0)} MB  errors ${d.errors}`,
      );
      if (MQTT) {
        const m = await round(gen, mqttPost, api.child.pid);
        mqttRounds.push(m);
        console.log(
          `  dcfleet ${kind} MQTT QoS 1 round ${r + 1}: ${fmtRound(m).replace('p50', 'PUBACK p50')}  peak RSS ${m.peak.toFixed(0)} MB  errors ${m.errors}`,
        );
      }
    }
    await Promise.all(gateways.map((g) => g.endAsync()));
    if (MQTT) {
      const rate = median(mqttRounds.map((m) => m.rate));
      const http = median(mine.map((m) => m.rate));
      console.log(
        `dcfleet ${kind} MQTT (QoS 1, built-in listener): ${k(rate)} samples/s (median), publish-to-PUBACK p50 ` +
          `${median(mqttRounds.map((m) => m.p50)).toFixed(0)} ms, p99 ${median(mqttRounds.map((m) => m.p99)).toFixed(0)} ms; ` +
          `HTTP in the same run ${k(http)} samples/s, p99 ${median(mine.map((m) => m.p99)).toFixed(0)} ms (MQTT/HTTP ${(rate / http).toFixed(2)})`,
      );
    }
    const after = rssMb(api.child.pid);
    const statsAfter = await ingestStats(api);
    const memText = await metricsText(api);
    const heap = valueIn(memText, 'dcfleet_nodejs_heap_size_used_bytes') / 1e6;
    const heapTotal = valueIn(memText, 'dcfleet_nodejs_heap_size_total_bytes') / 1e6;
    const external = valueIn(memText, 'dcfleet_nodejs_external_memory_bytes') / 1e6;
    const rate = median(mine.map((m) => m.rate));
    const vmRate = vmRounds.length ? median(vmRounds.map((m) => m.rate)) : NaN;
    const samples = [...mine, ...mqttRounds].reduce((a, m) => a + m.samples, 0);
    const settled = await settle(api);
    const st = await storage(kind, db.url);
    const lag = await metric(api, 'dcfleet_rollup_lag_seconds');
    const line = {
      kind,
      rate,
      vmRate,
      ratio: rate / vmRate,
      p99: median(mine.map((m) => m.p99)),
      vmP99: vmRounds.length ? median(vmRounds.map((m) => m.p99)) : NaN,
      idle,
      peak: Math.max(...mine.map((m) => m.peak)),
      after,
      samples,
      st,
    };
    console.log(
      `dcfleet ${kind}: ${k(rate)} samples/s (median), p99 ${line.p99.toFixed(0)} ms` +
        (vm
          ? `; VictoriaMetrics ${k(vmRate)} samples/s, p99 ${line.vmP99.toFixed(0)} ms; ratio ${line.ratio.toFixed(2)}`
          : '') +
        `; rollup lag ${lag} s; load average ${loadavg()[0].toFixed(1)}`,
    );
    console.log(
      `  RSS: idle after boot (${SITES} sites) ${idle.toFixed(0)} MB, peak during ingest ${line.peak.toFixed(0)} MB, after the run ${after.toFixed(0)} MB ` +
        `(main thread heap ${heap.toFixed(0)} of ${heapTotal.toFixed(0)} MB, external ${external.toFixed(0)} MB)`,
    );
    const fl = Object.fromEntries(
      Object.keys(statsAfter.flushes).map((key) => [key, statsAfter.flushes[key] - statsBefore.flushes[key]]),
    );
    const stageMs = Object.keys(statsAfter.stages).map((name) => {
      const a = statsAfter.stages[name];
      const b = statsBefore.stages[name];
      return `${name} ${(((a.sum - b.sum) / (a.count - b.count)) * 1000).toFixed(1)}`;
    });
    console.log(`  mean ms per request by stage: ${stageMs.join(', ')}`);
    console.log(
      `  rollup flushes during the rounds: ${fl.count}, ${((fl.seconds / fl.count) * 1000).toFixed(0)} ms on average; ` +
        `buckets merged 1m ${k(fl.m)}, 1h ${k(fl.h)}, 1d ${k(fl.d)} (${(((fl.m + fl.h + fl.d) / samples) * 1000).toFixed(0)} per 1,000 samples)`,
    );
    const top = mine.reduce((a, m) => (m.peak > a.peak ? m : a));
    console.log(`  RSS at the peak by mapping (approximate): ${fmtMapping(top.peakMappings)}`);
    console.log(
      `  compactor after the rounds: ${k(settled.compacted)} samples in ${settled.busy.toFixed(1)} s of passes ` +
        `(${k(settled.compacted / settled.busy)} samples/s)`,
    );
    console.log(
      `  disk (compactor settled in ${settled.seconds.toFixed(0)} s): ${k(samples)} samples stored; raw chunks hold ${k(st.chunkSamples)}: ` +
        `${(st.chunkPayload / st.chunkSamples).toFixed(2)} B/sample payload, ${(st.chunkBytes / st.chunkSamples).toFixed(2)} B/sample on disk; ` +
        `level 0 holds ${k(st.level0Samples)} (${(st.level0Bytes / 1e6).toFixed(1)} MB, ${k(st.level0Unrolled)} not rolled up yet); rollups ${(st.rollupBytes / samples).toFixed(2)} B/sample; ` +
        `whole database ${(st.total / 1e6).toFixed(0)} MB = ${(st.total / samples).toFixed(2)} B/sample`,
    );
    if (READS) {
      const seed = await seedReads(api);
      const ratings = await coldRatings(api, seed);
      await api.stop();
      api = await startApi(db.url, db.dataDir, EXTRA_ENV); // cold: a fresh process, the database's own caches only
      const r = await reads(api, seed);
      line.reads = { ...r, ratings };
      console.log(
        `  reads after a restart: 1-year hourly chart of 1 series (${r.points} points) first ${r.first.chart.toFixed(0)} ms, ` +
          `then ${r.chart.toFixed(0)} ms; 24 h 1-minute chart of ${r.zoneSeries} zones first ${r.first.zones.toFixed(0)} ms, ` +
          `then ${r.zones.toFixed(0)} ms; ratings of ${seed.lastYear} (${ratings.sites} sites, ${ratings.rated} with energy data), ` +
          `first read after the data changed ${ratings.ms.toFixed(0)} ms`,
      );
    }
    summary.push(line);
  } finally {
    await api.stop();
    await db.drop();
  }
}
if (vm) await vm.stop();

console.log('\nREADME table rows:');
for (const s of summary) {
  console.log(
    `| ${new Date().toISOString().slice(0, 10)} | ${s.kind} | ${k(s.rate)} | ${Number.isNaN(s.vmRate) ? '—' : k(s.vmRate)} | ` +
      `${Number.isNaN(s.ratio) ? '—' : s.ratio.toFixed(2)} | ${s.p99.toFixed(0)} ms | ${s.peak.toFixed(0)} MB / ${s.idle.toFixed(0)} MB | ` +
      `${(s.st.chunkBytes / s.st.chunkSamples).toFixed(2)} B | ${(s.st.total / s.samples).toFixed(1)} B |`,
  );
}
