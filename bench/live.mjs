// npm run bench:live — socket.io fan-out under ingest load, against the built API (apps/api/dist).
// 25 sites; for 100, 1 000 and 2 000 clients (in a separate process, bench/live-clients.mjs), each subscribed to
// the fleet and to one data center room, with background ingest of 20 000 samples/s (10 batches/s × 2 000
// samples, round robin over the sites, newest sample time = send time). Prints ingest-to-client latency of
// dc:update (p50/p99), fleet:update age, delivered messages/s and the API's CPU; asserts nothing.
//
// Environment: BENCH_DB (sqlite | postgres, default sqlite), BENCH_CLIENTS (default 100,1000,2000),
// BENCH_SECONDS (measured seconds per step, default 8), BENCH_SITES (25), BENCH_BATCHES_PER_S (10),
// BENCH_BATCH_SAMPLES (2000), BENCH_SERIES (series per batch, default 200: 10 points each),
// BENCH_API_ENV (k=v,k=v for the API, e.g. REDIS_URL=redis://127.0.0.1:6379), BENCH_NO_BUILD=1 (skip the build),
// BENCH_ORGS (default 10; 0: off): each client count runs twice in one sitting, first with every client a hub
// operator (one fleet room), then with the sites spread over that many organisations and each client an operator of
// one of them (one fleet room per organisation, issue #16), so the cost of per-scope rooms is read side by side.
import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, createSiteWithToken, freshDatabase, percentile, startApi } from './lib.mjs';

const KIND = process.env.BENCH_DB ?? 'sqlite';
const CLIENT_COUNTS = (process.env.BENCH_CLIENTS ?? '100,1000,2000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SITES = Number(process.env.BENCH_SITES ?? 25);
const BATCHES_PER_S = Number(process.env.BENCH_BATCHES_PER_S ?? 10);
const BATCH_SAMPLES = Number(process.env.BENCH_BATCH_SAMPLES ?? 2000);
const SERIES = Math.min(Number(process.env.BENCH_SERIES ?? 200), BATCH_SAMPLES);
const ORGS = Number(process.env.BENCH_ORGS ?? 10);
const EXTRA_ENV = process.env.BENCH_API_ENV
  ? Object.fromEntries(process.env.BENCH_API_ENV.split(',').map((kv) => kv.split('=')))
  : {};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Series of one batch: IT and facility power plus inlet temperatures by zone, pre-rendered up to the timestamp.
const heads = Array.from({ length: SERIES }, (_, i) =>
  i === 0
    ? '{"metric":"it_power_kw","ts":'
    : i === 1
      ? '{"metric":"facility_power_kw","ts":'
      : `{"metric":"inlet_temp_c","labels":{"zone":"Z${i}"},"ts":`,
);
const POINTS = Math.ceil(BATCH_SAMPLES / SERIES);

/** BATCH_SAMPLES samples: SERIES series × POINTS points 100 ms apart, the newest at `now` (the send time). */
function batch(now, round) {
  let s = '{"samples":[';
  let n = 0;
  for (let p = POINTS - 1; p >= 0 && n < BATCH_SAMPLES; p--) {
    const ts = now - p * 100;
    for (let i = 0; i < SERIES && n < BATCH_SAMPLES; i++, n++) {
      if (n) s += ',';
      const v = i === 0 ? 800 + (round % 50) : i === 1 ? 1040 + (round % 50) : 22 + ((i + round) % 40) / 10;
      s += heads[i] + ts + ',"value":' + v + '}';
    }
  }
  return s + ']}';
}

/** CPU seconds (user + system) used so far by a process, from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Background ingest: BATCHES_PER_S batches a second, round robin over the sites, until stopped. */
function startIngest(api, tokens, codes) {
  // responded: "code|ISO newest sample time" → when the 200 arrived (to pair with dc:update arrivals)
  const stats = {
    sent: 0,
    ok: 0,
    errors: 0,
    samples: 0,
    latencies: [],
    responded: new Map(),
    statuses: {},
    lastError: '',
  };
  let k = 0;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    const site = k % tokens.length;
    const now = Date.now();
    const body = batch(now, k++);
    const t = performance.now();
    stats.sent++;
    fetch(`${api.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[site]}` },
      body,
    })
      .then(async (res) => {
        const text = await res.text();
        stats.latencies.push(performance.now() - t);
        if (res.status === 200) {
          stats.responded.set(`${codes[site]}|${new Date(now).toISOString()}`, Date.now());
          stats.ok++;
          stats.samples += JSON.parse(text).accepted;
        } else {
          stats.errors++;
          stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
          stats.lastError = text.slice(0, 200);
        }
      })
      .catch((err) => {
        stats.errors++;
        stats.lastError = String(err?.cause?.code ?? err?.message ?? err);
      });
  }, 1000 / BATCHES_PER_S);
  return {
    stats,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

function ask(child, msg, key) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m && key in m) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m[key]);
      }
    };
    const onExit = (code) => reject(new Error(`client process exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (msg) child.send(msg);
  });
}

/**
 * Who the clients are: `{ label, tokens, sites }` — client j logs in with tokens[j % n] and watches sites[j % n]. A
 * hub operator's clients watch the sites round robin; an organisation's clients watch its own sites.
 */
async function audiences(api, codes) {
  const h = { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` };
  const call = async (path, body, ok = [200, 201]) => {
    const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: h, body: JSON.stringify(body) });
    if (!ok.includes(res.status)) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const login = async (username, role, organization) => {
    const password = 'bench-live-password';
    await call('/api/v1/users', { username, password, role, ...(organization ? { organization } : {}) });
    return (await call('/api/v1/auth/login', { username, password })).accessToken;
  };
  const hub = {
    label: 'one scope (hub operators)',
    tokens: [await login('bench-hub-op', 'operator')],
    sites: codes,
  };
  if (ORGS <= 0) return [hub];
  const tokens = [];
  const sites = [];
  for (let k = 0; k < ORGS; k++) {
    const org = `BENCH-ORG-${k}`;
    await call('/api/v1/organizations', { code: org, name: `Bench operator ${k}` });
    const mine = codes.filter((_, i) => i % ORGS === k);
    for (const site of mine) await call(`/api/v1/organizations/${org}/sites`, { site });
    tokens.push(await login(`bench-op-${k}`, 'operator', org));
    sites.push(mine);
  }
  // Client j: organisation j % ORGS, one of its sites in turn; flattened so that index j picks both.
  const perClient = (n) =>
    Array.from({ length: n }, (_, j) => sites[j % ORGS][Math.floor(j / ORGS) % sites[j % ORGS].length]);
  return [hub, { label: `${ORGS} organisations (a fleet room each)`, tokens, sitesFor: perClient }];
}

async function step(api, tokens, codes, clients, audience) {
  const child = fork(join(ROOT, 'bench/live-clients.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let ingest;
  try {
    // Clients connect first (≈ 100 handshakes/s here), then the load starts.
    const ready = await ask(
      child,
      {
        cmd: 'connect',
        url: api.url,
        tokens: audience.tokens,
        clients,
        sites: audience.sitesFor ? audience.sitesFor(clients) : audience.sites,
      },
      'ready',
    );
    ingest = startIngest(api, tokens, codes);
    await sleep(1500); // settle: first fleet updates
    ingest.stats.samples = 0;
    ingest.stats.latencies = [];
    const cpu0 = cpuSeconds(api.child.pid);
    const clientCpu0 = cpuSeconds(child.pid);
    const t0 = performance.now();
    child.send({ cmd: 'start' });
    await sleep(SECONDS * 1000);
    const stats = await ask(child, { cmd: 'stop' }, 'stats');
    const wall = (performance.now() - t0) / 1000;
    const cores = (cpuSeconds(api.child.pid) - cpu0) / wall;
    const clientCores = (cpuSeconds(child.pid) - clientCpu0) / wall;
    const ingestRate = ingest.stats.samples / wall;
    const lat = ingest.stats.latencies.sort((a, b) => a - b);
    const delivered = (stats.dcMessages + stats.fleetMessages) / stats.seconds;
    // Fan-out: from the ingest 200 (the batch is committed and its dc:update emitted) to the last client of
    // the room having it. Negative when every client had it before the HTTP answer arrived.
    const fanout = [];
    for (const [key, a] of stats.arrivals) {
      const at = ingest.stats.responded.get(key);
      if (at !== undefined) fanout.push(a.last - at);
    }
    fanout.sort((a, b) => a - b);
    const ms = (v) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${Math.round(v)} ms`);
    const n = (v) => Math.round(v).toLocaleString('en-US');
    const notes = [
      ready.failed && `${ready.failed} clients failed to connect`,
      ingest.stats.errors &&
        `${ingest.stats.errors} ingest errors (${JSON.stringify(ingest.stats.statuses)}; last: ${ingest.stats.lastError})`,
      stats.gaps && `${stats.gaps} seq gaps`,
      stats.disconnects && `${stats.disconnects} disconnects`,
    ].filter(Boolean);
    console.log(
      [
        `${clients} clients, ${audience.label} (${ready.connected} connected in ${(ready.ms / 1000).toFixed(1)} s)${notes.length ? ' — ' + notes.join(', ') : ''}`,
        `  dc:update latency, ingest → client    p50 ${ms(stats.p50)}, p99 ${ms(stats.p99)}, max ${ms(stats.max)}`,
        `  dc:update fan-out, 200 → last client  p50 ${ms(percentile(fanout, 50))}, p99 ${ms(percentile(fanout, 99))}`,
        `  fleet:update age per site (ingest →)   p50 ${ms(stats.fleetP50)}, p99 ${ms(stats.fleetP99)}`,
        `  delivered                             ${n(delivered)} msg/s (dc:update ${n(stats.dcMessages / stats.seconds)}, fleet:update ${n(stats.fleetMessages / stats.seconds)})`,
        `  ingest                                ${n(ingestRate)} samples/s, POST p50 ${ms(percentile(lat, 50))}, p99 ${ms(percentile(lat, 99))}`,
        `  CPU                                   API ${cores.toFixed(2)} cores, clients ${clientCores.toFixed(2)} cores; load average ${loadavg()[0].toFixed(1)}`,
      ].join('\n'),
    );
  } finally {
    ingest?.stop();
    if (child.exitCode === null) child.kill();
  }
}

if (process.env.BENCH_NO_BUILD !== '1') {
  console.log('building the API and its libs (nx run @dcfleet/api:build; BENCH_NO_BUILD=1 skips) …');
  execFileSync('npx', ['nx', 'run', '@dcfleet/api:build', '--outputStyle=static'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

const db = await freshDatabase(KIND);
const api = await startApi(db.url, db.dataDir, EXTRA_ENV);
try {
  const codes = [];
  const tokens = [];
  for (let i = 0; i < SITES; i++) {
    const code = `BENCH-LV-${String(i).padStart(2, '0')}`;
    codes.push(code);
    tokens.push(await createSiteWithToken(api, code));
  }
  console.log(
    `bench:live — ${KIND}${EXTRA_ENV.REDIS_URL ? ' + Redis adapter' : ''}, ${SITES} sites, ingest ${BATCHES_PER_S} batches/s × ${BATCH_SAMPLES} samples ` +
      `(${SERIES} series × ${POINTS} points) = ${(BATCHES_PER_S * BATCH_SAMPLES).toLocaleString('en-US')} samples/s; ` +
      `each client subscribes to the fleet + 1 data center; ${SECONDS} s measured per step; clients in a separate process`,
  );
  const who = await audiences(api, codes);
  for (const n of CLIENT_COUNTS) for (const audience of who) await step(api, tokens, codes, n, audience);
} finally {
  await api.stop();
  await db.drop();
}
