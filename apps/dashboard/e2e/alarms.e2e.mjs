#!/usr/bin/env node
/**
 * Alarms first (issue #18 item 2), in real Chromium: a critical inlet alarm raised by an ingested 40 °C sample
 * while the operator watches a site page shows a toast and an unread count in the tab title; the fleet table
 * shows it by severity with the unacknowledged count and the hottest inlet coloured critical; the alarms list
 * filters by site through the URL and names rules in words; acknowledging the site's alarms drops the title
 * count and leaves no unacknowledged alarm on the fleet table; the sound toggle persists.
 *
 * Prints one line per test and a final `N passed, N failed` line; exits 1 when anything failed.
 */
import { apiClient, assert, createRunner, log, openSession, waitFor } from './support.mjs';

const ADMIN = ['admin', process.env.ADMIN_PASSWORD || 'admin-demo-pass'];

const { test, shot, fail, summary } = createRunner('alarms');

/** The "(n) " in front of the tab title, 0 without it. */
const titleCount = async (page) => Number(/^\((\d+)\) /.exec(await page.title())?.[1] ?? 0);

async function main() {
  let session = null;
  try {
    session = await openSession('alarms');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const adminToken = await api.login(...ADMIN);

    const browser = await session.launch({ width: 1280, height: 800 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(15_000);
    const problems = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
    });
    const goto = (hash) => page.goto(`${baseUrl}/${hash}`, { waitUntil: 'domcontentloaded' });
    // In-app navigation (the router follows the hash): a reload would start the notifier afresh.
    const nav = (hash) => page.evaluate((h) => (window.location.hash = h), hash.replace(/^#/, ''));

    // Sorts after the demo sites: run-all shares one API, and later files open the first (online) site.
    const code = `ZZ-E2E-ALM-${Date.now().toString(36).toUpperCase()}`;
    let ingestToken = null;
    let before = 0;

    await test(
      'a critical inlet alarm raised while a site page is open shows a toast and the title count',
      async () => {
        await api.call('POST', '/api/v1/datacenters', {
          token: adminToken,
          body: {
            code,
            name: 'E2E alarms',
            region: 'Guiyang',
            latitude: 26.6,
            longitude: 106.7,
            itCapacityKw: 4000,
          },
        });
        ingestToken = (
          await api.call('POST', `/api/v1/datacenters/${code}/tokens`, {
            token: adminToken,
            body: { name: 'e2e' },
          })
        ).token;

        await goto('#/login');
        await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
        await page.getByLabel('Username', { exact: true }).fill(ADMIN[0]);
        await page.getByLabel('Password', { exact: true }).fill(ADMIN[1]);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
        await goto(`#/sites/${code}`);
        await page.getByRole('heading', { level: 1, name: /E2E alarms/ }).waitFor();
        await waitFor(
          async () => (await page.getByTestId('live-status').getAttribute('data-status')) === 'live',
          'not live on the site page',
        );
        before = await titleCount(page);

        // 40 °C is beyond the ASHRAE A1 allowable limit (32 °C): the built-in critical inlet rule fires.
        await api.call('POST', '/api/v1/ingest', {
          token: ingestToken,
          body: {
            samples: [
              { ts: new Date().toISOString(), metric: 'inlet_temp_c', value: 40, labels: { zone: 'Z9' } },
            ],
          },
        });
        const toast = page.locator('[data-testid="alarm-toast"]', { hasText: code }).first();
        await toast.waitFor({ timeout: 10_000 });
        assert(
          /Critical alarm at/.test((await toast.textContent()) ?? ''),
          'the toast does not say critical',
        );
        await waitFor(
          async () => (await titleCount(page)) > before,
          `no unread count in the title: ${await page.title()}`,
        );
        log(`title: ${await page.title()}`);
        await shot(page, 'toast');
      },
      { page },
    );

    await test(
      'the fleet table shows the site’s alarms by severity, unacknowledged, and the 40 °C inlet as critical',
      async () => {
        await nav('#/fleet?view=table');
        const row = page.locator(`tr[data-code="${code}"]`);
        await row.waitFor();
        await row.locator('[data-testid="alarms-critical"]').waitFor();
        const counts = row.locator('[data-testid="row-alarms"] .alarm-counts');
        assert((await counts.getAttribute('data-tone')) === 'critical', 'the alarm count is not critical');
        assert(Number(await counts.getAttribute('data-unacked')) >= 1, 'no unacknowledged alarm counted');
        await waitFor(
          async () => (await row.locator('[data-testid="inlet"]').getAttribute('data-band')) === 'critical',
          'the hottest inlet is not coloured critical',
        );
        // The toast stays on every page until dismissed or acknowledged.
        await page.locator('[data-testid="alarm-toast"]', { hasText: code }).first().waitFor();
      },
      { page },
    );

    await test('the alarms list filters by site in the URL and names rules in words', async () => {
      await nav('#/alarms');
      await page.locator('table.alarms tbody tr').first().waitFor();
      await page.getByTestId('filter-site').selectOption(code);
      await waitFor(() => page.url().includes(`site=${code}`), `site filter not in the URL: ${page.url()}`);
      const rows = page.locator('table.alarms tbody tr');
      await waitFor(async () => (await rows.count()) >= 1, 'no row for the site');
      const sitesShown = await rows.locator('td.code a').allTextContents();
      assert(
        sitesShown.every((c) => c === code),
        `rows of other sites under the site filter: ${sitesShown.join(', ')}`,
      );
      const rules = await rows.locator('[data-rule]').allTextContents();
      assert(rules.includes('Inlet temperature'), `rule names not translated: ${rules.join(', ')}`);
      assert(!rules.includes('inlet_temp'), 'a raw rule key is shown');
      await page.getByTestId('filter-severity').selectOption('critical');
      await waitFor(() => page.url().includes('severity=critical'), 'severity filter not in the URL');
      await shot(page, 'filtered');
    });

    await test(
      'acknowledging the site’s alarms drops the unacknowledged count, the title count and the toast',
      async () => {
        await nav(`#/alarms?site=${code}`);
        const rows = page.locator('table.alarms tbody tr');
        await rows.first().waitFor();
        const unacked = async () => Number(await page.getByTestId('count-unacked').textContent());
        const start = await unacked();
        assert(start >= 1, `no unacknowledged alarm at ${code}`);
        const titleBefore = await titleCount(page);
        for (let i = start; i > 0; i--) {
          await page
            .getByRole('button', { name: /^Acknowledge/ })
            .first()
            .click();
          const dialog = page.getByRole('dialog');
          await dialog.getByLabel('Note', { exact: true }).fill('e2e: zone Z9 checked');
          await dialog.getByRole('button', { name: 'Acknowledge alarm', exact: true }).click();
          await dialog.waitFor({ state: 'detached' });
          await waitFor(
            async () => (await unacked()) === i - 1,
            `the unacknowledged count did not drop to ${i - 1}`,
          );
        }
        await waitFor(
          async () => (await titleCount(page)) < titleBefore,
          `the title count did not drop: ${await page.title()}`,
        );
        await page.locator('[data-testid="alarm-toast"]', { hasText: code }).waitFor({ state: 'detached' });

        await nav('#/fleet?view=table');
        const counts = page.locator(`tr[data-code="${code}"] [data-testid="row-alarms"] .alarm-counts`);
        await waitFor(
          async () => (await counts.getAttribute('data-tone').catch(() => null)) === 'quiet',
          'the fleet table still shows unacknowledged alarms for the site',
        );
        assert((await counts.getAttribute('data-unacked')) === '0', 'unacknowledged count not 0');
      },
      { page },
    );

    await test('the alarm sound toggle is off by default and persists', async () => {
      await goto('#/alarms');
      const toggle = page.getByTestId('alarm-sound');
      assert((await toggle.getAttribute('aria-pressed')) === 'false', 'the sound is on by default');
      await toggle.click();
      assert((await toggle.getAttribute('aria-pressed')) === 'true', 'the toggle did not turn on');
      await page.reload({ waitUntil: 'domcontentloaded' });
      await waitFor(
        async () => (await page.getByTestId('alarm-sound').getAttribute('aria-pressed')) === 'true',
        'the sound setting did not survive a reload',
      );
    });

    await test('no console errors', async () => {
      assert(problems.length === 0, problems.join('\n'));
    });
  } catch (err) {
    fail('setup', err);
  } finally {
    await session?.stop();
  }
  const { failed } = summary();
  process.exit(failed ? 1 : 0);
}

void main();
