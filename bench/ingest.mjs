// npm run bench:ingest — end-to-end ingest throughput with rollups maintained, on SQLite and PostgreSQL.
// 50,000 series (10 sites × 5,000 series), 5,000-sample JSON batches, 2 concurrent clients, 20 s per DB.
// BENCH_FORMAT=line posts the same samples as InfluxDB line protocol to /api/v1/write (the Telegraf path).
// Prints samples/s and request latency; asserts nothing.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createSiteWithToken, freshDatabase, percentile, startApi } from './lib.mjs';

const SITES = Number(process.env.BENCH_SITES ?? 10);
const SERIES_PER_SITE = Number(process.env.BENCH_SERIES_PER_SITE ?? 5000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const KINDS = (process.env.BENCH_DB ?? 'sqlite,postgres').split(',');
const FORMAT = process.env.BENCH_FORMAT ?? 'json';
if (FORMAT !== 'json' && FORMAT !== 'line') throw new Error('BENCH_FORMAT is json or line');
const EXTRA_ENV = process.env.BENCH_API_ENV
  ? Object.fromEntries(process.env.BENCH_API_ENV.split(',').map((kv) => kv.split('=')))
  : {};

// Per-series label suffixes, pre-rendered: the client should spend its CPU on sending, not on JSON.
const zones = Array.from(
  { length: SERIES_PER_SITE },
  (_, i) => `{"metric":"inlet_temp_c","labels":{"zone":"Z${i}"},"ts":`,
);

const lineSeries = Array.from({ length: SERIES_PER_SITE }, (_, i) => `room,zone=Z${i} inlet_temp_c=`);

function render(ts, round) {
  if (FORMAT === 'line') {
    let s = '';
    for (let i = 0; i < SERIES_PER_SITE; i++)
      s += lineSeries[i] + (20 + ((i + round) % 80) / 10) + ' ' + ts + '\n';
    return s;
  }
  let s = '{"samples":[';
  for (let i = 0; i < SERIES_PER_SITE; i++) {
    if (i) s += ',';
    s += zones[i] + ts + ',"value":' + (20 + ((i + round) % 80) / 10) + '}';
  }
  return s + ']}';
}

// The load generator shares the 2 cores with the API, so it must cost little: bodies are rendered once per value
// pattern (values repeat every 80 rounds) with a placeholder for the 13-digit timestamp, then copied and stamped.
// The bytes sent are exactly what render() gives.
const TS_DIGITS = 13;
const templates = new Map();

function batch(ts, round) {
  const stamp = Buffer.from(String(ts), 'latin1');
  if (stamp.length !== TS_DIGITS) return Buffer.from(render(ts, round));
  let t = templates.get(round % 80);
  if (!t) {
    const placeholder = '#'.repeat(TS_DIGITS);
    const text = render(placeholder, round % 80);
    const offsets = [];
    for (let at = text.indexOf(placeholder); at >= 0; at = text.indexOf(placeholder, at + TS_DIGITS))
      offsets.push(at);
    t = { bytes: Buffer.from(text, 'latin1'), offsets };
    templates.set(round % 80, t);
  }
  const body = Buffer.from(t.bytes);
  for (const at of t.offsets) stamp.copy(body, at);
  return body;
}

async function run(kind) {
  const db = await freshDatabase(kind);
  const api = await startApi(db.url, db.dataDir, EXTRA_ENV);
  try {
    const tokens = [];
    for (let i = 0; i < SITES; i++)
      tokens.push(await createSiteWithToken(api, `BENCH-${String(i).padStart(3, '0')}`));
    const t0 = Date.now() - 86_400_000;
    let next = 0; // global batch counter: batch k → site k % SITES, event time advances one second per round
    const latencies = [];
    let samples = 0;
    let errors = 0;
    const until = Date.now() + SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < until) {
          const k = next++;
          const site = k % SITES;
          const round = Math.floor(k / SITES);
          const body = batch(t0 + round * 1000, round);
          const t = performance.now();
          const res = await fetch(
            FORMAT === 'line' ? `${api.url}/api/v1/write?precision=ms` : `${api.url}/api/v1/ingest`,
            {
              method: 'POST',
              headers: {
                'content-type': FORMAT === 'line' ? 'text/plain' : 'application/json',
                authorization: `Bearer ${tokens[site]}`,
              },
              body,
            },
          );
          const text = await res.text();
          latencies.push(performance.now() - t);
          if (res.status === 200) samples += JSON.parse(text).accepted;
          else if (res.status === 204) samples += SERIES_PER_SITE;
          else errors++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    // Let the last flush land and report its lag, so "with rollups maintained" is visible.
    const metrics = await (
      await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.adminToken}` } })
    ).text();
    const lag = /^dcfleet_rollup_lag_seconds (\S+)$/m.exec(metrics)?.[1];
    const merged = [
      ...metrics.matchAll(/dcfleet_rollup_buckets_written_total\{step="(\w+)",mode="merge"\} (\S+)/g),
    ]
      .map((m) => `${m[1]}=${m[2]}`)
      .join(' ');
    console.log(
      `${kind.padEnd(8)} ${Math.round(samples / elapsed)
        .toLocaleString('en-US')
        .padStart(9)} samples/s  ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  ` +
        `requests ${latencies.length}  errors ${errors}  rollup lag ${lag} s  buckets merged ${merged}  ` +
        // Client and API share the machine: a load average well above the core count means the figure is not
        // the API's alone.
        `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
    );
  } finally {
    await api.stop();
    await db.drop();
  }
}

console.log(
  `bench:ingest — ${SITES} sites × ${SERIES_PER_SITE} series, ${SERIES_PER_SITE}-sample ${FORMAT === 'line' ? 'line-protocol' : 'JSON'} batches, ${CLIENTS} clients, ${SECONDS} s`,
);
for (const [i, kind] of KINDS.entries()) {
  // Each database starts on a quiet disk: the previous run's dirty pages (GBs) would otherwise be written back
  // while this one waits on its own fsyncs.
  if (i > 0) {
    spawnSync('sync');
    await new Promise((r) => setTimeout(r, 2000));
  }
  await run(kind);
}
