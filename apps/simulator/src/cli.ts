/**
 * dcfleet simulator: the demo fleet against any dcfleet instance, and our load generator.
 *
 *   npm run simulate -- --url http://host:3000 --admin-user admin --admin-password … [options]
 *
 * It logs in as an admin, creates the demo sites that are missing, issues fresh ingest tokens (named
 * "simulator-cli", so an instance's own demo fleet keeps its tokens), posts hourly history through
 * POST /api/v1/ingest and then live readings, like real gateways. Run with --help for the options.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_MAX_BATCH_SAMPLES,
  FAULT_KINDS,
  FleetRunner,
  parseFault,
  selectSites,
  type FaultRequest,
  type HistoryMode,
  type HistoryProgress,
} from '@dcfleet/demo-fleet';

const HELP = `dcfleet simulator — demo fleet and load generator

Usage: npm run simulate -- [options]

  --url URL               dcfleet instance (default http://127.0.0.1:3000)
  --admin-user NAME       admin username (default admin)
  --admin-password PASS   admin password (or env DCFLEET_ADMIN_PASSWORD)
  --sites N|CODES         the first N demo sites (default 25; more than 25 adds load clones GZ-SIM-026…),
                          or a comma-separated list of codes, e.g. GZ-GA-01,GZ-BJ-01
  --history-days N        hourly history for the last N days (default: from 1 January of the previous year)
  --no-history            no history for new sites (sites with stored data still get their gap filled)
  --history-zones N       zones whose inlet temperature and humidity are also in the history (default 0: live
                          only; the API's demo takes every zone): hourly over the last 14 days, every 6 h before
  --rate R                live ticks per second per site (default 0.1 = every 10 s; 0 = no live data).
                          One tick is one request per site with all its readings (about 12 values + 2 per zone),
                          so the live load is about rate × sites × 20 samples/s in rate × sites requests/s
  --batch N               samples per history request (default ${DEFAULT_MAX_BATCH_SAMPLES})
  --concurrency N         history requests in flight (default 4)
  --max-backlog N         most history samples not yet folded into the server's rollups (default 250000;
                          0 = no limit, the raw ingest benchmark)
  --faults on|off         a random fault every --fault-every seconds once the history is in (default off)
  --fault-every S         seconds between scheduled faults (default 240)
  --fault KIND:CODE       trigger a fault once the history is in; repeatable. KIND: ${FAULT_KINDS.join(', ')}.
                          overheat takes a zone (overheat:GZ-GA-01:B2); silent/overheat a duration in
                          minutes (silent:GZ-BJ-01@15)
  --duration S            stop after S seconds of live data (default: run until Ctrl-C; 0: stop after the
                          history and the ratings check)
  --no-ratings-check      do not wait for last year's ratings to be final after the history
  --seed N                seed of the simulation (default: the demo's)
  --token-name NAME       name of the ingest tokens (default simulator-cli)
  -h, --help              this text
`;

function fail(message: string): never {
  console.error(`simulate: ${message}\n(see --help)`);
  process.exit(2);
}

function num(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) fail(`--${name} must be a number ≥ ${min}, not "${value}"`);
  return n;
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:3000' },
        'admin-user': { type: 'string', default: 'admin' },
        'admin-password': { type: 'string' },
        sites: { type: 'string', default: '25' },
        'history-days': { type: 'string' },
        'no-history': { type: 'boolean', default: false },
        'history-zones': { type: 'string' },
        rate: { type: 'string', default: '0.1' },
        batch: { type: 'string' },
        concurrency: { type: 'string' },
        'max-backlog': { type: 'string' },
        faults: { type: 'string', default: 'off' },
        'fault-every': { type: 'string', default: '240' },
        fault: { type: 'string', multiple: true, default: [] },
        duration: { type: 'string' },
        'no-ratings-check': { type: 'boolean', default: false },
        seed: { type: 'string' },
        'token-name': { type: 'string', default: 'simulator-cli' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
  } catch (err) {
    fail((err as Error).message);
  }
})();

const tty = process.stdout.isTTY === true;
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const log = (line: string) => {
  if (tty) process.stdout.write('\r\x1b[K');
  console.log(`[${secs().padStart(6)} s] ${line}`);
};

function progressLine(p: HistoryProgress): string {
  const width = 24;
  const filled = Math.round((p.percent / 100) * width);
  const eta = p.etaMs === null ? '' : `  ETA ${Math.ceil(p.etaMs / 1000)} s`;
  return (
    `history [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.percent.toFixed(1).padStart(5)} %  ` +
    `${p.samples.toLocaleString('en-US')}/${p.samplesTotal.toLocaleString('en-US')} samples  ` +
    `${p.batches.toLocaleString('en-US')} batches  ${p.samplesPerSecond.toLocaleString('en-US')} samples/s${eta}`
  );
}

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const password = values['admin-password'] ?? process.env.DCFLEET_ADMIN_PASSWORD;
  if (!password) fail('--admin-password is required (or set DCFLEET_ADMIN_PASSWORD)');
  const siteArg = values.sites!;
  let sites;
  try {
    sites = selectSites(
      /^\d+$/.test(siteArg)
        ? Number(siteArg)
        : siteArg
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    );
  } catch (err) {
    fail((err as Error).message);
  }
  const days = num(values['history-days'], 'history-days', 1);
  const history: HistoryMode = values['no-history'] ? false : days !== undefined ? { days } : 'previous-year';
  const rate = num(values.rate, 'rate', 0)!;
  if (values.faults !== 'on' && values.faults !== 'off') fail('--faults must be on or off');
  let faults: FaultRequest[];
  try {
    faults = values.fault!.map(parseFault);
  } catch (err) {
    fail((err as Error).message);
  }
  const codes = new Set(sites.map((s) => s.site.code));
  for (const f of faults)
    if (!codes.has(f.code)) fail(`--fault ${f.kind}:${f.code}: ${f.code} is not among the simulated sites`);
  const duration = num(values.duration, 'duration', 0);

  const runner = new FleetRunner({
    baseUrl: values.url!,
    admin: { username: values['admin-user']!, password },
    sites,
    seed: num(values.seed, 'seed', 0),
    history,
    historyZones: num(values['history-zones'], 'history-zones', 0),
    batchSamples: num(values.batch, 'batch', 1),
    concurrency: num(values.concurrency, 'concurrency', 1),
    rollupBacklog: num(values['max-backlog'], 'max-backlog', 0),
    liveIntervalMs: rate > 0 ? 1000 / rate : 0,
    scheduledFaults: values.faults === 'on',
    faultEveryMs: num(values['fault-every'], 'fault-every', 1)! * 1000,
    tokenName: values['token-name'],
    checkRatings: !values['no-ratings-check'],
    startedAt: t0,
    progressEveryMs: tty ? 500 : 5000,
    log,
    onProgress: (p) => {
      if (tty) process.stdout.write(`\r\x1b[K${progressLine(p)}`);
      else if (!p.done) console.log(`[${secs().padStart(6)} s] ${progressLine(p)}`);
    },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await runner.stop();
    const s = runner.liveStats;
    if (s.ticks)
      log(
        `live: ${s.ticks} ticks, ${s.posts} requests, ${s.samples.toLocaleString('en-US')} samples accepted, ${s.failed} failed, ${s.skipped} skipped (site still busy)`,
      );
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));

  log(
    `${sites.length} sites → ${runner.client.baseUrl}; history: ${history === false ? 'none' : history === 'previous-year' ? 'from 1 January of the previous year' : `last ${days} days`}; live: ${rate > 0 ? `${rate} ticks/s per site` : 'off'}`,
  );
  await runner.start();
  const done = await runner.whenHistoryDone();
  if (tty) process.stdout.write('\n');
  if (done.failedBatches > 0) log(`warning: ${done.failedBatches} history batches were refused`);
  for (const f of faults)
    await runner
      .triggerFault(f)
      .catch((err: Error) => log(`fault ${f.kind}:${f.code} failed: ${err.message}`));
  await runner.whenRatingsChecked();

  if (rate > 0) {
    let last = { samples: runner.liveStats.samples, at: Date.now() };
    const report = setInterval(() => {
      const now = Date.now();
      const rateNow = ((runner.liveStats.samples - last.samples) * 1000) / (now - last.at);
      last = { samples: runner.liveStats.samples, at: now };
      log(
        `live: ${Math.round(rateNow).toLocaleString('en-US')} samples/s, ${runner.liveStats.posts} requests, ${runner.liveStats.failed} failed`,
      );
    }, 10_000);
    report.unref();
  }
  if (duration !== undefined || rate === 0) {
    setTimeout(() => void stop(done.failedBatches > 0 ? 1 : 0), (duration ?? 0) * 1000);
  }
}

main().catch((err: Error) => {
  console.error(`\nsimulate: ${err.message}`);
  process.exit(1);
});
