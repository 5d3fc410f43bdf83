#!/usr/bin/env node
/**
 * Browser smoke test: a real Chromium (Debian's, driven by playwright-core) signs in through the login form
 * and sees the fleet tiles filled from the real API.
 *
 *   BASE_URL=http://127.0.0.1:3000 node apps/dashboard/e2e/smoke.e2e.mjs   # against a running instance
 *   node apps/dashboard/e2e/smoke.e2e.mjs                                  # starts apps/api/dist/main.js itself
 *
 * Environment:
 *   BASE_URL        running API that serves the dashboard; when unset the script builds nothing, but starts
 *                   `node apps/api/dist/main.js` on a free port with DEMO=1 and a throw-away DATA_DIR
 *   ADMIN_USER      user to sign in as (default admin)
 *   ADMIN_PASSWORD  its password (default admin-demo-pass, the demo admin's)
 *   EXPECT_SITES    optional: comma-separated site codes that must be listed (e.g. GZ-GA-01,GZ-GY-02),
 *                   or a number: the minimum count of listed sites (default: at least one)
 *   CHROMIUM_PATH   browser binary (default /usr/bin/chromium)
 *   E2E_TIMEOUT_MS  how long to wait for the API and for the fleet rows (default 60000)
 *   ARTIFACTS_DIR   where screenshots and the server log go (default <workspace>/artifacts)
 *
 * Prints one line per test and a final `N passed, N failed` line; exits 1 when anything failed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 60_000);
const ARTIFACTS = path.resolve(process.env.ARTIFACTS_DIR || path.join(ROOT, 'artifacts'));
const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const USER = process.env.ADMIN_USER || 'admin';
const PASSWORD = process.env.ADMIN_PASSWORD || 'admin-demo-pass';
const EXPECT = (process.env.EXPECT_SITES || '').trim();
const EXPECT_COUNT = /^\d+$/.test(EXPECT) ? Math.max(1, Number(EXPECT)) : 1;
const EXPECT_CODES =
  EXPECT && !/^\d+$/.test(EXPECT)
    ? EXPECT.split(',')
        .map((c) => c.trim())
        .filter(Boolean)
    : [];
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const log = (...args) => console.log('[e2e]', ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// Server under test

/** A free TCP port on 127.0.0.1 (listen on 0, read the port, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the built API in demo mode on a free port with a fresh data directory. */
async function startApi() {
  const main = path.join(ROOT, 'apps/api/dist/main.js');
  if (!existsSync(main)) {
    throw new Error(`${path.relative(ROOT, main)} not found: build first (npm run build) or set BASE_URL`);
  }
  if (!existsSync(path.join(ROOT, 'apps/dashboard/dist/index.html'))) {
    log('warning: apps/dashboard/dist/index.html not found; the API may have no dashboard to serve');
  }
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dcfleet-e2e-data-'));
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: '1' };
  // Never touch whatever database or Redis the caller's shell points at: SQLite in DATA_DIR only.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.BASE_URL;
  // The demo admin's credentials are the ones this script signs in with.
  if (process.env.ADMIN_USER) env.ADMIN_USERNAME = process.env.ADMIN_USER;
  else delete env.ADMIN_USERNAME;
  if (!process.env.ADMIN_PASSWORD) delete env.ADMIN_PASSWORD;

  const output = [];
  const child = spawn(process.execPath, [main], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk) => {
    output.push(chunk);
    if (process.env.E2E_VERBOSE) process.stderr.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  exited.then((info) => (exitInfo = info));

  const baseUrl = `http://127.0.0.1:${port}`;
  const server = {
    baseUrl,
    log: () => Buffer.concat(output).toString('utf8'),
    async stop() {
      if (!exitInfo) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
  log(`started API (pid ${child.pid}) on ${baseUrl}, DATA_DIR=${dataDir}`);

  const deadline = Date.now() + TIMEOUT;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exitInfo) {
      await server.stop();
      throw new Error(
        `the API exited before it was ready (code ${exitInfo.code}, signal ${exitInfo.signal}):\n${tail(server.log())}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) {
        log(`API ready after ${Math.round((TIMEOUT - (deadline - Date.now())) / 100) / 10} s`);
        return server;
      }
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code || err.message;
    }
    await sleep(250);
  }
  const text = server.log();
  await server.stop();
  throw new Error(
    `GET /health/ready did not return 200 within ${TIMEOUT} ms (last: ${last}):\n${tail(text)}`,
  );
}

function tail(text, lines = 40) {
  return text.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Tiny test runner: sequential, stops at the first failure (later tests depend on earlier ones).

const results = [];

async function test(name, fn, ctx, { always = false } = {}) {
  if (!always && results.some((r) => r.status === 'failed')) {
    results.push({ name, status: 'skipped' });
    console.log(`skip ${name}`);
    return;
  }
  const started = Date.now();
  try {
    await fn();
    results.push({ name, status: 'passed' });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, status: 'failed', error: err });
    console.log(
      `FAIL ${name} (${Date.now() - started} ms)\n     ${String(err?.stack || err)
        .split('\n')
        .join('\n     ')}`,
    );
    if (ctx?.page) await shot(ctx.page, `failure-${slug(name)}`).catch(() => {});
  }
}

function slug(s) {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

async function shot(page, name) {
  const file = path.join(SCREENSHOTS, `smoke-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot ${path.relative(process.cwd(), file) || file}`);
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  let server = null;
  let context = null;
  let userDataDir = null;
  const stopAll = async () => {
    await context?.close().catch(() => {});
    context = null;
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    userDataDir = null;
    if (server) {
      await writeFile(path.join(ARTIFACTS, 'e2e-server.log'), server.log()).catch(() => {});
      await server.stop();
    }
    server = null;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      stopAll().finally(() => process.exit(130));
    });
  }

  try {
    await mkdir(SCREENSHOTS, { recursive: true });
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
      );
    }
    let baseUrl = process.env.BASE_URL?.replace(/\/+$/, '');
    if (baseUrl) {
      log(`using running instance at ${baseUrl}`);
    } else {
      server = await startApi();
      baseUrl = server.baseUrl;
    }

    userDataDir = await mkdtemp(path.join(tmpdir(), 'dcfleet-e2e-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    const ctx = { page };

    // Every page error and console error is a failure, except the one 401 the wrong-password test provokes.
    const problems = [];
    let expect401 = false;
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location()?.url ?? '';
      if (expect401 && /\b401\b/.test(msg.text()) && (where.includes('/auth/login') || !where)) return;
      problems.push(`console.error: ${msg.text()}${where ? ` (${where})` : ''}`);
    });
    page.on('requestfailed', (req) => {
      const failure = req.failure()?.errorText ?? 'failed';
      if (failure !== 'net::ERR_ABORTED')
        problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`);
    });

    await test(
      'dashboard loads and shows an accessible login form',
      async () => {
        const res = await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
        assert(res && res.ok(), `GET ${baseUrl}/ answered ${res?.status()}`);
        await page.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).waitFor();
        const username = page.getByLabel('Username', { exact: true });
        await username.waitFor();
        await page.getByLabel('Password', { exact: true }).waitFor();
        assert(
          await username.evaluate((el) => el === document.activeElement),
          'the username field has no focus',
        );
        await shot(page, 'login');
      },
      ctx,
    );

    await test(
      'a wrong password shows an error and keeps the user on the login page',
      async () => {
        expect401 = true;
        await page.getByLabel('Username', { exact: true }).fill(USER);
        await page.getByLabel('Password', { exact: true }).fill(`${PASSWORD}-wrong`);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        const alert = page.getByRole('alert');
        await alert.waitFor();
        const text = (await alert.textContent())?.trim();
        assert(
          text && /wrong username or password/i.test(text),
          `unexpected error text: ${JSON.stringify(text)}`,
        );
        assert(page.url().endsWith('#/login'), `URL is ${page.url()}`);
        await shot(page, 'login-error');
        expect401 = false;
      },
      ctx,
    );

    await test(
      `${USER} signs in and the fleet page lists ${EXPECT_CODES.length ? EXPECT_CODES.join(', ') : `at least ${EXPECT_COUNT} site(s)`}`,
      async () => {
        await page.getByLabel('Username', { exact: true }).fill(USER);
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        const fleetHeading = page.getByRole('heading', { name: 'Fleet', level: 1, exact: true });
        const loginError = page.locator('form .error[role="alert"]');
        await fleetHeading.or(loginError).first().waitFor();
        if (await loginError.isVisible()) {
          throw new Error(`sign-in as ${USER} failed: ${(await loginError.textContent())?.trim()}`);
        }
        assert(page.url().endsWith('#/fleet'), `URL after login is ${page.url()}`);
        // One tile per site (the default view); each carries its code and status.
        const rows = page.locator('[data-testid="site-tile"]');
        const tileFor = (code) => page.locator(`[data-testid="site-tile"][data-code="${code}"]`);
        // Demo sites may still be registering right after start: wait, reloading the list now and then.
        const deadline = Date.now() + TIMEOUT;
        let count = 0;
        while (Date.now() < deadline) {
          count = await rows.count();
          const missing = [];
          for (const code of EXPECT_CODES) {
            if ((await tileFor(code).count()) === 0) missing.push(code);
          }
          if (count >= EXPECT_COUNT && missing.length === 0) break;
          await sleep(1000);
          if (
            Date.now() + 1000 < deadline &&
            (await page.getByRole('button', { name: 'Refresh', exact: true }).isEnabled())
          ) {
            await page.getByRole('button', { name: 'Refresh', exact: true }).click();
          }
        }
        assert(count >= EXPECT_COUNT, `expected at least ${EXPECT_COUNT} site tile(s), saw ${count}`);
        for (const code of EXPECT_CODES) {
          const n = await tileFor(code).count();
          assert(n === 1, `site ${code} is not listed`);
        }
        const first = rows.first();
        const header = (await first.locator('.tile-head .code').textContent())?.trim();
        assert(header && /^[A-Z0-9][A-Z0-9-]{1,31}$/.test(header), `first tile has no site code: ${header}`);
        const status = await first.getAttribute('data-status');
        assert(['online', 'stale', 'offline'].includes(status ?? ''), `first tile has status ${status}`);
        const userText = await page.locator('header .user').textContent();
        assert(userText?.includes(USER), `the header does not name the user: ${userText}`);
        log(`fleet lists ${count} site(s); first: ${header} (${status})`);
        await shot(page, 'fleet');
      },
      ctx,
    );

    await test(
      'the session survives a reload',
      async () => {
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
        await page.locator('[data-testid="site-tile"]').first().waitFor();
      },
      ctx,
    );

    await test(
      'logging out returns to the login page and forgets the token',
      async () => {
        await page.getByRole('button', { name: 'Log out', exact: true }).click();
        await page.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).waitFor();
        assert(page.url().endsWith('#/login'), `URL after logout is ${page.url()}`);
        // The session is shared by the browser's tabs (localStorage); signing out removes it.
        const stored = await page.evaluate(
          () => localStorage.getItem('dcfleet.session') ?? sessionStorage.length,
        );
        assert(stored === 0, `a session is still stored: ${String(stored).slice(0, 40)}`);
        await page.goto(`${baseUrl}/#/fleet`);
        await page.getByRole('heading', { name: 'Sign in to dcfleet', exact: true }).waitFor();
        await shot(page, 'logged-out');
      },
      ctx,
    );

    // Runs even after a failure: a page error is often the reason for it.
    await test(
      'no page errors, console errors or failed requests',
      async () => {
        assert(problems.length === 0, `${problems.length} problem(s):\n${problems.join('\n')}`);
      },
      null,
      { always: true },
    );
  } catch (err) {
    // Setup failed (server or browser): report it as a failed test so the summary stays truthful.
    results.push({ name: 'setup', status: 'failed', error: err });
    console.log(
      `FAIL setup\n     ${String(err?.stack || err)
        .split('\n')
        .join('\n     ')}`,
    );
  } finally {
    const failed = results.filter((r) => r.status === 'failed').length;
    if (failed) process.exitCode = 1;
    if (failed && server) console.log(`--- API output (last lines) ---\n${tail(server.log())}\n---`);
    await stopAll();
  }
}

await main();
const passed = results.filter((r) => r.status === 'passed').length;
const failed = results.filter((r) => r.status === 'failed').length;
const skipped = results.filter((r) => r.status === 'skipped').length;
if (skipped) console.log(`${skipped} skipped after the first failure`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
