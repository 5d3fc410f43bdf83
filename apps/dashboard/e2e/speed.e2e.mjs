#!/usr/bin/env node
/**
 * Speed and chart honesty e2e (issue #18 items 1 and 6), real Chromium against the real API's demo fleet.
 *
 *   node apps/dashboard/e2e/speed.e2e.mjs          # starts apps/api/dist/main.js itself
 *   BASE_URL=http://127.0.0.1:3000 node apps/dashboard/e2e/speed.e2e.mjs
 *
 * Covers: the JS a cold load of the fleet page fetches before the page is drawn stays within INITIAL_JS_BUDGET
 * (gzip level 6 of each script's body, as the server sends it), with the catalog of the language shown only, and the admin and ratings pages load their own
 * chunks when opened; the 1-year site page's series answers hold no empty buckets; a demo site without a
 * renewable meter says "This site does not report renewable energy" on that chart; an inlet spike (what the
 * demo's overheat fault does) raises alarms that are labelled annotations on the inlet chart.
 */
import { gzipSync } from 'node:zlib';
import {
  apiClient,
  assert,
  createRunner,
  endSession,
  log,
  openSession,
  signInWithForm,
  waitFor,
  watchProblems,
} from './support.mjs';

const ADMIN = ['admin', process.env.ADMIN_PASSWORD || 'admin-demo-pass'];
// Issue #18's target: ≤ 120 kB gzip of JS before the first render, i.e. index.html's JS and the core messages
// of the language shown (a chunk fetched as the app starts). The budgets guard what was won: index.html's JS
// was 192 kB gzip when zod had crept in, 164 kB with both languages' messages, react-intl's ICU parser and
// TanStack Router in it, 133 kB with one language's core messages loaded and messages precompiled, 111 kB with
// wouter for the router. All JS before the fleet page is drawn adds socket.io-client (12.5 kB), which loads as
// the live client starts, in parallel with the fleet's requests.
const ENTRY_JS_BUDGET = Number(process.env.ENTRY_JS_BUDGET_KB || 114) * 1024;
const FIRST_RENDER_JS_BUDGET = Number(process.env.FIRST_RENDER_JS_BUDGET_KB || 120) * 1024;
const INITIAL_JS_BUDGET = Number(process.env.INITIAL_JS_BUDGET_KB || 132) * 1024;
// GZ-GY-03 buys no hydro power: the demo gives it no renewable meter.
const NO_RENEWABLE_SITE = 'GZ-GY-03';

const { test, shot, fail, summary, results } = createRunner('speed');

async function main() {
  let session = null;
  try {
    session = await openSession('speed');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const adminToken = await api.login(...ADMIN);
    const code = await waitFor(
      async () => {
        const sites = await api.call('GET', '/api/v1/datacenters', { token: adminToken });
        return sites.find((s) => s.snapshot.status === 'online')?.code;
      },
      'the demo fleet has no online site',
      30_000,
      500,
    );

    const browser = await session.launch({ width: 1280, height: 900 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(15_000);
    const browserProblems = watchProblems(page);

    // Every script the page fetches, in order, with its body's gzip size.
    const scripts = [];
    page.on('response', async (res) => {
      if (res.request().resourceType() !== 'script') return;
      const entry = { url: res.url(), gz: 0 };
      scripts.push(entry);
      entry.done = res
        .body()
        .then((b) => (entry.gz = gzipSync(b, { level: 6 }).length))
        .catch(() => {});
    });
    const settled = async (list) => {
      await Promise.all(list.map((s) => s.done));
      return list;
    };
    const fileOf = (url) => new URL(url).pathname.split('/').pop();

    await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
    await signInWithForm(page, baseUrl, ADMIN);

    await test(
      'a cold load of the fleet page fetches its JS within the budget before it is drawn',
      async () => {
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.clearBrowserCache');
        await page.goto('about:blank');
        scripts.length = 0;
        await page.goto(`${baseUrl}/#/`, { waitUntil: 'commit' });
        // Drawn: every online demo site's tile has its sparkline (the bench's condition). Sites other e2e files
        // create on this shared API (E2E-…, ZZ-E2E-…) may be online without IT power, so without a line.
        await page.waitForFunction(
          () => {
            const tiles = [
              ...document.querySelectorAll(
                '[data-testid="site-tile"][data-status="online"][data-code^="GZ-"]',
              ),
            ];
            return tiles.length > 0 && tiles.every((t) => t.querySelector('svg.sparkline path'));
          },
          undefined,
          { timeout: 60_000, polling: 50 },
        );
        const initial = await settled([...scripts]);
        const total = initial.reduce((n, s) => n + s.gz, 0);
        log(
          `JS before the fleet page was drawn: ${(total / 1024).toFixed(1)} kB gzip in ${initial.length} files ` +
            `(${initial.map((s) => `${fileOf(s.url)} ${(s.gz / 1024).toFixed(1)}`).join(', ')})`,
        );
        assert(total > 0, 'no script was fetched');
        // index.html's script and modulepreloads: what must arrive before anything renders.
        const html = await (await fetch(`${baseUrl}/`)).text();
        const entry = new Set(
          [
            ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g),
          ].map((m) => fileOf(new URL(m[1], baseUrl).href)),
        );
        const entryGz = initial.filter((s) => entry.has(fileOf(s.url))).reduce((n, s) => n + s.gz, 0);
        log(`of which index.html's ${entry.size} files: ${(entryGz / 1024).toFixed(1)} kB gzip`);
        assert(entry.size > 0 && entryGz > 0, `index.html's scripts were not among the fetched ones`);
        assert(
          entryGz <= ENTRY_JS_BUDGET,
          `${(entryGz / 1024).toFixed(1)} kB gzip of JS in index.html, over ${ENTRY_JS_BUDGET / 1024} kB`,
        );
        const catalogGz = initial
          .filter((s) => fileOf(s.url).startsWith('catalog.en'))
          .reduce((n, s) => n + s.gz, 0);
        log(
          `before the first render (with the English core messages): ${((entryGz + catalogGz) / 1024).toFixed(1)} kB gzip`,
        );
        assert(catalogGz > 0, 'the English core messages were not fetched');
        assert(
          entryGz + catalogGz <= FIRST_RENDER_JS_BUDGET,
          `${((entryGz + catalogGz) / 1024).toFixed(1)} kB gzip of JS before the first render, over ${FIRST_RENDER_JS_BUDGET / 1024} kB`,
        );
        assert(
          total <= INITIAL_JS_BUDGET,
          `${(total / 1024).toFixed(1)} kB gzip of JS before the fleet page was drawn, over ${INITIAL_JS_BUDGET / 1024} kB`,
        );
        // An English browser loads the English catalog only, and no page's own messages (messages-*, org-messages-*).
        for (const lazy of [
          'AdminPage',
          'RatingsPage',
          'SitePage',
          'Chart-',
          'catalog.zh-CN',
          'messages',
          'org-messages',
        ])
          assert(!initial.some((s) => fileOf(s.url).startsWith(lazy)), `${lazy} is in the fleet page's JS`);
        await cdp.detach();
      },
      { page },
    );

    await test(
      'the admin and the ratings page load their own chunks when opened',
      async () => {
        for (const [hash, chunk, heading] of [
          ['#/admin', 'AdminPage', 'Administration'],
          ['#/ratings', 'RatingsPage', 'Green ratings'],
        ]) {
          const before = scripts.length;
          await page.goto(`${baseUrl}/${hash}`, { waitUntil: 'domcontentloaded' });
          await waitFor(
            () => scripts.slice(before).some((s) => fileOf(s.url).startsWith(chunk)),
            `opening ${hash} fetched no ${chunk} chunk: ${scripts
              .slice(before)
              .map((s) => fileOf(s.url))
              .join(', ')}`,
            30_000,
          );
          await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
        }
      },
      { page },
    );

    await test(
      "the 1-year site page's series answers hold no empty buckets",
      async () => {
        const answers = [];
        const onResponse = (res) => {
          if (!/\/api\/v1\/datacenters\/[^/]+\/series\?/.test(res.url()) || res.status() !== 200) return;
          answers.push(res.json().then((body) => ({ url: res.url(), body })));
        };
        page.on('response', onResponse);
        await page.goto(`${baseUrl}/#/sites/${code}?range=1y`, { waitUntil: 'domcontentloaded' });
        await page.getByTestId('chart-inlet').waitFor();
        await waitFor(
          async () =>
            (await page.locator('.chart-empty', { hasText: 'Loading' }).count()) === 0 && answers.length >= 6,
          'the 1-year charts never finished loading',
          60_000,
          250,
        );
        page.off('response', onResponse);
        const bodies = await Promise.all(answers);
        for (const { url, body } of bodies) {
          const metric = new URL(url).searchParams.get('metric');
          assert(body.step === '1d', `${metric}: a year at step ${body.step}`);
          for (const s of body.series) {
            const empty = s.points.filter(
              (p) => p.avg === null && (p.increase === null || p.increase === undefined),
            );
            assert(
              empty.length === 0,
              `${metric} ${JSON.stringify(s.labels)}: ${empty.length} empty buckets, e.g. ${empty[0]?.t}`,
            );
            const ts = s.points.map((p) => Date.parse(p.t));
            assert(
              ts.every((t, i) => i === 0 || t > ts[i - 1]),
              `${metric}: points not in time order`,
            );
          }
          log(
            `${metric}: ${body.series.length} series, ${body.series.reduce((n, s) => n + s.points.length, 0)} points`,
          );
        }
        await shot(page, 'site-1y');
      },
      { page },
    );

    await test(
      'a site without a renewable meter says so on the renewable chart, not "No data"',
      async () => {
        await page.goto(`${baseUrl}/#/sites/${NO_RENEWABLE_SITE}?range=24h`, {
          waitUntil: 'domcontentloaded',
        });
        const chart = page.getByTestId('chart-renewable');
        await chart.getByText('This site does not report renewable energy.', { exact: true }).waitFor();
        assert(
          (await chart.getByText('No data in this range.').count()) === 0,
          'the renewable chart also says "No data"',
        );
        // Its other charts are drawn from the site's own series.
        await page.getByTestId('chart-power').locator('canvas[role="img"]').waitFor({ timeout: 60_000 });
        await shot(page, 'not-reported');
      },
      { page },
    );

    await test(
      'an inlet spike (the demo overheat fault) is a labelled annotation on the inlet chart',
      async () => {
        // ZZ-: run-all shares one API, and dashboard.e2e opens the first site by code, which must have power data.
        const faultCode = `ZZ-E2E-SP-${Date.now().toString(36).toUpperCase()}`;
        await api.call('POST', '/api/v1/datacenters', {
          token: adminToken,
          body: { code: faultCode, name: 'E2E annotations', region: 'Guiyang', itCapacityKw: 1000 },
        });
        const { token } = await api.call('POST', `/api/v1/datacenters/${faultCode}/tokens`, {
          token: adminToken,
          body: { name: 'e2e-speed' },
        });
        const inletAt = (ms, value) =>
          api.call('POST', '/api/v1/ingest', {
            token,
            body: {
              samples: [
                { ts: new Date(ms).toISOString(), metric: 'inlet_temp_c', value, labels: { zone: 'B2' } },
              ],
            },
          });
        const start = Date.now() - 10 * 60_000;
        await inletAt(start, 23);
        await inletAt(start + 60_000, 34.5); // the demo overheat fault's peak
        await inletAt(start + 4 * 60_000, 23);
        await waitFor(async () => {
          const list = await api.call('GET', `/api/v1/alarms?state=all&datacenter=${faultCode}`, {
            token: adminToken,
          });
          return list.some((a) => a.rule === 'inlet_temp' && a.state === 'cleared');
        }, 'the inlet alarms were not raised and cleared');
        await page.goto(`${baseUrl}/#/sites/${faultCode}?range=1h`, { waitUntil: 'domcontentloaded' });
        const inlet = page.getByTestId('chart-inlet');
        const labels = await waitFor(
          async () => {
            const list = JSON.parse((await inlet.getAttribute('data-annotations')) ?? '[]');
            return list.length ? list : null;
          },
          'the inlet chart has no annotation',
          30_000,
          250,
        );
        assert(
          labels.includes('Inlet temperature · B2 · 34.5 °C'),
          `inlet annotations: ${JSON.stringify(labels)}`,
        );
        // The samples reach the 1-minute rollups at the next flush: reload until the chart is drawn.
        await waitFor(
          async () => {
            if (await inlet.locator('canvas[role="img"]').isVisible()) return true;
            if (await inlet.getByText('No data in this range.').isVisible())
              await page.reload({ waitUntil: 'domcontentloaded' });
            return false;
          },
          'the inlet chart of the spiked site was never drawn',
          60_000,
          2_000,
        );
        // Inlet alarms belong on the inlet chart only.
        const pue = JSON.parse(
          (await page.getByTestId('chart-pue').getAttribute('data-annotations')) ?? '[]',
        );
        assert(
          !pue.some((l) => l.startsWith('Inlet')),
          `the PUE chart is annotated with ${JSON.stringify(pue)}`,
        );
        await shot(page, 'annotation');
      },
      { page },
    );

    await test(
      'no page errors or console errors',
      async () => {
        browserProblems.assertNone();
      },
      { always: true },
    );
  } catch (err) {
    fail('setup', err);
  } finally {
    await endSession(session, results);
  }
}

await main();
const { failed } = summary();
process.exit(failed > 0 ? 1 : 0);
