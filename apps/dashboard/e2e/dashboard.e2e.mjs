#!/usr/bin/env node
/**
 * Dashboard e2e: a real Chromium (Debian's, driven by playwright-core) against the real API and its demo fleet.
 *
 *   node apps/dashboard/e2e/dashboard.e2e.mjs                                  # starts apps/api/dist/main.js itself
 *   BASE_URL=http://127.0.0.1:3000 node apps/dashboard/e2e/dashboard.e2e.mjs   # against a running instance
 *                                                                             # (creates one E2E-… site there)
 * Covers: every site on the fleet page (compared with GET /api/v1/datacenters); a sample posted through the
 * ingest API shows on the site page within 2 s without a reload; gap-free resume after the browser went offline;
 * charts, range picker; alarms (live arrival, acknowledgement); ratings with
 * CSV and the printable report (also saved as PDF); admin (ingest token shown once, users, alarm rules: create,
 * disable, edit, delete, a server error shown in the dialog); a regulator sees
 * ratings but neither alarms nor admin; the language switch (zh-CN) persists across a reload; keyboard skip
 * link; no horizontal overflow at 1280×800 and 1280×720; no console errors.
 *
 * Prints one line per test and a final `N passed, N failed` line; exits 1 when anything failed. Screenshots go
 * to artifacts/screenshots/dashboard-*.png, the report PDF to artifacts/dashboard-report.pdf.
 */
import path from 'node:path';
import {
  apiClient,
  ARTIFACTS,
  assert,
  createRunner,
  endSession,
  log,
  openSession,
  signInWithForm,
  sleep,
  waitFor,
} from './support.mjs';

const ADMIN = ['admin', process.env.ADMIN_PASSWORD || 'admin-demo-pass'];
const REGULATOR = ['regulator', process.env.REGULATOR_PASSWORD || 'regulator-demo-pass'];
const LIVE_BUDGET_MS = 2000;

const { test, shot, fail, summary, results } = createRunner('dashboard');

async function main() {
  let session = null;
  try {
    session = await openSession('dashboard');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const adminToken = await api.login(...ADMIN);

    const browser = await session.launch({ width: 1280, height: 800 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(15_000);

    // Console errors and failed requests are failures. Allowed: the 404 of GET /api/v1/alarms while that
    // endpoint is not built yet (the page shows "not available yet" then).
    const problems = [];
    const notes = new Set();
    // While the reconnect test has the browser offline, failed requests are expected.
    let offline = false;
    // While the alarm rule test provokes a conflict on purpose, the browser logs that 409.
    let expectConflict = false;
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      if (offline && /ERR_INTERNET_DISCONNECTED/.test(msg.text())) return;
      const where = msg.location()?.url ?? '';
      if (expectConflict && /\b409\b/.test(msg.text()) && /\/api\/v1\/alarm-rules$/.test(where)) return;
      if (/\b404\b/.test(msg.text()) && /\/api\/v1\/alarms(\?|$)/.test(where)) {
        notes.add(
          'GET /api/v1/alarms answered 404 (alarms API not built yet): the page showed its "not available" state',
        );
        return;
      }
      problems.push(`console.error: ${msg.text()}${where ? ` (${where})` : ''}`);
    });
    page.on('requestfailed', (req) => {
      const failure = req.failure()?.errorText ?? 'failed';
      if (offline && failure === 'net::ERR_INTERNET_DISCONNECTED') return;
      if (failure !== 'net::ERR_ABORTED')
        problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`);
    });

    const noOverflow = async (what) => {
      const { sw, iw } = await page.evaluate(() => ({
        sw: document.documentElement.scrollWidth,
        iw: window.innerWidth,
      }));
      assert(sw <= iw, `${what}: the page is ${sw}px wide in a ${iw}px window (horizontal overflow)`);
    };
    const signIn = (credentials) => signInWithForm(page, baseUrl, credentials);
    const signOut = async () => {
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await page.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).waitFor();
    };
    const goto = async (hash) => {
      await page.goto(`${baseUrl}/${hash}`, { waitUntil: 'domcontentloaded' });
    };

    let sites = [];

    await test(
      'admin signs in; the fleet page shows every site of GET /api/v1/datacenters, with KPIs and the map',
      async () => {
        await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
        await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
        await signIn(ADMIN);
        await waitFor(
          async () => (await page.getByTestId('live-status').getAttribute('data-status')) === 'live',
          'live indicator never said live',
        );
        // Compare with the API, reloading the list while demo sites are still registering.
        const codes = await waitFor(
          async () => {
            sites = await api.call('GET', '/api/v1/datacenters', { token: adminToken });
            const want = sites.map((s) => s.code).sort();
            const have = (
              await page
                .locator('[data-testid="site-tile"]')
                .evaluateAll((els) => els.map((e) => e.dataset.code))
            ).sort();
            if (want.length > 0 && JSON.stringify(want) === JSON.stringify(have)) return have;
            await page
              .getByRole('button', { name: 'Refresh', exact: true })
              .click()
              .catch(() => {});
            await sleep(400);
            return null;
          },
          'the fleet tiles never matched GET /api/v1/datacenters',
          20_000,
          300,
        );
        log(`fleet shows all ${codes.length} site(s): ${codes.join(', ')}`);
        const online = (await page.getByTestId('kpi-online').textContent())?.trim();
        const expectedOnline = sites.filter((s) => s.snapshot.status === 'online').length;
        assert(
          online === `${expectedOnline} of ${sites.length}`,
          `sites online KPI says "${online}", API says ${expectedOnline} of ${sites.length}`,
        );
        const pue = (await page.getByTestId('kpi-pue').textContent())?.trim();
        assert(/^\d\.\d\d$|^—$/.test(pue ?? ''), `fleet PUE KPI looks wrong: ${pue}`);
        const dots = await page.locator('svg.fleet-map a.map-site').count();
        const placed = sites.filter((s) => s.latitude !== null && s.longitude !== null).length;
        assert(dots === placed, `the map shows ${dots} site(s), ${placed} have coordinates`);
        await noOverflow('fleet');
        await shot(page, 'fleet');
        // The table view lists the same sites.
        await page.getByRole('button', { name: 'Table', exact: true }).click();
        await waitFor(
          async () => (await page.locator('table.fleet tbody tr[data-code]').count()) === sites.length,
          'table view rows',
        );
        assert(page.url().includes('view=table'), `table view not in the URL: ${page.url()}`);
        await page.getByRole('button', { name: 'Tiles', exact: true }).click();
      },
      { page },
    );

    const liveCode = `E2E-${Date.now().toString(36).toUpperCase()}`;
    let ingestToken = null;

    await test(
      `a sample posted through the ingest API shows on the site page within ${LIVE_BUDGET_MS} ms, without a reload`,
      async () => {
        await api.call('POST', '/api/v1/datacenters', {
          token: adminToken,
          body: {
            code: liveCode,
            name: 'E2E live check',
            region: 'Guiyang',
            hub: 'E2E hub',
            latitude: 26.6,
            longitude: 106.7,
            itCapacityKw: 8000,
          },
        });
        const created = await api.call('POST', `/api/v1/datacenters/${liveCode}/tokens`, {
          token: adminToken,
          body: { name: 'e2e' },
        });
        ingestToken = created.token;
        assert(typeof ingestToken === 'string' && ingestToken.length > 10, 'no ingest token secret');
        const post = (values) =>
          api.call('POST', '/api/v1/ingest', {
            token: ingestToken,
            body: { samples: [{ ts: new Date().toISOString(), values }] },
          });

        await goto(`#/sites/${liveCode}`);
        await page.getByRole('heading', { level: 1, name: /E2E live check/ }).waitFor();
        await waitFor(
          async () => (await page.getByTestId('live-status').getAttribute('data-status')) === 'live',
          'not live on the site page',
        );
        const navigations = [];
        page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
        const reloads = await page.evaluate(() => performance.getEntriesByType('navigation').length);

        // Warm-up: proves the page's live subscription is in place (or the snapshot carries the value).
        await post({ facility_power_kw: 1500, it_power_kw: 1111.1 });
        await waitFor(
          async () => (await page.getByTestId('now-it').textContent())?.includes('1,111.1 kW'),
          'warm-up sample never shown',
          10_000,
        );

        // The measured sample: a distinctive value, ts = now. The budget counts from the moment the API has
        // accepted it (its 200: durably stored), so a slow POST on a busy machine is reported, not blamed on
        // the live path; the total including the POST is logged as well.
        const started = Date.now();
        let accepted = 0;
        const seen = waitFor(
          async () => (await page.getByTestId('now-it').textContent())?.includes('4,321.5 kW') && Date.now(),
          'the posted IT power did not appear',
          LIVE_BUDGET_MS + 30_000,
          25,
        );
        await post({ facility_power_kw: 5402, it_power_kw: 4321.5 });
        accepted = Date.now();
        const shownAt = await seen;
        const latency = Math.max(0, shownAt - accepted);
        log(
          `posted it_power_kw=4321.5: POST took ${accepted - started} ms; on the page ${latency} ms after the 200 ` +
            `(${shownAt - started} ms after the POST started)`,
        );
        assert(latency <= LIVE_BUDGET_MS, `shown ${latency} ms after the API accepted the sample`);
        // The same update reached the live power chart (its screen-reader summary names the latest value).
        await waitFor(
          async () =>
            (
              await page
                .locator('[data-testid="chart-power"] canvas')
                .getAttribute('aria-label')
                .catch(() => '')
            )?.includes('IT: latest 4.32'),
          'the live power chart did not get the point',
          LIVE_BUDGET_MS,
        );
        assert(
          (await page.getByTestId('now-pue').textContent())?.trim() === '1.25',
          'live PUE was not recomputed (5402 / 4321.5 = 1.25)',
        );
        assert(navigations.length === 0, `the page navigated: ${navigations.join(', ')}`);
        assert(
          (await page.evaluate(() => performance.getEntriesByType('navigation').length)) === reloads,
          'the page reloaded',
        );
        await shot(page, 'site-live');
      },
      { page },
    );

    await test(
      'after a connection loss the page resumes gap-free: a sample posted while offline shows up, chart included',
      async () => {
        assert(ingestToken, 'no ingest token from the previous test');
        const status = () => page.getByTestId('live-status').getAttribute('data-status');
        offline = true;
        await browser.context.setOffline(true);
        await waitFor(
          async () => (await status()) !== 'live',
          'the indicator still says live while offline',
          10_000,
        );
        log(`offline: the indicator says ${await status()}`);
        // Posted while the browser is offline: it can only arrive through the resume after reconnecting.
        await api.call('POST', '/api/v1/ingest', {
          token: ingestToken,
          body: {
            samples: [
              { ts: new Date().toISOString(), values: { facility_power_kw: 9000, it_power_kw: 7777.7 } },
            ],
          },
        });
        await sleep(300);
        await browser.context.setOffline(false);
        const back = Date.now();
        await waitFor(async () => (await status()) === 'live', 'never live again after going online', 20_000);
        await waitFor(
          async () => (await page.getByTestId('now-it').textContent())?.includes('7,777.7 kW'),
          'the sample posted while offline never showed',
          10_000,
        );
        // The live chart got the missed point too (the resume delivers missed dc:update events, in order).
        await waitFor(
          async () =>
            (
              await page
                .locator('[data-testid="chart-power"] canvas')
                .getAttribute('aria-label')
                .catch(() => '')
            )?.includes('IT: latest 7.78'),
          'the live power chart did not get the point posted while offline',
          5_000,
        );
        log(`back live and caught up ${Date.now() - back} ms after going online`);
        await sleep(500);
        offline = false;
      },
      { page },
    );

    await test(
      'site page: labelled charts, time-range picker picks the rollup step, metadata',
      async () => {
        const code = sites[0]?.code;
        assert(code, 'no site');
        await goto(`#/sites/${code}`);
        await page.getByTestId('site-now').waitFor();
        // Every chart card settles on a labelled canvas or an explicit "no data" state (never stuck loading);
        // power, PUE and inlet temperature have data in the live range (rollups or the live tail).
        const cards = ['power', 'pue', 'inlet', 'humidity', 'water', 'renewable'];
        await waitFor(
          async () => {
            for (const id of cards) {
              const card = page.getByTestId(`chart-${id}`);
              const settled =
                (await card.locator('canvas[role="img"]').count()) +
                (await card.getByText('No data in this range.').count());
              if (!settled) return false;
            }
            return true;
          },
          'a chart never left its loading state',
          30_000,
          250,
        );
        for (const id of ['power', 'pue', 'inlet']) {
          const canvas = page.locator(`[data-testid="chart-${id}"] canvas[role="img"]`);
          await canvas.waitFor({ timeout: 15_000 });
          const label = await canvas.getAttribute('aria-label');
          assert(label && /latest/.test(label), `the ${id} chart has no useful aria-label: ${label}`);
        }
        const inlet = await page.locator('[data-testid="chart-inlet"] canvas').getAttribute('aria-label');
        assert(/°C/.test(inlet ?? ''), `inlet chart summary has no unit: ${inlet}`);
        await page.getByText('Resolution: 1 minute').waitFor();
        await page.locator('button[data-range="24h"]').click();
        await page.getByText('Resolution: 1 hour').waitFor();
        assert(page.url().includes('range=24h'), `range not in the URL: ${page.url()}`);
        await page.locator('button[data-range="30d"]').click();
        await page.getByText('Resolution: 1 day').waitFor();
        await page.locator('button[data-range="custom"]').click();
        await page.getByLabel('From', { exact: true }).waitFor();
        await page.locator('button[data-range="live"]').click();
        await page.getByText('Resolution: 1 minute').waitFor();
        await page.getByRole('heading', { name: 'Site details' }).waitFor();
        await sleep(300);
        await noOverflow('site');
        await shot(page, 'site');
      },
      { page },
    );

    await test(
      'alarms (admin): an inlet alarm raised by an ingested sample arrives live and is acknowledged with a note',
      async () => {
        await goto('#/alarms');
        await page.getByRole('heading', { name: 'Alarms', level: 1, exact: true }).waitFor();
        await page.locator('table.alarms, .notice, .empty').first().waitFor();
        if (await page.locator('.notice').isVisible()) {
          notes.add('alarms API not available: live arrival and acknowledgement not exercised');
          return;
        }
        assert(ingestToken, 'no ingest token from the previous test');
        // 31 °C is above the ASHRAE recommended band (27 °C): a warning alarm for the e2e site.
        await api.call('POST', '/api/v1/ingest', {
          token: ingestToken,
          body: {
            samples: [
              { ts: new Date().toISOString(), metric: 'inlet_temp_c', value: 31, labels: { zone: 'E1' } },
            ],
          },
        });
        const row = page
          .locator('table.alarms tbody tr', { has: page.locator(`td.code a:text-is("${liveCode}")`) })
          .first();
        await row.waitFor({ timeout: 10_000 });
        assert(
          (await page.evaluate(() => performance.getEntriesByType('navigation').length)) === 1,
          'the alarms page reloaded',
        );
        await shot(page, 'alarms');
        await row.getByRole('button', { name: /^Acknowledge/ }).click();
        const dialog = page.getByRole('dialog');
        await dialog.waitFor();
        await dialog.getByLabel('Note', { exact: true }).fill('e2e: checked the CRAC in zone E1');
        await dialog.getByRole('button', { name: 'Acknowledge alarm', exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
        await row.getByText('e2e: checked the CRAC in zone E1').waitFor();
        await row.getByText(/admin/).waitFor();
        await page.getByRole('button', { name: 'History', exact: true }).click();
        assert(page.url().includes('view=all'), 'history view not in the URL');
        await page.locator('table.alarms tbody tr').first().waitFor();
      },
      { page },
    );

    await test(
      'ratings: one row per site, sortable, fleet row, CSV download; the report prints to an A4 PDF',
      async () => {
        await goto('#/ratings');
        await page.getByRole('heading', { name: 'Green ratings', level: 1 }).waitFor();
        const rows = page.locator('[data-testid="ratings-table"] tbody tr');
        // Ratings are computed on demand; the demo's history backfill can make that slow.
        await waitFor(async () => (await rows.count()) >= sites.length, 'ratings rows', 45_000, 250);
        await page.getByTestId('fleet-row').waitFor();
        const pueHeader = page.locator('th', { has: page.getByRole('button', { name: /^PUE/ }) });
        await page.getByRole('button', { name: /^PUE/ }).click();
        assert(
          (await pueHeader.getAttribute('aria-sort')) === 'ascending',
          'PUE column did not sort ascending',
        );
        await page.getByRole('button', { name: /^PUE/ }).click();
        assert(
          (await pueHeader.getAttribute('aria-sort')) === 'descending',
          'PUE column did not sort descending',
        );
        const [download] = await Promise.all([
          page.waitForEvent('download', { timeout: 10_000 }),
          page.getByRole('button', { name: 'Download CSV', exact: true }).click(),
        ]);
        assert(download.suggestedFilename().endsWith('.csv'), `download is ${download.suggestedFilename()}`);
        const csv = await download
          .path()
          .then((p) => import('node:fs/promises').then((fs) => fs.readFile(p, 'utf8')));
        assert(/^\uFEFF?code,/.test(csv), `CSV does not start with a header: ${csv.slice(0, 40)}`);
        assert(csv.includes('emission_factor_source'), 'CSV has no emission factor columns');
        // Each row names its category and energy source, and the emission factor CUE used (the demo fleet's
        // region is CN-South, one operator reports with its own factor).
        const facts = await page.getByTestId('row-facts').allTextContents();
        assert(
          facts.length >= sites.length && facts.every((f) => /Cat\. [123]/.test(f)),
          `row facts: ${facts[0]}`,
        );
        const factors = await page.getByTestId('row-ef').allTextContents();
        assert(
          factors.some((f) => /EF 0\.3869 · CN-South 2022/.test(f)) &&
            factors.some((f) => /own factor/.test(f)),
          `emission factors shown: ${[...new Set(factors)].join(' | ')}`,
        );
        await noOverflow('ratings');
        await shot(page, 'ratings');

        const code = sites[0].code;
        await page.locator(`[data-testid="ratings-table"] tbody tr[data-code="${code}"] th a`).click();
        await page.getByRole('heading', { name: 'Green rating report', level: 1 }).waitFor();
        assert(/#\/ratings\/[A-Z0-9-]+\?year=\d{4}$/.test(page.url()), `report URL: ${page.url()}`);
        await page.locator('[data-testid="monthly-chart"] canvas[role="img"]').waitFor({ timeout: 45_000 });
        await page.getByTestId('receipt-count').waitFor();
        await page.getByRole('heading', { name: 'Evidence' }).waitFor();
        // Data quality: which readings measured each energy, and the meters' replacements and glitches.
        await page.getByRole('heading', { name: 'Meters and data quality' }).waitFor();
        // Gaps and meter events read in the site's own time zone, and say so.
        await page.getByText('Times in the site’s time zone, Asia/Shanghai.').waitFor();
        const quality = await page.getByTestId('meter-quality').allTextContents();
        assert(quality.length === 2, `meter quality blocks: ${quality.length}`);
        assert(
          quality.every((q) => /energy meter|power readings/.test(q)),
          `meter sources not shown: ${quality.join(' | ')}`,
        );
        // Rated PUEs show three decimals: the grade compares the unrounded value (1.2049 is grade 2, not "1.20").
        const ef = (await page.getByTestId('report-ef').textContent()) ?? '';
        assert(/Emission factor 0\.\d{4} kgCO₂e\/kWh \(.+\): .+/.test(ef), `report emission factor: ${ef}`);
        // Under a loaded CI machine the demo's backfill may not have reached this site's year yet: the report
        // shows "—" until it has, so reload until the rating is there (the format is what is checked).
        let reportPue = '';
        await waitFor(
          async () => {
            reportPue = (await page.getByTestId('report-pue').textContent())?.trim() ?? '';
            if (reportPue !== '—') return true;
            await page.reload();
            await page.getByTestId('report-pue').waitFor({ timeout: 45_000 });
            return false;
          },
          'the report PUE once the demo history is in',
          150_000,
          2_000,
        );
        assert(/^\d\.\d{3}$/.test(reportPue), `report PUE "${reportPue}" is not shown to three decimals`);
        await noOverflow('report');
        await shot(page, 'report');
        await page.emulateMedia({ media: 'print' });
        assert(!(await page.locator('header.topbar').isVisible()), 'the navigation is printed');
        assert(
          !(await page.getByRole('button', { name: 'Print / save as PDF' }).isVisible()),
          'the print button is printed',
        );
        await shot(page, 'report-print');
        const pdf = path.join(ARTIFACTS, 'dashboard-report.pdf');
        await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
        log(`report PDF ${path.relative(process.cwd(), pdf)}`);
        await page.emulateMedia({ media: 'screen' });
      },
      { page },
    );

    await test(
      'admin: sites, ingest token shown once with a copy button, users',
      async () => {
        await goto('#/admin');
        await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
        await page.locator(`[data-testid="admin-sites"] tr[data-code="${liveCode}"]`).waitFor();
        await page.getByRole('button', { name: 'New site', exact: true }).click();
        await page.getByRole('dialog').waitFor();
        await page.getByRole('button', { name: 'Create site', exact: true }).click();
        await page.locator('.field-error').first().waitFor(); // empty code and name are refused before sending
        await shot(page, 'admin-site-form');
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });

        await page.getByRole('link', { name: 'Ingest tokens', exact: true }).click();
        await page.getByRole('heading', { name: 'Issue an ingest token' }).waitFor();
        await page.getByLabel('Site', { exact: true }).selectOption(liveCode);
        await page.getByLabel('Token name', { exact: true }).fill('e2e-ui');
        await page.getByRole('button', { name: 'Create token', exact: true }).click();
        const secret = page.getByTestId('token-secret');
        await secret.waitFor();
        const value = await secret.locator('input').inputValue();
        assert(/^dcf_/.test(value), `secret looks wrong: ${value.slice(0, 8)}…`);
        await secret.getByRole('button', { name: 'Copy', exact: true }).waitFor();
        await page.locator('[data-testid="admin-tokens"] tbody tr', { hasText: 'e2e-ui' }).waitFor();
        await shot(page, 'admin-tokens');
        await secret.getByRole('button', { name: 'I have copied it' }).click();
        await secret.waitFor({ state: 'detached' });

        await page.getByRole('link', { name: 'Users', exact: true }).click();
        for (const u of ['admin', 'operator', 'regulator'])
          await page.locator(`[data-testid="admin-users"] tr[data-user="${u}"]`).waitFor();
        await noOverflow('admin');
      },
      { page },
    );

    await test(
      'admin: alarm rules — create a site rule in the dialog, see it in the table, disable, edit, delete',
      async () => {
        await goto('#/admin');
        await page.getByRole('link', { name: 'Alarm rules', exact: true }).click();
        const table = page.getByTestId('admin-alarm-rules');
        await table.waitFor();
        const rulesOf = async () =>
          (await api.call('GET', '/api/v1/alarm-rules', { token: adminToken })).filter(
            (r) => r.datacenter === liveCode && r.kind === 'pue',
          );
        assert((await rulesOf()).length === 0, `${liveCode} already has a PUE rule`);

        // Create: a value out of the API's range is refused in the dialog before anything is sent.
        await page.getByRole('button', { name: 'New rule', exact: true }).click();
        let dialog = page.getByRole('dialog');
        await dialog.waitFor();
        await dialog.getByLabel('Kind', { exact: true }).selectOption('pue');
        await dialog.getByLabel('Scope', { exact: true }).selectOption(liveCode);
        await dialog.getByLabel('PUE threshold', { exact: true }).fill('0.5');
        await dialog.getByRole('button', { name: 'Create rule', exact: true }).click();
        await dialog.getByText('A number from 1 to 10.').waitFor();
        assert((await rulesOf()).length === 0, 'an invalid rule reached the API');
        await dialog.getByLabel('PUE threshold', { exact: true }).fill('1.45');
        await dialog.getByLabel('Sustained for (s)', { exact: true }).fill('600');
        await shot(page, 'admin-alarm-rule-form');
        await dialog.getByRole('button', { name: 'Create rule', exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
        const [created] = await rulesOf();
        assert(
          created?.params.threshold === 1.45 && created.params.sustainS === 600 && created.enabled,
          'created rule',
        );
        const row = table.locator(`tbody tr[data-rule="${created.id}"]`);
        await row.getByText('PUE above 1.45 for 10 min').waitFor();
        await row.getByText(liveCode, { exact: true }).waitFor();
        await row.getByText('Enabled', { exact: true }).waitFor();

        // The API's answer to a second rule of the same kind, severity and site (409) shows in the dialog.
        expectConflict = true;
        await page.getByRole('button', { name: 'New rule', exact: true }).click();
        dialog = page.getByRole('dialog');
        await dialog.getByLabel('Kind', { exact: true }).selectOption('pue');
        await dialog.getByLabel('Scope', { exact: true }).selectOption(liveCode);
        await dialog.getByRole('button', { name: 'Create rule', exact: true }).click();
        await dialog
          .getByRole('alert')
          .getByText(/already is the site pue rule/)
          .waitFor();
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        await sleep(200);
        expectConflict = false;

        // Disable, then edit the threshold.
        await row.getByRole('button', { name: /^Disable/ }).click();
        await row.getByText('Disabled', { exact: true }).waitFor();
        assert((await rulesOf())[0]?.enabled === false, 'the API still has the rule enabled');
        await row.getByRole('button', { name: /^Edit/ }).click();
        dialog = page.getByRole('dialog');
        const threshold = dialog.getByLabel('PUE threshold', { exact: true });
        assert((await threshold.inputValue()) === '1.45', 'the edit dialog does not show the threshold');
        await threshold.fill('1.5');
        await dialog.getByRole('button', { name: 'Save', exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
        await row.getByText('PUE above 1.5 for 10 min').waitFor();
        const edited = (await rulesOf())[0];
        assert(
          edited?.params.threshold === 1.5 && edited.enabled === false,
          'the edit did not reach the API',
        );
        await noOverflow('admin alarm rules');
        await shot(page, 'admin-alarm-rules');

        // Delete, after the confirmation.
        page.once('dialog', (d) => d.accept());
        await row.getByRole('button', { name: /^Delete/ }).click();
        await row.waitFor({ state: 'detached' });
        await page.getByText(`Rule #${created.id} deleted.`).first().waitFor();
        assert((await rulesOf()).length === 0, 'the rule is still in the API');
      },
      { page },
    );

    await test(
      'keyboard: the first Tab reaches the skip link, which moves focus to the content',
      async () => {
        // A fresh load (no navigation yet): the focus starts at the top of the page.
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
        await page.keyboard.press('Tab');
        const cls = await page.evaluate(() => document.activeElement?.className);
        assert(cls === 'skip-link', `first Tab focused "${cls}"`);
        await page.keyboard.press('Enter');
        const id = await page.evaluate(() => document.activeElement?.id);
        assert(id === 'content', `skip link moved focus to "${id}"`);
      },
      { page },
    );

    await test(
      'a regulator sees fleet and ratings, but no alarms or admin (navigating there says "Not allowed")',
      async () => {
        await signOut();
        await signIn(REGULATOR);
        const nav = await page
          .locator('header nav a')
          .evaluateAll((els) => els.map((e) => e.textContent.trim()));
        assert(
          JSON.stringify(nav) === JSON.stringify(['Fleet', 'Ratings']),
          `regulator nav: ${nav.join(', ')}`,
        );
        assert((await page.getByTestId('kpi-alarms').count()) === 0, 'regulator sees the alarm KPI');
        await goto('#/admin');
        await page.getByTestId('forbidden').waitFor();
        await page.getByRole('heading', { name: 'Not allowed', level: 1 }).waitFor();
        await shot(page, 'regulator-admin-forbidden');
        await goto('#/alarms');
        await page.getByTestId('forbidden').waitFor();
        await goto('#/ratings');
        await page.getByRole('heading', { name: 'Green ratings', level: 1 }).waitFor();
        // Ratings are computed on demand; the demo's history backfill can make that slow.
        await page.locator('[data-testid="ratings-table"] tbody tr').first().waitFor({ timeout: 45_000 });
        // The regulator exports download as CSV files in the browser.
        for (const [button, header] of [
          ['Green DC eligibility (CSV)', 'code,name,hub,year,scheme,eligible,failed,missing,not_assessed'],
          [
            'EU EED report (CSV)',
            'code,name,operator,region,latitude,longitude,start_of_operation,reporting_year',
          ],
        ]) {
          const [download] = await Promise.all([
            page.waitForEvent('download', { timeout: 30_000 }),
            page.getByRole('button', { name: button, exact: true }).click(),
          ]);
          const text = await download
            .path()
            .then((p) => import('node:fs/promises').then((fs) => fs.readFile(p, 'utf8')));
          assert(text.replace(/^\uFEFF/, '').startsWith(header), `${button}: ${text.slice(0, 80)}`);
          assert(text.split('\r\n').filter(Boolean).length > sites.length, `${button}: not one row per site`);
        }
        // … and read in the app: one row per site, criteria and the fields dcfleet cannot fill named.
        await page.getByRole('link', { name: 'Green DC eligibility', exact: true }).click();
        const eligibility = page.locator('[data-testid="eligibility-table"] tbody tr');
        await waitFor(
          async () => (await eligibility.count()) >= sites.length,
          'eligibility rows',
          45_000,
          250,
        );
        assert(/view=eligibility/.test(page.url()), `eligibility URL: ${page.url()}`);
        const missing = await eligibility.first().locator('td').nth(2).textContent();
        assert(/rack occupancy/.test(missing ?? ''), `missing criteria: ${missing}`);
        await noOverflow('eligibility');
        await page.getByRole('link', { name: 'EU EED report', exact: true }).click();
        const eed = page.locator('[data-testid="eed-table"] tbody tr');
        await waitFor(async () => (await eed.count()) >= sites.length, 'EED rows', 45_000, 250);
        assert(
          /floor area/i.test((await page.getByTestId('eed-not-filled').textContent()) ?? ''),
          'EED unfilled fields not listed',
        );
        await shot(page, 'regulator-eed');
      },
      { page },
    );

    await test(
      'the language switch shows Simplified Chinese and the choice survives a reload',
      async () => {
        await goto('#/fleet');
        await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
        await page.getByTestId('language-switch').selectOption('zh-CN');
        await page.getByRole('heading', { name: '数据中心总览', level: 1 }).waitFor();
        await page.getByRole('link', { name: '能效评级' }).waitFor();
        assert((await page.evaluate(() => document.documentElement.lang)) === 'zh-CN', 'html lang not zh-CN');
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.getByRole('heading', { name: '数据中心总览', level: 1 }).waitFor();
        assert(
          (await page.evaluate(() => localStorage.getItem('dcfleet.lang'))) === 'zh-CN',
          'language not remembered',
        );
        await page.locator('[data-testid="site-tile"]').first().waitFor();
        await page.getByText('实时 PUE').first().waitFor();
        await shot(page, 'fleet-zh');
        await goto(`#/sites/${sites[0].code}`);
        await page.getByText('数据粒度：1 分钟').waitFor();
        await page.getByTestId('language-switch').selectOption('en');
        await page.getByText('Resolution: 1 minute').waitFor();
      },
      { page },
    );

    await test(
      'fits a 1280×720 laptop screen: no horizontal scrolling, header and KPIs in view',
      async () => {
        // Width decides overflow (checked on every page above at 1280 px); here the shorter laptop screen.
        await page.setViewportSize({ width: 1280, height: 720 });
        await goto('#/fleet');
        await page.locator('[data-testid="site-tile"]').first().waitFor();
        await noOverflow('fleet at 1280×720');
        const kpis = await page.getByTestId('fleet-kpis').boundingBox();
        assert(kpis && kpis.y + kpis.height <= 720, 'the fleet KPIs are below the fold at 720 px');
        await page.screenshot({ path: path.join(ARTIFACTS, 'screenshots', 'dashboard-fleet-1280x720.png') });
      },
      { page },
    );

    await test(
      'no page errors, console errors or failed requests',
      async () => {
        for (const n of notes) log(`note: ${n}`);
        assert(problems.length === 0, `${problems.length} problem(s):\n${problems.join('\n')}`);
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
