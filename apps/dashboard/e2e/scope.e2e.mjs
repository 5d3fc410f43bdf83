#!/usr/bin/env node
/**
 * Organisations and scope in the browser (issue #16): one API, one browser, six demo logins in turn. Each sees
 * exactly its sites on the fleet page (compared with what the API gives that user and with the demo's
 * placement), the header names its scope and the fleet KPIs say which sites they total. A hub admin's admin
 * page has Organisations (create, a 409 refusal shown, a site moved there and back, delete); an organisation's
 * admin's has no Organisations, no "New site", and only its own users. On a phone the header stays in the window.
 *
 *   node apps/dashboard/e2e/scope.e2e.mjs                                  # starts apps/api/dist/main.js itself
 *   BASE_URL=http://127.0.0.1:3000 node apps/dashboard/e2e/scope.e2e.mjs   # against a running demo instance
 *
 * Prints one line per test and a final `N passed, N failed` line; exits 1 when anything failed. Screenshots go
 * to artifacts/screenshots/scope-*.png.
 */
import { apiClient, assert, createRunner, log, openSession, sleep, waitFor } from './support.mjs';

const YELANG = {
  code: 'YELANG',
  name: 'Yelang Cloud Works Co., Ltd.',
  sites: ['GZ-AS-01', 'GZ-GA-01', 'GZ-GA-06'],
};
const GUIAN = "Gui'an New Area";
const DEMO_SITES = 25;

/** The six demo logins (apps/api/src/demo/demo.service.ts DEMO_USERS) and what each should see. */
const LOGINS = [
  { user: 'admin', scope: 'Hub', fleet: 'Fleet — all sites', sees: 'all' },
  { user: 'operator', scope: 'Hub', fleet: 'Fleet — all sites', sees: 'all' },
  { user: 'regulator', scope: 'Hub', fleet: 'Fleet — all sites', sees: 'all' },
  {
    user: 'guian-regulator',
    scope: `Regions: ${GUIAN}`,
    fleet: `Fleet — Regions: ${GUIAN}`,
    sees: 'guian',
  },
  { user: 'yelang-admin', scope: YELANG.name, fleet: `Fleet — ${YELANG.name}`, sees: 'yelang' },
  { user: 'yelang-operator', scope: YELANG.name, fleet: `Fleet — ${YELANG.name}`, sees: 'yelang' },
].map((l) => ({ ...l, password: `${l.user}-demo-pass` }));

const { test, shot, fail, summary, results } = createRunner('scope');

async function main() {
  let session = null;
  try {
    session = await openSession('scope');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const adminToken = await api.login('admin', 'admin-demo-pass');

    // The demo registers its sites after boot: wait for all of them and their owners.
    const all = await waitFor(
      async () => {
        const list = await api.call('GET', '/api/v1/datacenters', { token: adminToken });
        return list.length >= DEMO_SITES ? list : null;
      },
      `the demo never registered its ${DEMO_SITES} sites`,
      30_000,
      500,
    );
    const orgs = await api.call('GET', '/api/v1/organizations', { token: adminToken });
    const yelang = orgs.find((o) => o.code === YELANG.code);
    assert(
      JSON.stringify(yelang?.sites) === JSON.stringify(YELANG.sites),
      `YELANG owns ${JSON.stringify(yelang?.sites)}, the demo places ${JSON.stringify(YELANG.sites)}`,
    );
    const expected = {
      all: all.map((s) => s.code).sort(),
      guian: all
        .filter((s) => s.region === GUIAN)
        .map((s) => s.code)
        .sort(),
      yelang: YELANG.sites,
    };
    assert(expected.guian.length === 7, `${expected.guian.length} sites in ${GUIAN}, the demo has 7`);

    const browser = await session.launch({ width: 1280, height: 800 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('dialog', (d) => void d.accept()); // the admin screens confirm moves and deletes

    // Console errors are failures, except the 409 the test provokes on purpose.
    const problems = [];
    let expectConflict = false;
    let retrying = false;
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      if (expectConflict && /\b409\b/.test(msg.text())) return;
      if (retrying && /\b503\b/.test(msg.text())) return;
      problems.push(`console.error: ${msg.text()} (${msg.location()?.url ?? ''})`);
    });

    const signIn = async (user, password) => {
      await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
      await page.getByLabel('Username', { exact: true }).fill(user);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
    };
    const signOut = async () => {
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await page.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).waitFor();
    };
    /**
     * Clicks an admin action until `done` shows. While the demo backfills its history, SQLite can be busy and
     * the API answers 503 "storage unavailable; retry later", which the page shows: then the user retries.
     */
    const clickUntil = async (button, done, what) => {
      for (let attempt = 1; ; attempt++) {
        await button.click();
        const busy = page.getByRole('alert').filter({ hasText: 'storage unavailable' });
        const outcome = await Promise.race([
          done.waitFor().then(() => 'done'),
          busy.waitFor().then(() => 'busy'),
        ]);
        if (outcome === 'done') return;
        assert(attempt < 20, `${what}: the API kept answering "storage unavailable"`);
        log(`${what}: storage busy, retrying (${attempt})`);
        await sleep(1_000);
      }
    };
    const tiles = () =>
      page.locator('[data-testid="site-tile"]').evaluateAll((els) => els.map((e) => e.dataset.code).sort());
    const text = async (testId) => (await page.getByTestId(testId).textContent())?.trim();

    await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));

    for (const login of LOGINS) {
      await test(
        `${login.user} sees exactly its sites on the fleet page, its scope in the header and on the KPIs`,
        async () => {
          await signIn(login.user, login.password);
          const want = expected[login.sees];
          // The API's answer for this user is the same list (scope is the server's, the page only shows it).
          const token = await api.login(login.user, login.password);
          const mine = (await api.call('GET', '/api/v1/datacenters', { token })).map((s) => s.code).sort();
          assert(
            JSON.stringify(mine) === JSON.stringify(want),
            `GET /api/v1/datacenters as ${login.user}: ${mine.join(', ')}; expected ${want.join(', ')}`,
          );
          await waitFor(
            async () => JSON.stringify(await tiles()) === JSON.stringify(want),
            `${login.user}'s tiles never matched ${want.length} site(s)`,
          );
          // Live fleet updates must not add anyone else's site: look again after a while.
          await sleep(1_500);
          const have = await tiles();
          assert(
            JSON.stringify(have) === JSON.stringify(want),
            `${login.user} sees ${have.join(', ')}; expected ${want.join(', ')}`,
          );
          const scope = await text('user-scope');
          assert(
            scope === `Scope: ${login.scope}`,
            `header scope says "${scope}", expected "${login.scope}"`,
          );
          const fleet = await text('fleet-scope');
          assert(fleet === login.fleet, `KPI scope says "${fleet}", expected "${login.fleet}"`);
          const online = await text('kpi-online');
          assert(
            online?.endsWith(`of ${want.length}`),
            `sites online KPI "${online}" is not over ${want.length}`,
          );
          if (login.user === 'guian-regulator' || login.user === 'yelang-admin')
            await shot(page, `fleet-${login.user}`);
          if (login.user === 'guian-regulator') {
            // In Chinese the regions are named in Chinese (the demo names Gui'an New Area 贵安新区).
            await page.getByTestId('language-switch').selectOption('zh-CN');
            await waitFor(
              async () => (await text('user-scope'))?.includes('贵安新区'),
              `the zh-CN header scope says "${await text('user-scope')}"`,
            );
            assert(
              (await text('fleet-scope'))?.includes('贵安新区'),
              'the zh-CN KPI scope names the region in English',
            );
            await page.getByTestId('language-switch').selectOption('en');
            await waitFor(
              async () => (await text('user-scope')) === `Scope: ${login.scope}`,
              'back to English',
            );
          }
        },
        { page },
      );

      if (login.user === 'admin') {
        await test(
          'hub admin: Organisations lists owners; create one, a 409 reason shown, move a site there and back, delete',
          async () => {
            retrying = true; // writes may meet the backfill's busy SQLite: see clickUntil
            await page.goto(`${baseUrl}/#/admin`, { waitUntil: 'domcontentloaded' });
            await page.getByRole('button', { name: 'New site', exact: true }).waitFor();
            const owner = page.locator(
              '[data-testid="admin-sites"] tr[data-code="GZ-GA-01"] [data-testid="site-owner"]',
            );
            await waitFor(
              async () => (await owner.textContent())?.trim() === YELANG.name,
              'GZ-GA-01 owner column',
            );
            // A new site can be given its owner at once.
            await page.getByRole('button', { name: 'New site', exact: true }).click();
            const ownerSelect = page.getByRole('dialog').getByLabel('Owner', { exact: true });
            const owners = await ownerSelect.locator('option').allTextContents();
            assert(owners.includes(YELANG.name), `the new site's Owner select offers ${owners.join(', ')}`);
            await page.keyboard.press('Escape');
            await page.getByRole('dialog').waitFor({ state: 'detached' });
            await page.getByRole('link', { name: 'Organisations', exact: true }).click();
            const table = page.getByTestId('admin-organizations');
            await table.locator(`tr[data-org="${YELANG.code}"]`, { hasText: 'GZ-GA-06' }).waitFor();
            assert((await table.locator('tbody tr').count()) === orgs.length, 'one row per organisation');

            const code = `E2E-${Date.now().toString(36).toUpperCase()}`;
            await page.getByLabel('Code', { exact: true }).fill(code);
            await page.getByLabel('Name', { exact: true }).fill('E2E Test Org');
            const row = table.locator(`tr[data-org="${code}"]`);
            await clickUntil(
              page.getByRole('button', { name: 'Create organisation', exact: true }),
              row,
              'create',
            );

            // Yelang still owns sites and has users: the API refuses, and the page says why.
            expectConflict = true;
            await table
              .locator(`tr[data-org="${YELANG.code}"]`)
              .getByRole('button', { name: /^Delete/ })
              .click();
            const alert = page.getByRole('alert');
            await alert.waitFor();
            const reason = (await alert.textContent()) ?? '';
            assert(/^Failed: .+/.test(reason), `no 409 reason shown: "${reason}"`);
            expectConflict = false;
            log(`delete refused: ${reason}`);

            await page.getByLabel('Site', { exact: true }).selectOption('GZ-GA-06');
            await page.getByLabel('New owner', { exact: true }).selectOption(code);
            const moveButton = page.getByRole('button', { name: 'Move site', exact: true });
            await clickUntil(
              moveButton,
              row.locator('[data-testid="org-sites"]', { hasText: 'GZ-GA-06' }),
              'move',
            );
            await shot(page, 'admin-organizations');
            // Back to Yelang, so the other logins (and later files) see the demo as placed.
            await page.getByLabel('Site', { exact: true }).selectOption('GZ-GA-06');
            await page.getByLabel('New owner', { exact: true }).selectOption(YELANG.code);
            await clickUntil(
              moveButton,
              row.locator('[data-testid="org-sites"]', { hasText: 'none' }),
              'move back',
            );

            await clickUntil(
              row.getByRole('button', { name: /^Delete/ }),
              page.locator('p.ok-note', { hasText: `Organisation ${code} deleted.` }),
              'delete',
            );
            await row.waitFor({ state: 'detached' });
            retrying = false;
            const after = await api.call('GET', '/api/v1/organizations', { token: adminToken });
            assert(!after.some((o) => o.code === code), `${code} still listed after delete`);
            assert(
              JSON.stringify(after.find((o) => o.code === YELANG.code)?.sites) ===
                JSON.stringify(YELANG.sites),
              'Yelang does not own its sites again',
            );
          },
          { page },
        );
      }

      if (login.user === 'yelang-admin') {
        await test(
          "an organisation's admin: no Organisations, no New site, only its own users, site rules only",
          async () => {
            await page.goto(`${baseUrl}/#/admin`, { waitUntil: 'domcontentloaded' });
            await page.locator('[data-testid="admin-sites"] tr[data-code="GZ-GA-01"]').waitFor();
            const nav = page.getByRole('navigation', { name: 'Administration sections' });
            await nav.getByRole('link', { name: 'Users', exact: true }).waitFor();
            assert(
              (await nav.getByRole('link', { name: 'Organisations' }).count()) === 0,
              'Organisations offered',
            );
            assert(
              (await page.getByRole('button', { name: 'New site' }).count()) === 0,
              '"New site" offered',
            );
            const rows = await page.locator('[data-testid="admin-sites"] tbody tr').count();
            assert(rows === YELANG.sites.length, `${rows} sites listed, Yelang owns ${YELANG.sites.length}`);
            // Even by URL the hub's screen is not there.
            await page.goto(`${baseUrl}/#/admin?tab=organizations`, { waitUntil: 'domcontentloaded' });
            await page.locator('[data-testid="admin-sites"]').waitFor();
            assert(
              (await page.getByTestId('admin-organizations').count()) === 0,
              'organisations table shown',
            );

            await nav.getByRole('link', { name: 'Users', exact: true }).click();
            const users = page.getByTestId('admin-users');
            await users.locator('tr[data-user="yelang-operator"]').waitFor();
            const names = await users
              .locator('tbody tr')
              .evaluateAll((els) => els.map((e) => e.dataset.user).sort());
            assert(
              JSON.stringify(names) === JSON.stringify(['yelang-admin', 'yelang-operator']),
              `users listed: ${names.join(', ')}`,
            );
            assert(
              (await page.getByLabel('Organisation', { exact: true }).count()) === 0,
              'organisation select offered',
            );

            await nav.getByRole('link', { name: 'Alarm rules', exact: true }).click();
            await page.getByRole('button', { name: 'New rule', exact: true }).click();
            const scopeSelect = page.getByRole('dialog').getByLabel('Scope', { exact: true });
            const options = await scopeSelect.locator('option').allTextContents();
            assert(!options.includes('Fleet-wide'), `fleet-wide offered: ${options.join(', ')}`);
            await page.keyboard.press('Escape');
            await shot(page, 'org-admin');
          },
          { page },
        );
      }
      if (login.user === 'yelang-operator') {
        await test(
          'on a phone (390 px) the header menu shows the scope without widening the page',
          async () => {
            await page.setViewportSize({ width: 390, height: 844 });
            try {
              await sleep(300);
              const { sw, iw } = await page.evaluate(() => ({
                sw: document.documentElement.scrollWidth,
                iw: window.innerWidth,
              }));
              assert(sw <= iw, `the page is ${sw}px wide in a ${iw}px window`);
              // On a phone the scope is in the header's menu (phone.e2e.mjs tests the menu itself).
              await page.getByTestId('menu-toggle').click();
              const box = await page.getByTestId('user-scope').boundingBox();
              assert(
                box && box.x >= 0 && box.x + box.width <= iw,
                `scope chip outside the window: ${JSON.stringify(box)}`,
              );
              await shot(page, 'phone-header');
              await page.keyboard.press('Escape');
            } finally {
              await page.setViewportSize({ width: 1280, height: 800 });
            }
          },
          { page },
        );
      }
      // After a failure the later tests are skipped; stop signing in and out.
      if (results.some((r) => r.status === 'failed')) break;
      await signOut();
    }

    await test(
      'no console errors',
      async () => {
        assert(problems.length === 0, `browser problems:\n  ${problems.join('\n  ')}`);
      },
      { always: true },
    );
  } catch (err) {
    fail('setup', err);
  } finally {
    await session?.stop();
  }
  const { failed } = summary();
  process.exit(failed > 0 ? 1 : 0);
}

await main();
