#!/usr/bin/env node
/**
 * The regulator's screens in the browser (issue #18, "Regulator screens"), logged in as the demo regulator: the
 * period list offers "Trailing 12 months" and only the years that have data (compared with the API), choosing
 * it asks the API for `period=trailing12` and says so; the current year's report lists no data gap after now;
 * the monthly chart has its grade legend and target label; the receipt list pages; "Verify again" calls the
 * chain verification; the evidence bundle downloads as JSON holding the rating, monthly values, gaps, receipts
 * and the chain verification.
 *
 *   node apps/dashboard/e2e/regulator.e2e.mjs                                  # starts apps/api/dist/main.js itself
 *   BASE_URL=http://127.0.0.1:3000 node apps/dashboard/e2e/regulator.e2e.mjs   # against a running demo instance
 *
 * Prints one line per test and a final `N passed, N failed` line; exits 1 when anything failed. Screenshots go
 * to artifacts/screenshots/regulator-*.png.
 */
import { readFile } from 'node:fs/promises';
import {
  apiClient,
  assert,
  createRunner,
  endSession,
  openSession,
  signInWithForm,
  waitFor,
  watchProblems,
} from './support.mjs';

const REGULATOR = ['regulator', process.env.REGULATOR_PASSWORD || 'regulator-demo-pass'];

const { test, shot, fail, summary, results } = createRunner('regulator');

/** A ratings table has data when any site measured something (the dashboard's rule, ratings-data.ts hasData). */
const hasData = (table) => table.sites.some((s) => s.coverage > 0 || s.pue !== null);

async function main() {
  let session = null;
  try {
    session = await openSession('regulator');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const token = await api.login(...REGULATOR);
    const get = (p) => api.call('GET', p, { token });

    // The years with data, newest first, as the API tells them (ratings may take a while during the backfill).
    const thisYear = new Date().getFullYear();
    // The demo registers its sites and backfills 23 months of history after boot: wait until last year has data.
    await waitFor(
      async () => hasData(await get(`/api/v1/ratings?year=${thisYear - 1}`)),
      `no data for ${thisYear - 1} (the demo backfill)`,
      120_000,
      1000,
    );
    const withData = [];
    for (let y = thisYear; y >= 2000; y--) {
      const table = await get(`/api/v1/ratings?year=${y}`);
      if (hasData(table)) withData.push(y);
      else if (y < thisYear) break;
    }
    assert(withData.length > 0, 'the demo fleet has no year with data');
    const sites = (await get(`/api/v1/ratings?year=${thisYear}`)).sites;
    const code = sites.find((s) => s.coverage > 0)?.code ?? sites[0].code;

    const browser = await session.launch({ width: 1280, height: 900 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(15_000);
    const browserProblems = watchProblems(page);
    await signInWithForm(page, baseUrl, REGULATOR);

    await test(
      'the period list: trailing 12 months, then only the years with data',
      async () => {
        await page.goto(`${baseUrl}/#/ratings`, { waitUntil: 'domcontentloaded' });
        await page.locator('[data-testid="ratings-table"] tbody tr').first().waitFor({ timeout: 45_000 });
        const select = page.getByTestId('year-select');
        const options = () =>
          select.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
        const expected = JSON.stringify([
          ['trailing12', 'Trailing 12 months'],
          ...withData.map((y) => [String(y), String(y)]),
        ]);
        await waitFor(
          async () => JSON.stringify(await options()) === expected,
          `period options: ${JSON.stringify(await options())}, expected ${expected}`,
          30_000,
          250,
        );
      },
      { page },
    );

    await test(
      'choosing the trailing 12 months asks the API for period=trailing12 and says so',
      async () => {
        const [response] = await Promise.all([
          page.waitForResponse((r) => /\/api\/v1\/ratings\?period=trailing12$/.test(r.url()), {
            timeout: 45_000,
          }),
          page.getByTestId('year-select').selectOption('trailing12'),
        ]);
        assert(response.ok(), `trailing12 answered ${response.status()}`);
        const body = await response.json();
        assert(
          body.period === 'trailing12' && body.year === undefined,
          `answer: ${JSON.stringify(body).slice(0, 80)}`,
        );
        await waitFor(async () => /period=trailing12/.test(page.url()), `URL: ${page.url()}`);
        await page.getByText('Ratings for the trailing 12 months', { exact: false }).waitFor();
        // The report link keeps the period.
        const href = await page
          .locator('[data-testid="ratings-table"] tbody tr th a')
          .first()
          .getAttribute('href');
        assert(/period=trailing12/.test(href ?? ''), `report link: ${href}`);
        await shot(page, 'trailing12');
      },
      { page },
    );

    await test(
      `the ${thisYear} report lists no data gap after now, with a grade legend and the target named`,
      async () => {
        const detail = await get(`/api/v1/ratings/${code}?year=${thisYear}`);
        const now = Date.parse(detail.generatedAt);
        for (const g of [...detail.evidence.dataGaps.facility, ...detail.evidence.dataGaps.it])
          assert(Date.parse(g.to) <= now, `gap ${g.from} – ${g.to} ends after ${detail.generatedAt}`);
        await page.goto(`${baseUrl}/#/ratings/${code}?year=${thisYear}`, { waitUntil: 'domcontentloaded' });
        await page.getByTestId('report-pue').waitFor({ timeout: 45_000 });
        const gaps = (await page.locator('.gaps').first().textContent()) ?? '';
        assert(
          !new RegExp(`\\b${thisYear + 1}\\b`).test(gaps),
          `a gap reaches into ${thisYear + 1}: ${gaps}`,
        );
        const legend = (await page.getByTestId('monthly-legend').textContent()) ?? '';
        assert(/Grade 1 \(≤ 1\.200\)/.test(legend) && /Below the limit/.test(legend), `legend: ${legend}`);
        assert(/Hub target ≤ \d\.\d{3}/.test(legend), `target label: ${legend}`);
      },
      { page },
    );

    await test(
      'receipts page, "Verify again" re-runs the chain verification',
      async () => {
        const rows = page.locator('[data-testid="receipts-table"] tbody tr');
        await rows.first().waitFor();
        const firstSeq = await rows.first().locator('td').first().textContent();
        const older = page.getByTestId('receipts-older');
        if (await older.isEnabled()) {
          await older.click();
          await page.getByText('Page 2', { exact: true }).waitFor();
          // The page label changes at once; the rows once page 2's answer is in (the old rows stay meanwhile).
          let seq = firstSeq;
          await waitFor(
            async () => (seq = await rows.first().locator('td').first().textContent()) !== firstSeq,
            'the rows of page 2',
          );
          assert(Number(seq) < Number(firstSeq), `page 2 starts at seq ${seq}, page 1 at ${firstSeq}`);
          await page.getByTestId('receipts-newer').click();
          await page.getByText('Page 1', { exact: true }).waitFor();
        }
        const [verify] = await Promise.all([
          page.waitForResponse((r) => new RegExp(`/datacenters/${code}/receipts/verify$`).test(r.url())),
          page.getByTestId('verify-again').click(),
        ]);
        assert(verify.ok(), `verify answered ${verify.status()}`);
        const v = await verify.json();
        await waitFor(
          async () => (await page.getByTestId('chain-valid').getAttribute('data-valid')) === String(v.valid),
          'the report does not show the fresh verification',
        );
        assert(v.valid === true, `the demo chain does not verify: ${JSON.stringify(v.firstBroken)}`);
      },
      { page },
    );

    await test(
      'the evidence bundle downloads as JSON with the rating, months, gaps, receipts and chain verification',
      async () => {
        const [download] = await Promise.all([
          page.waitForEvent('download', { timeout: 60_000 }),
          page.getByTestId('evidence-bundle').click(),
        ]);
        assert(
          download.suggestedFilename() === `dcfleet-evidence-${code}-${thisYear}.json`,
          `file name ${download.suggestedFilename()}`,
        );
        const bundle = JSON.parse(await readFile(await download.path(), 'utf8'));
        assert(bundle.format === 'dcfleet-evidence-bundle/1', `format ${bundle.format}`);
        assert(bundle.rating?.code === code && 'pue' in bundle.rating, 'no ratings row');
        assert(bundle.period?.year === thisYear, `period ${JSON.stringify(bundle.period)}`);
        assert(Array.isArray(bundle.monthly) && bundle.monthly.length > 0, 'no monthly values');
        assert(
          Array.isArray(bundle.dataGaps?.facility) && Array.isArray(bundle.dataGaps?.it),
          'no data gaps',
        );
        assert(Array.isArray(bundle.receipts?.items) && bundle.receipts.items.length > 0, 'no receipts');
        assert(typeof bundle.receipts.complete === 'boolean', 'receipts: complete missing');
        assert(typeof bundle.chain?.verification?.valid === 'boolean', 'no chain verification');
        assert(bundle.chain.head?.seq >= 1, 'no chain head');
        await shot(page, 'report');
      },
      { page },
    );

    await test('no console errors', async () => browserProblems.assertNone(), { always: true });
  } catch (err) {
    fail('setup', err);
  } finally {
    await endSession(session, results);
  }
  const { failed } = summary();
  process.exit(failed > 0 ? 1 : 0);
}

await main();
