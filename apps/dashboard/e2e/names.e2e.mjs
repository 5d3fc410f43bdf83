#!/usr/bin/env node
/**
 * Chinese names (issue #18 item 8), in real Chromium against the demo fleet: in English a demo site shows its
 * English name (its Chinese one as the site page's second line); switched to 中文, the fleet tiles and table, the
 * site page title and metadata, and the ratings table show the Chinese names of the site, its region and operator;
 * back in English they are English again. An admin sets a Chinese name on a site through the admin form and sees it
 * on the fleet and the site page, and a region's Chinese name in the Organisations tab's name list, which every site
 * of that region then shows.
 *
 *   node apps/dashboard/e2e/names.e2e.mjs                                  # starts apps/api/dist/main.js itself
 *   BASE_URL=http://127.0.0.1:3000 node apps/dashboard/e2e/names.e2e.mjs   # against a running demo instance
 *
 * Prints one line per test and a final `N passed, N failed` line; exits 1 when anything failed. Screenshots go
 * to artifacts/screenshots/names-*.png.
 */
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

const ADMIN = ['admin', process.env.ADMIN_PASSWORD || 'admin-demo-pass'];
/** A demo site (libs/demo-fleet/src/sites.ts) with its names. */
const DEMO = {
  code: 'GZ-GA-01',
  name: "Gui'an Yelang Campus Hall 1",
  nameZh: '贵安夜郎园区1号楼',
  region: "Gui'an New Area",
  regionZh: '贵安新区',
  operatorZh: '夜郎云工有限公司',
};

const { test, shot, fail, summary, results } = createRunner('names');

async function main() {
  let session = null;
  try {
    session = await openSession('names');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const adminToken = await api.login(...ADMIN);

    // The demo registers its sites and names after boot.
    await waitFor(
      async () => {
        const site = await api
          .call('GET', `/api/v1/datacenters/${DEMO.code}`, { token: adminToken })
          .catch(() => null);
        return site?.nameZh === DEMO.nameZh && site?.regionZh === DEMO.regionZh;
      },
      `the demo never registered ${DEMO.code} with its Chinese names`,
      60_000,
      500,
    );

    const browser = await session.launch({ width: 1280, height: 900 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(20_000);
    const problems = watchProblems(page);
    const goto = (hash) => page.goto(`${baseUrl}/${hash}`, { waitUntil: 'domcontentloaded' });
    const tile = (code) => page.locator(`#tile-${code}`);
    const tableRow = (code) => page.locator(`table tr[data-code="${code}"]`).first();
    const text = async (locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    const setLanguage = async (lang) => {
      await page.getByTestId('language-switch').selectOption(lang);
      await waitFor(
        async () => (await page.evaluate(() => document.documentElement.lang)) === lang,
        `the page did not switch to ${lang}`,
      );
    };

    await test(
      'in English a demo site shows its English name, with the Chinese one under the site page title',
      async () => {
        await goto('#/login');
        await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
        await signInWithForm(page, baseUrl, ADMIN);
        await waitFor(
          async () => (await text(tile(DEMO.code))) === DEMO.name,
          'the tile has no English name',
        );
        await goto(`#/sites/${DEMO.code}`);
        await page.getByRole('heading', { level: 1, name: new RegExp(DEMO.name) }).waitFor();
        assert((await page.title()).includes(DEMO.name), `tab title: ${await page.title()}`);
        await waitFor(
          async () => (await text(page.locator('.site-name-other'))) === DEMO.nameZh,
          'no Chinese name under the English title',
        );
        const meta = await text(page.locator('.meta-list'));
        assert(meta.includes(DEMO.region) && !meta.includes(DEMO.regionZh), `metadata: ${meta}`);
      },
      { page },
    );

    await test(
      'switched to 中文, the fleet tiles and table name the site, its region and hub in Chinese',
      async () => {
        await goto('#/fleet');
        await setLanguage('zh-CN');
        await waitFor(
          async () => (await text(tile(DEMO.code))) === DEMO.nameZh,
          'the tile has no Chinese name',
        );
        const tileSub = await text(page.locator(`article.tile[data-code="${DEMO.code}"] .tile-sub`));
        assert(tileSub.includes(DEMO.regionZh), `tile without the Chinese region: ${tileSub}`);
        await shot(page, 'fleet-zh');
        // The region filter lists the Chinese names; its value (and the URL's) stays the English one.
        const option = page.locator('form.toolbar select option', { hasText: DEMO.regionZh });
        assert((await option.getAttribute('value')) === DEMO.region, 'no Chinese region in the filter');
        await goto('#/fleet?view=table');
        await waitFor(async () => {
          const row = await text(tableRow(DEMO.code));
          return row.includes(DEMO.nameZh) && row.includes(DEMO.regionZh);
        }, 'the fleet table row has no Chinese names');
        // Sorting stays by code, whatever the names read in Chinese.
        const codes = await page
          .locator('table tbody tr[data-code]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
        const sorted = [...codes].sort((a, b) => a.localeCompare(b));
        assert(JSON.stringify(codes) === JSON.stringify(sorted), `rows not by code: ${codes.join(' ')}`);
      },
      { page },
    );

    await test(
      'in 中文 the site page title, tab title and metadata are Chinese, the English name second',
      async () => {
        await goto(`#/sites/${DEMO.code}`);
        await page.getByRole('heading', { level: 1, name: new RegExp(DEMO.nameZh) }).waitFor();
        assert((await page.title()).includes(DEMO.nameZh), `tab title: ${await page.title()}`);
        await waitFor(
          async () => (await text(page.locator('.site-name-other'))) === DEMO.name,
          'no English name under the Chinese title',
        );
        const meta = await text(page.locator('.meta-list'));
        assert(meta.includes(DEMO.regionZh) && meta.includes(DEMO.operatorZh), `metadata: ${meta}`);
        await shot(page, 'site-zh');
      },
      { page },
    );

    await test(
      'in 中文 the site search finds the site by its Chinese name and shows it in Chinese',
      async () => {
        const box = page.getByRole('combobox', { name: '搜索站点' });
        await box.fill('夜郎园区1');
        const option = page.getByRole('listbox', { name: '搜索站点' }).getByRole('option').first();
        await waitFor(
          async () => (await option.getAttribute('data-code').catch(() => null)) === DEMO.code,
          'the search does not find the site by its Chinese name',
        );
        assert((await text(option)).includes(DEMO.nameZh), `option: ${await text(option)}`);
        await box.fill('');
      },
      { page },
    );

    await test(
      'the ratings page (its messages load with it) names the site in Chinese, and in English after switching back',
      async () => {
        await goto('#/ratings');
        const row = page.getByTestId('ratings-table').locator(`tr[data-code="${DEMO.code}"]`);
        await waitFor(
          async () => (await text(row)).includes(DEMO.nameZh),
          'no Chinese name in the ratings',
          45_000,
        );
        await shot(page, 'ratings-zh');
        // The ratings page's messages load with it, in the language shown: Chinese here, English after the switch.
        const heading = page.locator('h1');
        assert((await text(heading)).includes('绿色能效评级'), `heading: ${await text(heading)}`);
        await setLanguage('en');
        await waitFor(async () => (await text(row)).includes(DEMO.name), 'no English name in the ratings');
        assert(!(await text(row)).includes(DEMO.nameZh), 'the Chinese name is still shown in English');
        assert(
          (await text(heading)).includes('Green ratings'),
          `heading after the switch: ${await text(heading)}`,
        );
      },
      { page },
    );

    const code = `ZZ-E2E-NAMES-${Date.now().toString(36).toUpperCase()}`;
    const region = `E2E Region ${Date.now().toString(36)}`;
    const nameZh = '测试站点名称';
    const regionZh = '测试地区';

    await test(
      'an admin sets a Chinese name on a site in the admin form and sees it on the fleet and the site page',
      async () => {
        await api.call('POST', '/api/v1/datacenters', {
          token: adminToken,
          body: { code, name: 'E2E names site', region },
        });
        await setLanguage('zh-CN');
        await goto('#/admin');
        // A hash change keeps the app's cached site list: load it afresh to see the site just made.
        await page.reload({ waitUntil: 'domcontentloaded' });
        const row = page.getByTestId('admin-sites').locator(`tr[data-code="${code}"]`);
        await row.waitFor();
        await row.getByRole('button', { name: `编辑 ${code}` }).click();
        const dialog = page.getByRole('dialog', { name: `编辑站点 ${code}` });
        await dialog.getByLabel('中文名称', { exact: true }).fill(`  ${nameZh}  `);
        await dialog.getByRole('button', { name: '保存', exact: true }).click();
        await dialog.waitFor({ state: 'detached' }).catch(() => dialog.waitFor({ state: 'hidden' }));
        await waitFor(
          async () => (await text(row.getByTestId('site-name'))).startsWith(nameZh),
          'the admin list does not show the new Chinese name',
        );
        const stored = await api.call('GET', `/api/v1/datacenters/${code}`, { token: adminToken });
        assert(stored.nameZh === nameZh, `stored ${JSON.stringify(stored.nameZh)}`);
        const audit = await api.call('GET', '/api/v1/audit?limit=200', { token: adminToken });
        assert(
          audit.some(
            (e) =>
              e.action === 'datacenter.update' && e.target === code && e.details?.fields?.includes('nameZh'),
          ),
          'no audit entry for the edit',
        );
        await goto(`#/sites/${code}`);
        await page.getByRole('heading', { level: 1, name: new RegExp(nameZh) }).waitFor();
        await goto('#/fleet');
        await waitFor(async () => (await text(tile(code))) === nameZh, 'the fleet tile does not show it');
      },
      { page },
    );

    await test(
      "an admin names a region in Chinese in the Organisations tab's list; the site shows it",
      async () => {
        await goto('#/admin?tab=organizations');
        const input = page.getByLabel(`地区 ${region} 的中文名称`, { exact: true });
        await input.fill(regionZh);
        await page
          .getByTestId('admin-names')
          .locator(`tr[data-name="region:${region}"]`)
          .getByRole('button', { name: `保存 ${region}` })
          .click();
        await waitFor(async () => {
          const site = await api.call('GET', `/api/v1/datacenters/${code}`, { token: adminToken });
          return site.regionZh === regionZh;
        }, 'the region name was not stored');
        await shot(page, 'admin-names-zh');
        await goto(`#/sites/${code}`);
        await waitFor(
          async () => (await text(page.locator('.meta-list'))).includes(regionZh),
          'the site page metadata does not show the Chinese region',
        );
        problems.assertNone();
      },
      { page },
    );
  } catch (err) {
    fail('setup', err);
  } finally {
    await endSession(session, results);
  }
  const { failed } = summary();
  process.exit(failed ? 1 : 0);
}

void main();
