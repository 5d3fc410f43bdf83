#!/usr/bin/env node
/**
 * Dashboard speed in a real browser (Debian's Chromium through playwright-core), against the built API in demo
 * mode on a free port with a fresh DATA_DIR (build first: npm run build). Prints figures; asserts nothing.
 *
 *   npm run bench:dashboard                     # 3 rounds
 *   BENCH_ROUNDS=5 npm run bench:dashboard
 *   BASE_URL=http://127.0.0.1:3000 npm run bench:dashboard   # an instance already running (demo admin)
 *
 * Waits until the demo history is posted (the server log's "history posted" line) and its rollups are readable
 * (the 1-year series of one site stops changing), signs in as the demo admin, then per round and page:
 *  - cold: browser cache cleared, the page loaded from scratch (session kept);
 *  - warm: the same page reloaded with the cache of the cold load.
 * "Drawn" is measured from navigation start until
 *  - fleet page: every site tile's IT-load sparkline has its line (an SVG path in `svg.sparkline`);
 *  - site page at 1 year: every chart card (not the comparison's) holds a chart canvas or its final text ("No
 *    data", "does not report", an error; no "Loading chart…" left).
 * Also per page: API requests made, bytes on the wire vs decoded for JS and JSON (CDP's encodedDataLength
 * includes headers), and the gzip size of the initial JS (index.html's script and modulepreloads, gzip level 6
 * as the server sends it) and of all JS before the first render (with the English core messages).
 */
import { gzipSync } from 'node:zlib';
import { apiClient, launchBrowser, log, sleep, startApi, waitFor } from '../apps/dashboard/e2e/support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const ADMIN = ['admin', process.env.ADMIN_PASSWORD || 'admin-demo-pass'];
const HISTORY_TIMEOUT_MS = Number(process.env.BENCH_HISTORY_TIMEOUT_MS || 15 * 60_000);
const DRAW_TIMEOUT_MS = 60_000;

const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The JS a cold load needs before the first render, as the instance serves it: index.html's script and
 * modulepreloads, then the English core messages the entry fetches as it starts (named in the entry's chunk
 * map). Read over HTTP, so an instance serving another build (DASHBOARD_DIR) is measured as it is.
 */
async function initialJsGzip(baseUrl) {
  const html = await (await fetch(`${baseUrl}/`)).text();
  const files = [
    ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g),
  ].map((m) => m[1]);
  const sizes = async (list) => {
    let raw = 0;
    let gz = 0;
    const texts = [];
    for (const f of list) {
      const buf = Buffer.from(await (await fetch(`${baseUrl}/${f}`)).arrayBuffer());
      raw += buf.length;
      gz += gzipSync(buf, { level: 6 }).length;
      texts.push(buf.toString('utf8'));
    }
    return { raw, gz, texts };
  };
  const entry = await sizes(files);
  const catalog = [...new Set(entry.texts.join('\n').match(/catalog\.en-[\w-]+\.js/g) ?? [])].map(
    (name) => `assets/${name}`,
  );
  const messages = await sizes(catalog);
  return {
    files: files.length,
    raw: entry.raw,
    gz: entry.gz,
    catalogGz: messages.gz,
    catalogFiles: catalog.length,
  };
}

/** Waits for the demo's history and its rollups: "history posted" in the log, then a stable 1-year series. */
async function waitForHistory(server, api, token) {
  const started = Date.now();
  if (server) {
    log('waiting for the demo history (server log: "history posted") …');
    await waitFor(
      () => /history posted/.test(server.log()),
      'demo history not posted',
      HISTORY_TIMEOUT_MS,
      1000,
    );
  }
  const sites = await api.call('GET', '/api/v1/datacenters', { token });
  const code = sites[0].code;
  const to = new Date();
  const from = new Date(to.getTime() - 365 * 86_400_000);
  const q = new URLSearchParams({
    metric: 'it_power_kw',
    from: from.toISOString(),
    to: to.toISOString(),
    step: '1d',
  });
  let last = '';
  await waitFor(
    async () => {
      const r = await api.call('GET', `/api/v1/datacenters/${code}/series?${q}`, { token });
      const sig = JSON.stringify(r.series.map((s) => s.points.map((p) => p.count ?? p.avg)));
      const stable = sig === last && r.series.some((s) => s.points.length > 300);
      last = sig;
      return stable;
    },
    'the 1-year series never settled',
    HISTORY_TIMEOUT_MS,
    2000,
  );
  log(`demo history ready after ${((Date.now() - started) / 1000).toFixed(0)} s; ${sites.length} sites`);
  return sites;
}

/** Records every response of the page over CDP: type, URL, bytes on the wire and decoded. */
async function recorder(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let reqs = new Map();
  cdp.on('Network.responseReceived', (e) => {
    reqs.set(e.requestId, {
      url: e.response.url,
      type: e.type,
      mime: e.response.mimeType,
      encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '',
      fromCache: e.response.fromDiskCache || e.response.fromPrefetchCache,
      status: e.response.status,
      wire: 0,
      decoded: 0,
    });
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = reqs.get(e.requestId);
    if (r) r.decoded += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = reqs.get(e.requestId);
    if (r) r.wire = e.encodedDataLength;
  });
  return {
    cdp,
    reset: () => (reqs = new Map()),
    summary() {
      const all = [...reqs.values()];
      const api = all.filter((r) => new URL(r.url).pathname.startsWith('/api/'));
      const js = all.filter((r) => r.type === 'Script');
      const json = all.filter((r) => r.mime === 'application/json');
      const sum = (xs, k) => xs.reduce((n, r) => n + r[k], 0);
      return {
        apiRequests: api.length,
        jsWire: sum(js, 'wire'),
        jsDecoded: sum(js, 'decoded'),
        jsFiles: js.length,
        jsEncodings: [...new Set(js.map((r) => r.encoding || 'identity'))].join('+'),
        jsonWire: sum(json, 'wire'),
        jsonDecoded: sum(json, 'decoded'),
        jsonEncodings: [...new Set(json.map((r) => r.encoding || 'identity'))].join('+'),
      };
    },
  };
}

const FLEET_DRAWN = () => {
  const tiles = [...document.querySelectorAll('[data-testid="site-tile"]')];
  return tiles.length > 0 && tiles.every((t) => t.querySelector('svg.sparkline path'));
};
const SITE_DRAWN = () => {
  // The comparison card holds only a hint until a second site is added: it is not waited for.
  const cards = [...document.querySelectorAll('section.chart-card:not(.compare)')];
  return (
    cards.length > 0 &&
    cards.every((c) => c.querySelector('canvas') || c.querySelector('[role="alert"], .chart-empty')) &&
    ![...document.querySelectorAll('.chart-empty')].some((p) => p.textContent.includes('Loading'))
  );
};

async function measure(page, rec, url, drawn, cold) {
  if (cold) await rec.cdp.send('Network.clearBrowserCache');
  await page.goto('about:blank');
  rec.reset();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(drawn, undefined, { timeout: DRAW_TIMEOUT_MS, polling: 16 });
  const ms = await page.evaluate(() => performance.now());
  await sleep(300); // let late responses (e.g. a refetch) finish, so their bytes are counted
  return { ms, ...rec.summary() };
}

function report(name, runs) {
  const f = runs[runs.length - 1];
  console.log(
    `${name.padEnd(22)} drawn ${median(runs.map((r) => r.ms))
      .toFixed(0)
      .padStart(5)} ms (median of ${runs.length}; ` +
      `${runs.map((r) => r.ms.toFixed(0)).join(', ')})  API requests ${f.apiRequests}  ` +
      `JS ${kB(f.jsWire)} wire / ${kB(f.jsDecoded)} decoded (${f.jsFiles} files, ${f.jsEncodings})  ` +
      `JSON ${kB(f.jsonWire)} wire / ${kB(f.jsonDecoded)} decoded (${f.jsonEncodings})`,
  );
}

async function main() {
  process.env.MQTT_PORT ??= ''; // no MQTT listener: the bench is about the dashboard
  let server = null;
  let baseUrl = process.env.BASE_URL?.replace(/\/+$/, '');
  if (!baseUrl) {
    server = await startApi();
    baseUrl = server.baseUrl;
  }
  let browser = null;
  try {
    const api = apiClient(baseUrl);
    const token = await api.login(...ADMIN);
    const sites = await waitForHistory(server, api, token);
    browser = await launchBrowser({ width: 1440, height: 900 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
    await page.getByLabel('Username', { exact: true }).fill(ADMIN[0]);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN[1]);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
    const rec = await recorder(page);
    const fleetUrl = `${baseUrl}/#/`;
    const siteUrl = `${baseUrl}/#/sites/${encodeURIComponent(sites[0].code)}?range=1y`;
    const runs = { fleetCold: [], fleetWarm: [], siteCold: [], siteWarm: [] };
    for (let i = 0; i < ROUNDS; i++) {
      runs.fleetCold.push(await measure(page, rec, fleetUrl, FLEET_DRAWN, true));
      runs.fleetWarm.push(await measure(page, rec, fleetUrl, FLEET_DRAWN, false));
      runs.siteCold.push(await measure(page, rec, siteUrl, SITE_DRAWN, true));
      runs.siteWarm.push(await measure(page, rec, siteUrl, SITE_DRAWN, false));
    }
    const js = await initialJsGzip(baseUrl);
    console.log(`\ndashboard bench: ${baseUrl}, ${sites.length} sites, site page ${sites[0].code} at 1 year`);
    report('fleet page, cold cache', runs.fleetCold);
    report('fleet page, warm cache', runs.fleetWarm);
    report('site page 1y, cold', runs.siteCold);
    report('site page 1y, warm', runs.siteWarm);
    console.log(`initial JS (index.html: ${js.files} files) ${kB(js.raw)} raw, ${kB(js.gz)} gzip`);
    console.log(
      `JS before the first render (index.html and the English core messages: ${js.catalogFiles} file): ` +
        `${kB(js.gz + js.catalogGz)} gzip`,
    );
  } finally {
    await browser?.close();
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
