#!/usr/bin/env node
/**
 * Site page chart interaction e2e (issue #18 items 1 and 3), real Chromium against the real API's demo fleet.
 *
 *   node apps/dashboard/e2e/charts.e2e.mjs          # starts apps/api/dist/main.js itself
 *   BASE_URL=http://127.0.0.1:3000 node apps/dashboard/e2e/charts.e2e.mjs
 *
 * Covers: drag-to-zoom with the mouse on the inlet chart writes a narrower custom range into the URL, shift-drag
 * pans it, and "Reset zoom" restores the range before them; the inlet band follows a site alarm rule an admin creates through
 * the API (18–27 → 18–28 °C) and returns when it is deleted; an inlet alarm raised and cleared by ingested
 * samples is shaded on the inlet chart only; a second site in the comparison overlay; PNG and CSV export (download events, PNG signature,
 * CSV header and ISO-with-offset rows); a regulator gets the built-in thresholds, no alarm spans and no 403s.
 */
import { readFile } from 'node:fs/promises';
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
const REGULATOR = ['regulator', process.env.REGULATOR_PASSWORD || 'regulator-demo-pass'];

const { test, shot, fail, summary, results } = createRunner('charts');

async function main() {
  let session = null;
  let cleanup = async () => {};
  try {
    session = await openSession('charts');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const adminToken = await api.login(...ADMIN);
    // The demo fleet registers its sites right after start.
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

    const signIn = async (credentials) => {
      await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
      await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
      await signInWithForm(page, baseUrl, credentials);
    };
    const search = () => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');
    const inlet = page.getByTestId('chart-inlet');
    const inletCanvas = inlet.locator('canvas[role="img"]');
    const bandsOf = async () => JSON.parse((await inlet.getAttribute('data-bands')) ?? 'null');
    // A fresh demo instance backfills history in the background and a 24 h range refetches every 5 min:
    // reload until the inlet chart is drawn.
    const openSite = async (range, site = code) => {
      await page.goto(`${baseUrl}/#/sites/${site}?range=${range}`, { waitUntil: 'domcontentloaded' });
      await waitFor(
        async () => {
          if (await inletCanvas.isVisible()) return true;
          await inlet.waitFor();
          if (await inlet.getByText('No data in this range.').isVisible()) {
            await page.reload({ waitUntil: 'domcontentloaded' });
          }
          return false;
        },
        `the inlet chart of ${site} was never drawn at ${range}`,
        90_000,
        2_000,
      );
    };
    const downloadOf = async (testId) => {
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 10_000 }),
        page.getByTestId(testId).click(),
      ]);
      return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
    };

    await signIn(ADMIN);

    await test(
      'drag-to-zoom on the inlet chart writes a narrower custom range into the URL, shift-drag pans; Reset zoom restores 24h',
      async () => {
        await openSite('24h');
        const box = await inletCanvas.boundingBox();
        assert(box, 'inlet canvas has no box');
        const y = box.y + box.height * 0.4;
        const before = Date.now();
        await page.mouse.move(box.x + box.width * 0.4, y);
        await page.mouse.down();
        for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.4 + 0.03 * i), y);
        await page.mouse.up();
        const zoomed = await waitFor(
          () => (search().get('range') === 'custom' ? search() : null),
          `the URL did not change to a custom range after the drag: ${page.url()}`,
        );
        const from = Date.parse(zoomed.get('from'));
        const to = Date.parse(zoomed.get('to'));
        const span = to - from;
        log(`zoomed to ${zoomed.get('from')} – ${zoomed.get('to')} (${(span / 3_600_000).toFixed(2)} h)`);
        // A third of the plot's width of a 24 h axis: well under 24 h, well over a minute, inside the window.
        assert(span > 60_000 && span < 12 * 3_600_000, `zoomed span ${span} ms is not a part of 24 h`);
        assert(
          from > before - 24 * 3_600_000 && to <= Date.now(),
          'the zoomed range is outside the 24 h window',
        );
        await page
          .getByText('Resolution: 1 minute')
          .or(page.getByText('Resolution: 1 hour'))
          .first()
          .waitFor();
        await shot(page, 'zoomed');
        await page.getByTestId('reset-zoom').click();
        await waitFor(() => search().get('range') === '24h', `Reset zoom did not restore 24h: ${page.url()}`);
        assert(!search().has('from') && !search().has('to'), `from/to left in the URL: ${page.url()}`);
        await page.getByTestId('reset-zoom').waitFor({ state: 'detached' });

        // Shift+drag to the right pans to earlier times: the same 24 h span, ending hours ago.
        await page.keyboard.down('Shift');
        await page.mouse.move(box.x + box.width * 0.4, y);
        await page.mouse.down();
        for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.4 + 0.02 * i), y);
        await page.mouse.up();
        await page.keyboard.up('Shift');
        const panned = await waitFor(
          () => (search().get('range') === 'custom' ? search() : null),
          `the URL did not change to a custom range after the shift-drag: ${page.url()}`,
        );
        const pFrom = Date.parse(panned.get('from'));
        const pTo = Date.parse(panned.get('to'));
        log(`panned to ${panned.get('from')} – ${panned.get('to')}`);
        assert(
          Math.abs(pTo - pFrom - 24 * 3_600_000) < 60_000,
          `the pan changed the span: ${pTo - pFrom} ms`,
        );
        assert(pTo < Date.now() - 2 * 3_600_000, 'the pan to the right did not move to earlier times');
        await page.getByTestId('reset-zoom').click();
        await waitFor(
          () => search().get('range') === '24h',
          `Reset did not restore 24h after the pan: ${page.url()}`,
        );
      },
      { page },
    );

    await test(
      "the inlet band follows the site's alarm rule: 18–27 °C, 18–28 °C after an admin's site rule, back after deleting it",
      async () => {
        await openSite('24h');
        const initial = await waitFor(bandsOf, 'no data-bands on the inlet chart');
        assert(
          JSON.stringify(initial.bands) === JSON.stringify([{ from: 18, to: 27, severity: 'warning' }]),
          `initial inlet band: ${JSON.stringify(initial)}`,
        );
        assert(
          initial.lines.map((l) => l.value).join(',') === '15,32',
          `critical limits: ${JSON.stringify(initial.lines)}`,
        );
        const pue = JSON.parse((await page.getByTestId('chart-pue').getAttribute('data-bands')) ?? 'null');
        assert(pue?.lines?.[0]?.value === 1.6, `PUE alarm line: ${JSON.stringify(pue)}`);
        const rule = await api.call('POST', '/api/v1/alarm-rules', {
          token: adminToken,
          body: { datacenter: code, kind: 'inlet_temp', severity: 'warning', params: { low: 18, high: 28 } },
        });
        cleanup = async () => {
          await api.call('DELETE', `/api/v1/alarm-rules/${rule.id}`, { token: adminToken }).catch(() => {});
          cleanup = async () => {};
        };
        // A reload, not a navigation to the same URL: the page reads the rules again.
        await page.reload({ waitUntil: 'domcontentloaded' });
        await openSite('24h');
        await waitFor(
          async () => (await bandsOf())?.bands?.[0]?.to === 28,
          'the inlet band did not move to 28 °C',
        );
        await shot(page, 'band-28');
        await cleanup();
        await page.reload({ waitUntil: 'domcontentloaded' });
        await openSite('24h');
        await waitFor(
          async () => (await bandsOf())?.bands?.[0]?.to === 27,
          'the band did not return to 27 °C',
        );
      },
      { page },
    );

    await test(
      'PNG and CSV export of the inlet chart download a PNG image and a CSV of its zones with ISO times',
      async () => {
        await openSite('24h');
        const png = await downloadOf('export-png-inlet');
        assert(/^dcfleet-.+-inlet-\d{8}T\d{4}-\d{8}T\d{4}\.png$/.test(png.name), `PNG name ${png.name}`);
        assert(
          png.bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
          'the PNG download is not a PNG',
        );
        assert(png.bytes.length > 2000, `the PNG is only ${png.bytes.length} bytes`);
        const csvFile = await downloadOf('export-csv-inlet');
        assert(csvFile.name.endsWith('.csv'), `CSV name ${csvFile.name}`);
        const rows = csvFile.bytes.toString('utf8').trim().split('\r\n');
        const header = rows[0].split(',');
        assert(header[0] === 'time' && header.length >= 2, `CSV header: ${rows[0]}`);
        assert(
          header.slice(1).every((h) => /^Zone /.test(h)),
          `CSV columns are not the zones: ${rows[0]}`,
        );
        // A fresh demo instance may have only its latest hour at 24 h: at least one row, each zone filled.
        assert(rows.length >= 2, `the CSV has no data row`);
        assert(
          rows.slice(1).some((r) =>
            r
              .split(',')
              .slice(1)
              .every((c) => c !== ''),
          ),
          'no CSV row has a value for every zone',
        );
        const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;
        for (const row of rows.slice(1)) {
          const cells = row.split(',');
          assert(iso.test(cells[0]), `row time is not ISO with offset: ${row}`);
          assert(cells.length === header.length, `row has ${cells.length} cells: ${row}`);
          assert(
            cells.slice(1).every((c) => c === '' || Number.isFinite(Number(c))),
            `row has a non-number: ${row}`,
          );
        }
        const times = rows.slice(1).map((r) => Date.parse(r.split(',')[0]));
        assert(
          times.every((t, i) => i === 0 || t > times[i - 1]),
          'CSV rows are not in time order',
        );
        log(`CSV: ${rows.length - 1} rows × ${header.length - 1} zones; PNG ${png.bytes.length} bytes`);
      },
      { page },
    );

    await test(
      'compare: another site added to the overlay is drawn beside this one; removing it goes back to one',
      async () => {
        await openSite('24h');
        const compare = page.getByTestId('chart-compare');
        const other = await waitFor(async () => {
          const options = await compare
            .getByLabel('Add a site')
            .locator('option')
            .evaluateAll((els) => els.map((e) => e.value).filter(Boolean));
          return options[0];
        }, 'no site to compare with');
        await compare.getByLabel('Add a site').selectOption(other);
        const canvas = compare.locator('canvas[role="img"]');
        await canvas.waitFor();
        await waitFor(async () => {
          const label = (await canvas.getAttribute('aria-label')) ?? '';
          return label.includes(`${code}: latest`) && label.includes(`${other}: latest`);
        }, `the comparison does not summarise both ${code} and ${other}`);
        await shot(page, 'compare');
        await compare.getByRole('button', { name: `Remove ${other} from the comparison` }).click();
        await canvas.waitFor({ state: 'detached' });
      },
      { page },
    );

    await test(
      'an inlet alarm raised and cleared by ingested samples is shaded on the inlet chart, not on the PUE chart',
      async () => {
        // ZZ-: run-all shares one API, and dashboard.e2e opens the first site by code, which must have power data.
        const alarmCode = `ZZ-E2E-CH-${Date.now().toString(36).toUpperCase()}`;
        await api.call('POST', '/api/v1/datacenters', {
          token: adminToken,
          body: { code: alarmCode, name: 'E2E chart alarms', region: 'Guiyang', itCapacityKw: 1000 },
        });
        const { token } = await api.call('POST', `/api/v1/datacenters/${alarmCode}/tokens`, {
          token: adminToken,
          body: { name: 'e2e-charts' },
        });
        const inletAt = (ms, value) =>
          api.call('POST', '/api/v1/ingest', {
            token,
            body: {
              samples: [
                { ts: new Date(ms).toISOString(), metric: 'inlet_temp_c', value, labels: { zone: 'A1' } },
              ],
            },
          });
        const start = Date.now() - 10 * 60_000;
        await inletAt(start, 22);
        await inletAt(start + 60_000, 35); // above the critical 32 °C limit
        await inletAt(start + 4 * 60_000, 22); // back inside the band: cleared
        // The warning and the critical rule each raise (and clear) an alarm of their own.
        const inletAlarms = await waitFor(async () => {
          const list = await api.call('GET', `/api/v1/alarms?state=all&datacenter=${alarmCode}`, {
            token: adminToken,
          });
          const inletOnes = list.filter((a) => a.rule === 'inlet_temp');
          return inletOnes.length > 0 && inletOnes.every((a) => a.state === 'cleared') ? inletOnes : null;
        }, 'the inlet alarms were not raised and cleared');
        // The samples reach the 1-minute rollups at the next flush (ROLLUP_FLUSH_MS, 2 s).
        await openSite('1h', alarmCode);
        // Site-wide alarms (the new site soon goes stale) shade both charts; inlet alarms only the inlet chart.
        const spans = async (id) =>
          Number(await page.getByTestId(`chart-${id}`).getAttribute('data-alarm-spans'));
        await waitFor(
          async () => (await spans('inlet')) - (await spans('pue')) === inletAlarms.length,
          `the ${inletAlarms.length} inlet alarm(s) are not shaded on the inlet chart alone`,
        );
        await shot(page, 'alarm-span');
      },
      { page },
    );

    await test(
      'a regulator sees the built-in thresholds, no alarm spans, and no failed alarm requests',
      async () => {
        await page.getByRole('button', { name: 'Log out', exact: true }).click();
        await page.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).waitFor();
        await signIn(REGULATOR);
        await openSite('24h');
        const b = await waitFor(bandsOf, 'no data-bands');
        assert(b.bands[0]?.from === 18 && b.bands[0]?.to === 27, `regulator band: ${JSON.stringify(b)}`);
        assert((await inlet.getAttribute('data-alarm-spans')) === '0', 'a regulator sees alarm spans');
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
    await cleanup().catch(() => {});
    await endSession(session, results);
  }
}

await main();
const { failed } = summary();
process.exit(failed > 0 ? 1 : 0);
