#!/usr/bin/env node
/**
 * Navigation for operators (issue #18 item 4), in real Chromium: `/` focuses the header's site search, a few
 * letters of a site's region and Enter open its page; a second tab of the browser is signed in without the form,
 * and signing out in one tab signs out the other; an admin creates a wall-display (kiosk) link, which a fresh
 * browser opens into the fleet without the header, dark, surviving a reload; the kiosk token writes nothing
 * (403 with a reason); revoking it in the admin screen signs the display out.
 *
 * Prints one line per test and a final `N passed, N failed` line; exits 1 when anything failed.
 */
import {
  apiClient,
  assert,
  createRunner,
  endSession,
  launchBrowser,
  openSession,
  signInWithForm,
  waitFor,
  watchProblems,
} from './support.mjs';

const ADMIN = ['admin', process.env.ADMIN_PASSWORD || 'admin-demo-pass'];
const { test, shot, fail, summary, results } = createRunner('navigation');

async function main() {
  let session = null;
  let wall = null;
  try {
    session = await openSession('navigation');
    const { baseUrl } = session;
    const api = apiClient(baseUrl);
    const adminToken = await api.login(...ADMIN);
    const suffix = Date.now().toString(36).toUpperCase();
    const code = `ZZ-E2E-NAV-${suffix}`;
    // A region no demo site has, so a few of its letters find this site first.
    await api.call('POST', '/api/v1/datacenters', {
      token: adminToken,
      body: { code, name: `Navigator hall ${suffix}`, region: 'Kashgar Qx' },
    });

    const browser = await session.launch({ width: 1280, height: 800 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(20_000);
    const problems = watchProblems(page);
    await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'en'));
    await signInWithForm(page, baseUrl, ADMIN);

    await test('the router: hash links, the fleet kept on screen until a page’s chunk loads, scroll reset, back and forward, not found, a new tab', async () => {
      // Signed in at #/login, the URL moved on to the fleet (replaced).
      await waitFor(() => page.url().endsWith('#/fleet'), `signed in at #/login, still at ${page.url()}`);
      await page.evaluate(() => {
        window.__sameDocument = true;
        // What the outlet shows, in order: a page's h1, or the pending page.
        const seen = (window.__outlet = []);
        const main = document.querySelector('main');
        const note = () => {
          // Visible ones only: a suspended page stays in the DOM, hidden, under its fallback.
          const visible = (selector) =>
            [...main.querySelectorAll(selector)].find((el) => el.checkVisibility());
          const shown = visible('h1')?.textContent ?? (visible('.loading') ? 'pending' : '');
          if (seen[seen.length - 1] !== shown) seen.push(shown);
        };
        note();
        new MutationObserver(note).observe(main, { childList: true, subtree: true, characterData: true });
      });
      // The ratings page is a chunk of its own, slowed down here: the fleet must stay until it has loaded.
      await page.route('**/assets/RatingsPage-*.js', async (route) => {
        await new Promise((r) => setTimeout(r, 300));
        await route.continue();
      });
      const ratings = page.locator('nav a[data-nav="ratings"]');
      assert(
        (await ratings.getAttribute('href')) === '#/ratings',
        `nav href ${await ratings.getAttribute('href')}`,
      );
      await ratings.click();
      await page.getByRole('heading', { name: 'Green ratings', level: 1 }).waitFor();
      const seen = await page.evaluate(() => window.__outlet);
      assert(
        seen.length === 2 && seen[0] === 'Fleet' && seen[1] === 'Green ratings',
        `the outlet showed ${seen.join(' → ')}`,
      );
      await page.unroute('**/assets/RatingsPage-*.js');

      // A filter change keeps the scroll position; a link opens its page at the top. Both done in the page:
      // a Playwright action would scroll its element into view first.
      await page.goBack();
      await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
      await page.evaluate(() => window.scrollTo(0, 300));
      await waitFor(() => page.evaluate(() => window.scrollY > 0), 'the fleet page does not scroll');
      await page.evaluate(() => {
        const status = [...document.querySelectorAll('main label')].find(
          (label) => label.querySelector('span')?.textContent === 'Status',
        );
        const select = status.querySelector('select');
        select.value = 'online';
        select.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await waitFor(() => page.url().endsWith('#/fleet?status=online'), `filter URL ${page.url()}`);
      assert((await page.evaluate(() => window.scrollY)) > 0, 'a filter change scrolled to the top');
      await page.evaluate(() => document.querySelector('nav a[data-nav="fleet"]').click());
      await waitFor(() => page.url().endsWith('#/fleet'), `nav link led to ${page.url()}`);
      assert((await page.evaluate(() => window.scrollY)) === 0, 'a link kept the scroll position');
      assert(await page.evaluate(() => window.__sameDocument === true), 'a link reloaded the page');

      // Back and forward through the hash history.
      const site = page.locator('main a.stretched[href^="#/sites/"]').first();
      const href = await site.getAttribute('href');
      await site.click();
      // Its chunk loads first (the fleet stays meanwhile): wait for the site's own heading.
      await page.locator('main h1', { hasText: href.split('/').pop() }).waitFor();
      assert(page.url().endsWith(href), `site link ${href} led to ${page.url()}`);
      await page.goBack();
      await waitFor(() => page.url().endsWith('#/fleet'), `back: ${page.url()}`);
      await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
      await page.goForward();
      await waitFor(() => page.url().endsWith(href), `forward: ${page.url()}`);
      await page.locator('main h1', { hasText: href.split('/').pop() }).waitFor();

      // Unknown paths and malformed codes.
      for (const url of ['#/nope', '#/sites/lower-case', '#/ratings/x']) {
        await page.evaluate((h) => (window.location.hash = h), url);
        await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
      }
      assert(await page.evaluate(() => window.__sameDocument === true), 'a navigation reloaded the page');

      // Ctrl+click opens the link's URL in a new tab and leaves this one where it was.
      await page.evaluate(() => (window.location.hash = '#/fleet'));
      const link = page.locator('main a.stretched[href^="#/sites/"]').first();
      const [tab] = await Promise.all([
        browser.context.waitForEvent('page'),
        link.click({ modifiers: ['Control'] }),
      ]);
      await waitFor(() => tab.url().includes('#/sites/'), `new tab at ${tab.url()}`);
      assert(page.url().endsWith('#/fleet'), `this tab moved to ${page.url()}`);
      await tab.close();
    });

    await test(
      '/ focuses the site search; part of a region, arrow keys and Enter open the site page',
      async () => {
        await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).click(); // focus off any field
        await page.keyboard.press('/');
        const box = page.getByRole('combobox', { name: 'Search sites' });
        await waitFor(
          () => box.evaluate((el) => el === document.activeElement),
          '/ did not focus the search',
        );
        await page.keyboard.type('kashg');
        const listbox = page.getByRole('listbox', { name: 'Search sites' });
        const option = listbox.getByRole('option').first();
        await option.waitFor();
        assert(
          (await option.getAttribute('data-code')) === code,
          `first match: ${await option.textContent()}`,
        );
        assert((await box.getAttribute('aria-expanded')) === 'true', 'combobox not expanded');
        assert(
          (await box.getAttribute('aria-activedescendant')) === (await option.getAttribute('id')),
          'the active option is not announced',
        );
        await shot(page, 'search');
        await page.keyboard.press('Enter');
        await waitFor(() => page.url().endsWith(`#/sites/${code}`), `URL after Enter: ${page.url()}`);
        await page.getByRole('heading', { level: 1, name: new RegExp(`Navigator hall ${suffix}`) }).waitFor();
        // Ctrl+K works too, Esc closes the list then leaves the box.
        await page.keyboard.press('Control+k');
        await waitFor(() => box.evaluate((el) => el === document.activeElement), 'Ctrl+K did not focus');
        await page.keyboard.type(code.toLowerCase());
        await listbox.getByRole('option').first().waitFor();
        await page.keyboard.press('Escape');
        await waitFor(
          async () => (await box.getAttribute('aria-expanded')) === 'false',
          'Esc left the list open',
        );
        await page.keyboard.press('Escape');
        await waitFor(() => box.evaluate((el) => el !== document.activeElement), 'second Esc kept the focus');
        // g then a: the alarms page.
        await page.keyboard.press('g');
        await page.keyboard.press('a');
        await waitFor(() => page.url().includes('#/alarms'), `g a led to ${page.url()}`);
      },
      { page },
    );

    let second = null;
    await test(
      'a new tab is signed in; signing out in one tab signs out the other',
      async () => {
        second = await browser.context.newPage();
        second.setDefaultTimeout(20_000);
        await second.goto(`${baseUrl}/#/fleet`, { waitUntil: 'domcontentloaded' });
        await second.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
        assert(
          (await second.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).count()) === 0,
          'the second tab shows the sign-in form',
        );
        await second.getByRole('button', { name: 'Log out', exact: true }).click();
        await second.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).waitFor();
        await page.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).waitFor();
        // Signing in again in the first tab reaches the second.
        await page.getByLabel('Username', { exact: true }).fill(ADMIN[0]);
        await page.getByLabel('Password', { exact: true }).fill(ADMIN[1]);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await second.getByRole('navigation', { name: /main/i }).waitFor();
        await second.close();
      },
      { page },
    );

    let link = '';
    await test(
      'an admin creates a wall-display link; a fresh browser opens it into the fleet without the header, dark, after a reload too',
      async () => {
        await page.goto(`${baseUrl}/#/admin?tab=kiosks`, { waitUntil: 'domcontentloaded' });
        await page.getByRole('heading', { name: 'Wall displays', level: 2 }).waitFor();
        await page.getByLabel('Display name', { exact: true }).fill(`NOC wall ${suffix}`);
        await page.getByRole('button', { name: 'Create display link', exact: true }).click();
        const input = page.getByTestId('kiosk-link').getByLabel('Display link');
        await input.waitFor();
        link = await input.inputValue();
        assert(link.startsWith(`${baseUrl}/#/fleet?kiosk=1&key=`), `link: ${link.slice(0, 80)}`);
        await page.locator(`[data-testid="admin-kiosks"] tr`, { hasText: `NOC wall ${suffix}` }).waitFor();

        wall = await launchBrowser({ width: 1600, height: 900 });
        const display = wall.context.pages()[0] ?? (await wall.context.newPage());
        display.setDefaultTimeout(20_000);
        const wallProblems = watchProblems(display);
        await display.goto(link, { waitUntil: 'domcontentloaded' });
        const shown = async () => {
          await display.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
          await display.getByTestId('kiosk-bar').waitFor();
          assert((await display.locator('header.topbar').count()) === 0, 'the header is shown in kiosk mode');
          assert(!display.url().includes('key='), `the token stays in the URL: ${display.url()}`);
          const look = await display.evaluate(() => ({
            kiosk: document.documentElement.hasAttribute('data-kiosk'),
            bg: getComputedStyle(document.body).backgroundColor,
            size: getComputedStyle(document.documentElement).fontSize,
            scheme: getComputedStyle(document.documentElement).colorScheme,
          }));
          const [r, g, b] = (look.bg.match(/\d+/g) ?? []).map(Number);
          assert(look.kiosk && r + g + b < 120, `not dark: ${JSON.stringify(look)}`);
          assert(parseFloat(look.size) >= 19, `type not large: ${JSON.stringify(look)}`);
          assert(look.scheme === 'dark', `scheme: ${look.scheme}`);
        };
        await shown();
        await shot(display, 'kiosk');
        await display.reload({ waitUntil: 'domcontentloaded' });
        await shown();
        await waitFor(
          async () => (await display.getByTestId('live-status').getAttribute('data-status')) === 'live',
          'the wall display is not live',
          30_000,
        );
        wallProblems.assertNone();
      },
      { page },
    );

    await test(
      'the kiosk token reads but cannot acknowledge an alarm or post anything (403 with a reason)',
      async () => {
        const display = wall.context.pages()[0];
        const answers = await display.evaluate(async () => {
          const { accessToken, kiosk } = JSON.parse(localStorage.getItem('dcfleet.session'));
          const call = async (method, path, body) => {
            const res = await fetch(path, {
              method,
              headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
              body: body === undefined ? undefined : JSON.stringify(body),
            });
            return { status: res.status, message: (await res.json()).message };
          };
          return {
            kiosk,
            read: (await call('GET', '/api/v1/datacenters')).status,
            ack: await call('POST', '/api/v1/alarms/1/ack', { note: 'from the wall' }),
            site: await call('POST', '/api/v1/datacenters', { code: 'ZZ-KIOSK-WRITE', name: 'no' }),
            users: await call('GET', '/api/v1/users'),
          };
        });
        assert(answers.kiosk?.name?.startsWith('NOC wall'), `session: ${JSON.stringify(answers.kiosk)}`);
        assert(answers.read === 200, `read: ${answers.read}`);
        for (const k of ['ack', 'site'])
          assert(
            answers[k].status === 403 && /read-only/.test(answers[k].message),
            `${k}: ${JSON.stringify(answers[k])}`,
          );
        assert(answers.users.status === 403, `users: ${JSON.stringify(answers.users)}`);
      },
      { page },
    );

    await test(
      'revoking the display in the admin screen signs it out',
      async () => {
        const display = wall.context.pages()[0];
        await page.reload({ waitUntil: 'domcontentloaded' });
        const row = page.locator(`[data-testid="admin-kiosks"] tr`, { hasText: `NOC wall ${suffix}` });
        page.once('dialog', (d) => void d.accept());
        await row.getByRole('button', { name: /Revoke/ }).click();
        await row.getByText('Revoked', { exact: true }).waitFor();
        // The socket is dropped and its reconnect refused: the display forgets the session at once.
        await display
          .getByRole('heading', { name: 'Sign in to dcfleet', exact: true })
          .waitFor({ timeout: 30_000 });
        assert(
          (await display.evaluate(() => localStorage.getItem('dcfleet.session'))) === null,
          'the display still keeps the kiosk session',
        );
        await shot(display, 'kiosk-revoked');
        // The link itself no longer works.
        await display.goto(link, { waitUntil: 'domcontentloaded' });
        await display.getByText('no longer valid', { exact: false }).waitFor();
      },
      { page },
    );

    await test(
      '?kiosk=1 with rotate and every cycles a signed-in user through the views without the header; × leaves it',
      async () => {
        await page.goto(`${baseUrl}/#/fleet?kiosk=1&rotate=fleet,alarms&every=10`, {
          waitUntil: 'domcontentloaded',
        });
        await page.getByTestId('kiosk-bar').waitFor();
        assert((await page.locator('header.topbar').count()) === 0, 'the header is shown in kiosk mode');
        const started = Date.now();
        await waitFor(
          () => page.url().includes('#/alarms?kiosk=1&rotate=fleet,alarms&every=10'),
          `no rotation to the alarms: ${page.url()}`,
          40_000,
          250,
        );
        const took = Date.now() - started;
        assert(took > 5_000, `rotated after ${took} ms, before its 10 s`);
        await page.getByRole('heading', { name: 'Alarms', level: 1 }).waitFor();
        await page.getByRole('button', { name: 'Leave wall mode' }).click();
        await page.locator('header.topbar').waitFor();
        assert(
          !(await page.evaluate(() => document.documentElement.hasAttribute('data-kiosk'))),
          'still dark and large after leaving wall mode',
        );
      },
      { page },
    );

    await test('no page errors or console errors', async () => problems.assertNone(), { always: true });
  } catch (err) {
    fail('setup', err);
  } finally {
    await wall?.close();
    await endSession(session, results);
  }
}

await main();
const { failed } = summary();
process.exit(failed > 0 ? 1 : 0);
