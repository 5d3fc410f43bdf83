#!/usr/bin/env node
/**
 * The phone layout (issue #18 item 7), in real Chromium at 390×844 with touch: a one-row header whose menu button
 * (aria-expanded, Esc, focus inside, closes on navigation) holds the navigation, language, scope and sign-out;
 * collapsed fleet filters with an active count and the site tiles on the first screen; the fleet table scrolling
 * inside its frame; a fresh alarm as a card whose Acknowledge button is in view and works; the site page's first
 * chart on the first screen with wrapping toolbars; no sideways page scroll on any page in English and Chinese,
 * light and dark; the regulator's pages; and the desktop layout (1440 px, 1280×720) unchanged.
 *
 * Screenshots: artifacts/screenshots/phone-*.png (the first screen as a user sees it, unless named `-full`).
 * Prints one line per test and a final `N passed, N failed` line; exits 1 when anything failed.
 */
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import {
  apiClient,
  assert,
  createRunner,
  endSession,
  launchBrowser,
  log,
  openSession,
  SCREENSHOTS,
  signInWithForm,
  waitFor,
  watchProblems,
} from './support.mjs';

const ADMIN = ['admin', process.env.ADMIN_PASSWORD || 'admin-demo-pass'];
const OPERATOR = ['operator', process.env.OPERATOR_PASSWORD || 'operator-demo-pass'];
const REGULATOR = ['regulator', process.env.REGULATOR_PASSWORD || 'regulator-demo-pass'];
const PHONE = { width: 390, height: 844 };

const { test, shot, fail, summary, results } = createRunner('phone');

/** The first screen only (what a phone shows before scrolling). */
async function screen(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `phone-${name}.png`);
  await page.screenshot({ path: file });
  log(`screenshot ${path.relative(process.cwd(), file) || file}`);
}

/** The page is no wider than the viewport (nothing to scroll sideways). */
async function assertNoSideScroll(page, where) {
  const { scrollWidth, width } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert(
    scrollWidth <= width && scrollWidth <= page.viewportSize().width,
    `${where}: the page scrolls sideways (scrollWidth ${scrollWidth} > ${width})`,
  );
}

/** The bounding box of a locator, inside the viewport's width. */
async function assertInsideWidth(locator, what, width = PHONE.width) {
  const box = await locator.boundingBox();
  assert(box, `${what} is not rendered`);
  assert(
    box.x >= 0 && box.x + box.width <= width + 0.5,
    `${what} is outside the viewport's width: x ${box.x.toFixed(0)}, width ${box.width.toFixed(0)}`,
  );
  return box;
}

async function main() {
  let session = null;
  try {
    session = await openSession('phone');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const adminToken = await api.login(...ADMIN);
    const regulatorToken = await api.login(...REGULATOR);
    // The demo fleet's own sites (GZ-…), which have history in every range: run-all shares one API, and other
    // files create sites (E2E-…, ZZ-…) with a few samples only.
    const demoSites = (await api.call('GET', '/api/v1/datacenters', { token: adminToken }))
      .map((s) => s.code)
      .filter((c) => c.startsWith('GZ-'))
      .sort();
    const site = demoSites[0];
    const regulatorSite = (await api.call('GET', '/api/v1/datacenters', { token: regulatorToken }))
      .map((s) => s.code)
      .sort()[0];

    const browser = await session.launch(PHONE, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(20_000);
    const browserProblems = watchProblems(page);
    const goto = (hash) => page.goto(`${baseUrl}/${hash}`, { waitUntil: 'domcontentloaded' });
    const nav = (hash) => page.evaluate((h) => (window.location.hash = h), hash.replace(/^#/, ''));
    const h1 = (name) => page.getByRole('heading', { level: 1, name }).waitFor();
    const toggle = page.getByTestId('menu-toggle');
    const menu = page.locator('#topbar-menu');
    const expanded = async () => (await toggle.getAttribute('aria-expanded')) === 'true';

    // Sorts after the demo sites: run-all shares one API, and later files open the first (online) site.
    const code = `ZZ-E2E-PHN-${Date.now().toString(36).toUpperCase()}`;

    await test(
      'phone: the header is one row; navigation, language, scope and sign-out are behind the menu button',
      async () => {
        await goto('#/login');
        await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
        await signInWithForm(page, baseUrl, ADMIN);
        const header = await page.locator('header.topbar').boundingBox();
        assert(header.height < 64, `the header is ${header.height.toFixed(0)} px tall (not one row)`);
        await page.getByTestId('live-status').waitFor();
        await assertInsideWidth(page.getByTestId('live-status'), 'the live status');
        await assertInsideWidth(toggle, 'the menu button');
        assert(!(await expanded()), 'the menu starts open');
        assert(
          (await toggle.getAttribute('aria-controls')) === 'topbar-menu',
          'aria-controls is not the menu',
        );
        assert(
          !(await page.getByRole('link', { name: 'Alarms', exact: true }).isVisible()),
          'the navigation shows outside the menu',
        );
        assert(
          !(await page.getByRole('button', { name: 'Log out', exact: true }).isVisible()),
          'sign-out shows outside the menu',
        );
        await screen(page, 'fleet-first-screen');

        await toggle.click();
        assert(await expanded(), 'aria-expanded is not true once open');
        for (const name of ['Fleet', 'Alarms', 'Ratings', 'Admin']) {
          await assertInsideWidth(menu.getByRole('link', { name, exact: true }), `the menu's ${name} link`);
        }
        await assertInsideWidth(menu.getByTestId('language-switch'), 'the language switch');
        await assertInsideWidth(menu.getByTestId('user-scope'), 'the scope label');
        await assertInsideWidth(menu.getByRole('button', { name: 'Log out', exact: true }), 'sign-out');
        await screen(page, 'menu-open');
      },
      { page },
    );

    await test('phone: the menu takes the focus, closes on Esc and on navigation', async () => {
      if (!(await expanded())) await toggle.click();
      await waitFor(
        () => page.evaluate(() => !!document.activeElement?.closest('#topbar-menu')),
        'the focus did not move into the open menu',
      );
      await page.keyboard.press('Escape');
      await waitFor(async () => !(await expanded()), 'Esc did not close the menu');
      assert(!(await menu.isVisible()), 'the menu is still shown after Esc');
      assert(
        await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'menu-toggle'),
        'the focus did not return to the menu button',
      );
      await toggle.click();
      await menu.getByRole('link', { name: 'Alarms', exact: true }).click();
      await h1('Alarms');
      await waitFor(async () => !(await expanded()), 'navigating did not close the menu');
      assert(!(await menu.isVisible()), 'the menu is still shown after navigating');
      // Tapping outside (below the menu, on the page) closes it too.
      await toggle.click();
      await page.touchscreen.tap(PHONE.width / 2, PHONE.height - 40);
      await waitFor(async () => !(await expanded()), 'a tap outside did not close the menu');
    });

    await test(
      'phone: fleet filters are collapsed with an active count, the site tiles start on the first screen',
      async () => {
        await nav('#/fleet');
        await h1('Fleet');
        const filters = page.getByTestId('filters-toggle');
        await filters.waitFor();
        assert((await filters.getAttribute('aria-expanded')) === 'false', 'the filters start open');
        assert(
          !(await page.getByRole('combobox', { name: /^Status/ }).isVisible()),
          'a filter shows while collapsed',
        );
        const tile = page.getByTestId('site-tile').first();
        await tile.waitFor();
        const top = (await tile.boundingBox()).y;
        assert(top < PHONE.height - 100, `the first site tile starts at ${top.toFixed(0)} px`);
        log(`first tile at ${top.toFixed(0)} px`);
        const kpis = await page.getByTestId('fleet-kpis').boundingBox();
        assert(kpis.height < 160, `the KPIs take ${kpis.height.toFixed(0)} px`);
        await assertNoSideScroll(page, 'fleet');
        await screen(page, 'fleet');

        await filters.click();
        assert((await filters.getAttribute('aria-expanded')) === 'true', 'the toggle is not expanded');
        await page.getByRole('combobox', { name: /^Status/ }).selectOption('online');
        await waitFor(() => page.url().includes('status=online'), 'the status filter is not in the URL');
        await waitFor(
          async () => /Filters \(1 active\)/.test((await filters.textContent()) ?? ''),
          `the toggle does not count the filter: ${await filters.textContent()}`,
        );
        await assertNoSideScroll(page, 'fleet with open filters');
        await screen(page, 'fleet-filters-open');
        await page.getByRole('combobox', { name: /^Status/ }).selectOption('');
        await waitFor(
          async () => ((await filters.textContent()) ?? '').trim() === 'Filters',
          'the count did not drop',
        );
      },
      { page },
    );

    await test(
      'phone: the fleet table scrolls inside its frame with the site code column kept in view',
      async () => {
        await nav('#/fleet?view=table');
        const frame = page.locator('.table-wrap').first();
        const firstCode = page.locator('table.fleet tbody th.code').first();
        await firstCode.waitFor();
        await assertNoSideScroll(page, 'fleet table');
        const wide = await frame.evaluate((el) => el.scrollWidth > el.clientWidth);
        assert(wide, 'the fleet table does not need to scroll at 390 px (nothing to test)');
        await frame.evaluate((el) => (el.scrollLeft = 200));
        const codeBox = await firstCode.boundingBox();
        const frameBox = await frame.boundingBox();
        assert(
          Math.abs(codeBox.x - frameBox.x) < 3,
          `the code column scrolled away (${codeBox.x.toFixed(0)} vs ${frameBox.x.toFixed(0)})`,
        );
        await screen(page, 'fleet-table-scrolled');
      },
      { page },
    );

    await test(
      'phone: a new alarm is a card with its message wrapped and Acknowledge in view; acknowledging works',
      async () => {
        await api.call('POST', '/api/v1/datacenters', {
          token: adminToken,
          body: {
            code,
            name: 'E2E phone',
            region: 'Guiyang',
            latitude: 26.6,
            longitude: 106.7,
            itCapacityKw: 4000,
          },
        });
        const ingestToken = (
          await api.call('POST', `/api/v1/datacenters/${code}/tokens`, {
            token: adminToken,
            body: { name: 'e2e-phone' },
          })
        ).token;
        // 40 °C is beyond the ASHRAE A1 allowable limit (32 °C): the built-in critical inlet rule fires.
        await api.call('POST', '/api/v1/ingest', {
          token: ingestToken,
          body: {
            samples: [
              { ts: new Date().toISOString(), metric: 'inlet_temp_c', value: 40, labels: { zone: 'Z9' } },
            ],
          },
        });
        await goto(`#/alarms?site=${code}`);
        await h1('Alarms');
        const card = page.locator('table.alarms tbody tr').first();
        await card.waitFor({ timeout: 30_000 });
        // Dismiss the new-alarm toast, which would sit over the list.
        const dismiss = page.locator('[data-testid="alarm-toast"] button').first();
        if (await dismiss.isVisible().catch(() => false)) await dismiss.click().catch(() => {});
        await assertNoSideScroll(page, 'alarms');
        const message = card.locator('td.col-message');
        const msgBox = await assertInsideWidth(message, 'the alarm message');
        assert(msgBox.height > 30, 'the message is not wrapped onto several lines');
        const ack = card.getByRole('button', { name: /^Acknowledge/ });
        const ackBox = await assertInsideWidth(ack, 'the Acknowledge button');
        assert(
          ackBox.y >= 0 && ackBox.y + ackBox.height <= PHONE.height,
          `the Acknowledge button is below the first screen (${ackBox.y.toFixed(0)} px)`,
        );
        assert(ackBox.height >= 40, `the Acknowledge button is a small target (${ackBox.height} px)`);
        await screen(page, 'alarms');
        await ack.tap();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Note', { exact: true }).fill('e2e phone: checked');
        await assertInsideWidth(dialog, 'the acknowledge dialog');
        await dialog.getByRole('button', { name: 'Acknowledge alarm', exact: true }).tap();
        await dialog.waitFor({ state: 'detached' });
        await waitFor(
          async () => /e2e phone: checked/.test((await card.textContent()) ?? ''),
          'the card does not show the acknowledgement',
        );
        await assertNoSideScroll(page, 'alarms after acknowledging');
        await screen(page, 'alarms-acknowledged');
      },
      { page },
    );

    await test(
      'phone: the site page’s first chart starts on the first screen and its toolbars wrap',
      async () => {
        await nav(`#/sites/${site}`);
        await page.getByTestId('site-now').waitFor();
        const firstChart = page.locator('.charts .chart-card').first();
        await firstChart.locator('canvas').waitFor({ timeout: 30_000 });
        const top = (await firstChart.boundingBox()).y;
        assert(top < PHONE.height - 200, `the first chart starts at ${top.toFixed(0)} px`);
        const canvas = await firstChart.locator('canvas').boundingBox();
        assert(canvas.y + canvas.height <= PHONE.height, 'the first chart is not whole on the first screen');
        assert(canvas.height >= 180, `the chart is only ${canvas.height.toFixed(0)} px tall`);
        log(`first chart at ${top.toFixed(0)} px, ${canvas.height.toFixed(0)} px tall`);
        for (const b of await page.locator('.charts-head button, .chart-card-head button').all()) {
          await assertInsideWidth(b, `the chart button "${(await b.textContent())?.trim()}"`);
        }
        await page.locator('[data-range="custom"]').click();
        for (const el of await page.locator('.custom-range input, .custom-range button').all()) {
          await assertInsideWidth(el, 'a custom range control');
        }
        await assertNoSideScroll(page, 'site page');
        await screen(page, 'site');
        await page.locator('[data-range="live"]').click();
        const compare = page.getByTestId('chart-compare');
        await compare.scrollIntoViewIfNeeded();
        for (const el of await compare.locator('select, button').all()) {
          await assertInsideWidth(el, 'a compare control');
        }
        await shot(page, 'site-full');
      },
      { page },
    );

    // Each page with what shows once its data is in (the checks run on the loaded page, not its spinner).
    const pages = [
      ['#/fleet', 'fleet', '[data-testid="site-tile"]'],
      ['#/fleet?view=table', 'fleet-table', 'table.fleet tbody tr'],
      ['#/alarms', 'alarms', 'table.alarms tbody tr, .empty'],
      ['#/alarms?view=all', 'alarms-history', 'table.alarms tbody tr, .empty'],
      [`#/sites/${site}`, 'site', '.charts .chart-card canvas'],
      ['#/ratings', 'ratings', 'table.ratings tbody tr'],
      [`#/ratings/${site}`, 'report', '.report-section'],
      ['#/admin', 'admin', 'table.data tbody tr'],
      ['#/admin?tab=tokens', 'admin-tokens', 'table.data tbody tr'],
      ['#/admin?tab=users', 'admin-users', 'table.data tbody tr'],
      ['#/admin?tab=alarms', 'admin-rules', 'table.data tbody tr'],
      ['#/admin?tab=organizations', 'admin-orgs', 'table.data tbody tr'],
    ];

    await test('phone: no page scrolls sideways, in English and Chinese, light and dark', async () => {
      for (const [lang, scheme] of [
        ['en', 'light'],
        ['zh-CN', 'dark'],
        ['zh-CN', 'light'],
        ['en', 'dark'],
      ]) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.evaluate((l) => localStorage.setItem('dcfleet.lang', l), lang);
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.locator('h1').first().waitFor();
        // The full set once; the other combinations on the busiest pages.
        const list = lang === 'en' && scheme === 'light' ? pages : pages.slice(0, 6);
        for (const [hash, name, ready] of list) {
          await nav(hash);
          await page.locator('main h1').first().waitFor();
          await page.locator(ready).first().waitFor({ timeout: 30_000 });
          const header = await page.locator('header.topbar').boundingBox();
          assert(header.height < 64, `${name} (${lang}, ${scheme}): the header is ${header.height} px tall`);
          await assertNoSideScroll(page, `${name} (${lang}, ${scheme})`);
          if (lang !== 'en' || scheme !== 'light' || ['ratings', 'report', 'admin'].includes(name)) {
            await screen(page, `${name}-${lang}-${scheme}`);
          }
        }
        if (lang === 'zh-CN' && scheme === 'dark') {
          await toggle.click();
          await assertInsideWidth(menu.getByTestId('user-scope'), 'the scope label (zh-CN)');
          await screen(page, 'menu-open-zh-CN-dark');
          await page.keyboard.press('Escape');
        }
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.locator('main h1').first().waitFor();
    });

    await test('phone: the regulator signs out and in through the menu and reads fleet, ratings and site', async () => {
      await toggle.click();
      await menu.getByRole('button', { name: 'Log out', exact: true }).click();
      await page.getByLabel('Username', { exact: true }).waitFor();
      await signInWithForm(page, baseUrl, REGULATOR);
      const header = await page.locator('header.topbar').boundingBox();
      assert(header.height < 64, `the regulator's header is ${header.height} px tall`);
      await toggle.click();
      const links = await menu.locator('nav a').allTextContents();
      assert(
        links.join(',') === 'Fleet,Ratings',
        `the regulator's menu offers ${links.join(', ')} (not Fleet, Ratings)`,
      );
      await page.keyboard.press('Escape');
      await page.getByTestId('site-tile').first().waitFor();
      await assertNoSideScroll(page, 'regulator fleet');
      await screen(page, 'regulator-fleet');
      for (const [hash, name, ready] of [
        ['#/ratings', 'ratings', 'table.ratings tbody tr'],
        [`#/ratings/${regulatorSite}`, 'report', '.report-section'],
        [`#/sites/${regulatorSite}`, 'site', '.charts .chart-card canvas'],
      ]) {
        await nav(hash);
        await page.locator('main h1').first().waitFor();
        await page.locator(ready).first().waitFor({ timeout: 30_000 });
        await assertNoSideScroll(page, `regulator ${name}`);
        await screen(page, `regulator-${name}`);
      }
      const firstChart = page.locator('.charts .chart-card').first();
      await firstChart.waitFor();
      const top = (await firstChart.boundingBox()).y;
      assert(top < PHONE.height - 200, `the regulator's first chart starts at ${top.toFixed(0)} px`);
    });

    await test('360 px and 430 px, the operator: one-row header and no sideways scroll, English and Chinese', async () => {
      await toggle.click();
      await menu.getByRole('button', { name: 'Log out', exact: true }).click();
      await signInWithForm(page, baseUrl, OPERATOR);
      for (const [width, height, lang] of [
        [360, 740, 'zh-CN'],
        [360, 740, 'en'],
        [430, 932, 'en'],
      ]) {
        await page.setViewportSize({ width, height });
        await page.evaluate((l) => localStorage.setItem('dcfleet.lang', l), lang);
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.locator('main h1').first().waitFor();
        for (const [hash, name, ready] of pages.slice(0, 6)) {
          await nav(hash);
          await page.locator('main h1').first().waitFor();
          await page.locator(ready).first().waitFor({ timeout: 30_000 });
          const where = `${name} at ${width} px (${lang})`;
          const header = await page.locator('header.topbar').boundingBox();
          assert(header.height < 64, `${where}: the header is ${header.height} px tall`);
          await assertInsideWidth(toggle, `${where}: the menu button`, width);
          await assertNoSideScroll(page, where);
          if (name === 'site') {
            const chart = await page.locator('.charts .chart-card').first().boundingBox();
            assert(chart.y < height - 150, `${where}: the first chart starts at ${chart.y.toFixed(0)} px`);
          }
          if (width === 360 && ['fleet', 'alarms', 'site'].includes(name))
            await screen(page, `${name}-360-${lang}`);
        }
      }
      await page.setViewportSize(PHONE);
      await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.locator('main h1').first().waitFor();
    });

    await test('phone: no console errors', async () => browserProblems.assertNone());

    await test('desktop 1440 px and 1280×720: the header navigation and the filters show as before', async () => {
      for (const viewport of [
        { width: 1440, height: 900 },
        { width: 1280, height: 720 },
      ]) {
        const desktop = await launchBrowser(viewport);
        try {
          const d = desktop.context.pages()[0] ?? (await desktop.context.newPage());
          d.setDefaultTimeout(20_000);
          await signInWithForm(d, baseUrl, ADMIN);
          // The heading shows before the fleet's data; the KPIs and filters come with it.
          await d.getByTestId('fleet-kpis').waitFor();
          const where = `${viewport.width}×${viewport.height}`;
          assert(!(await d.getByTestId('menu-toggle').isVisible()), `${where}: the menu button shows`);
          for (const name of ['Fleet', 'Alarms', 'Ratings', 'Admin']) {
            assert(
              await d.locator('header nav').getByRole('link', { name, exact: true }).isVisible(),
              `${where}: the ${name} link is not in the header`,
            );
          }
          assert(
            await d.getByRole('button', { name: 'Log out', exact: true }).isVisible(),
            `${where}: no sign-out in the header`,
          );
          const header = await d.locator('header.topbar').boundingBox();
          assert(header.height < 64, `${where}: the header is ${header.height} px tall`);
          assert(!(await d.getByTestId('filters-toggle').isVisible()), `${where}: the filters toggle shows`);
          assert(
            await d.getByRole('combobox', { name: /^Status/ }).isVisible(),
            `${where}: the filters are hidden`,
          );
          const kpis = await d.locator('[data-testid="fleet-kpis"] > div').first().boundingBox();
          assert(kpis.height > 70, `${where}: the KPIs are compact on desktop`);
          await d.screenshot({ path: path.join(SCREENSHOTS, `phone-desktop-${viewport.width}-fleet.png`) });
          await d.evaluate((h) => (window.location.hash = h), `/alarms?site=${code}`);
          await d.locator('table.alarms tbody tr').first().waitFor();
          assert(
            await d.locator('table.alarms thead').isVisible(),
            `${where}: the alarms table has no header row`,
          );
          await d.screenshot({ path: path.join(SCREENSHOTS, `phone-desktop-${viewport.width}-alarms.png`) });
        } finally {
          await desktop.close();
        }
      }
    });
  } catch (err) {
    fail('setup', err);
  } finally {
    await endSession(session, results);
  }
  const { failed } = summary();
  process.exit(failed ? 1 : 0);
}

void main();
