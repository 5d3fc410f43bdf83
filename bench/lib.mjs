// Shared helpers for the benchmark scripts: start a real API process on a fresh database and talk to it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ADMIN_PASSWORD = 'bench-admin-password';

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Creates a fresh database: a temp SQLite file, or a new PostgreSQL database on BENCH_DATABASE_URL. */
export async function freshDatabase(kind) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dcfleet-bench-'));
  if (kind === 'sqlite')
    return {
      url: `sqlite:${join(dataDir, 'bench.sqlite')}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  const base =
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `dcfleet_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  // Start every run from a clean checkpoint: otherwise the previous run's WAL (GBs with PostgreSQL's default
  // max_wal_size of 1 GB) triggers a checkpoint at a random moment of this one, ±20 % on the figure.
  // Needs superuser (as on a dev machine); skipped otherwise.
  await admin.query('CHECKPOINT').catch(() => undefined);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts apps/api/dist/main.js (build first: npm run build) and waits until it is ready. BENCH_API_MAIN names
 * another build's main.js (e.g. a copy of the baseline's dist beside it) for an A/B in one run.
 */
export async function startApi(databaseUrl, dataDir, env = {}) {
  const main = process.env.BENCH_API_MAIN || join(ROOT, 'apps/api/dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} missing: run \`npm run build\` first`);
  const port = await freePort();
  // Same V8 flags as `npm start` (scripts/start.mjs), plus any given for profiling.
  const nodeArgs = [
    '--max-semi-space-size=8',
    ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []),
  ];
  const childEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    DEMO: '0',
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    // As `npm start` sets it (scripts/start.mjs); `default` leaves glibc's own (for an A/B).
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '262144',
    ...env,
  };
  if (childEnv.MALLOC_MMAP_THRESHOLD_ === 'default') delete childEnv.MALLOC_MMAP_THRESHOLD_;
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: childEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/health/ready`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error('API did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { accessToken } = await login.json();
  return {
    url,
    child,
    adminToken: accessToken,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

export async function createSiteWithToken(api, code) {
  const h = { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` };
  const r1 = await fetch(`${api.url}/api/v1/datacenters`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify({ code, name: `Bench ${code}` }),
  });
  if (r1.status !== 201) throw new Error(`create site ${code}: ${r1.status} ${await r1.text()}`);
  const r2 = await fetch(`${api.url}/api/v1/datacenters/${code}/tokens`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify({ name: 'bench' }),
  });
  return (await r2.json()).token;
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---- load generator: identical sequences of bodies for both targets -------------------------------------------------
const TEMP = Array.from({ length: 2001 }, (_, i) => ((1500 + i) / 100).toFixed(2)); // 15.00 … 35.00 °C
const HUM = Array.from({ length: 501 }, (_, i) => ((200 + i) / 10).toFixed(1)); // 20.0 … 70.0 %

/** xorshift32: cheap and deterministic, so both targets get byte-identical bodies. */
export function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * bench:ingest's fleet as line protocol: `sites` × `racks` racks, each line a rack's inlet temperature and humidity,
 * `ticks` ticks `tickMs` apart per request from `t0`. Shared with bench:decode, which times the decoder on the same bodies.
 */
export function lineGenerator({ sites: SITES, racks: RACKS, ticks: TICKS, tickMs: TICK_MS, t0 }) {
  const rand = rng(20261205);
  const sites = Array.from({ length: SITES }, (_, s) => {
    const code = `BENCH-${String(s).padStart(3, '0')}`;
    return {
      code,
      tick: 0,
      prefix: Array.from(
        { length: RACKS },
        (_, r) => `rack,dc=${code},rack=R${String(r).padStart(3, '0')} inlet_temp_c=`,
      ),
      temp: Int16Array.from({ length: RACKS }, () => 600 + Math.floor(rand() * 800)), // index into TEMP
      hum: Int16Array.from({ length: RACKS }, () => 150 + Math.floor(rand() * 200)), // index into HUM
    };
  });
  let next = 0;
  return {
    sites,
    /** The next request: site index and its line-protocol body (TICKS ticks of every rack). */
    next() {
      const s = next++ % SITES;
      const site = sites[s];
      let body = '';
      for (let k = 0; k < TICKS; k++) {
        const ts = String(t0 + (site.tick + k) * TICK_MS);
        for (let r = 0; r < RACKS; r++) {
          // A slow random walk (±0.03 °C, ±0.2 %RH per tick) read through sensor noise (±0.08 °C, ±0.3 %RH).
          const t = Math.min(1990, Math.max(10, site.temp[r] + Math.floor(rand() * 7) - 3));
          const h = Math.min(495, Math.max(5, site.hum[r] + Math.floor(rand() * 5) - 2));
          site.temp[r] = t;
          site.hum[r] = h;
          const tn = t + Math.floor(rand() * 17) - 8;
          const hn = h + Math.floor(rand() * 7) - 3;
          body += site.prefix[r] + TEMP[tn] + ',relative_humidity_pct=' + HUM[hn] + ' ' + ts + '\n';
        }
      }
      site.tick += TICKS;
      return { site: s, body };
    },
  };
}
