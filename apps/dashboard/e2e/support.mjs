/**
 * Shared plumbing of the dashboard's browser e2e files (dashboard.e2e.mjs): start the built API on a throw-away
 * data directory (unless BASE_URL is set), launch Debian's Chromium through playwright-core (never a downloaded
 * browser), a tiny sequential test runner with screenshots, and API helpers. smoke.e2e.mjs predates this file
 * and stays self-contained.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 60_000);
export const ARTIFACTS = path.resolve(process.env.ARTIFACTS_DIR || path.join(ROOT, 'artifacts'));
export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const log = (...args) => console.log('[e2e]', ...args);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function tail(text, lines = 40) {
  return text.split('\n').slice(-lines).join('\n');
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls `fn` until it returns a truthy value or the time is up; returns the value or throws `message`. */
export async function waitFor(fn, message, timeoutMs = 10_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`${message} (waited ${timeoutMs} ms)`);
}

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

/** Starts apps/api/dist/main.js in demo mode on a free port with a fresh SQLite data directory. */
export async function startApi() {
  const main = path.join(ROOT, 'apps/api/dist/main.js');
  if (!existsSync(main)) {
    throw new Error(`${path.relative(ROOT, main)} not found: build first (npm run build) or set BASE_URL`);
  }
  if (!existsSync(path.join(ROOT, 'apps/dashboard/dist/index.html'))) {
    throw new Error(
      'apps/dashboard/dist/index.html not found: build the dashboard first (npx vite build --config apps/dashboard/vite.config.ts)',
    );
  }
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dcfleet-e2e-data-'));
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: '1' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.BASE_URL;
  delete env.ADMIN_USERNAME;
  delete env.ADMIN_PASSWORD;

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
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
  log(`started API (pid ${child.pid}) on ${baseUrl}, DATA_DIR=${dataDir}`);
  const started = Date.now();
  let last = 'no answer yet';
  while (Date.now() - started < TIMEOUT) {
    if (exitInfo) {
      await server.stop();
      throw new Error(`the API exited before it was ready (code ${exitInfo.code}):\n${tail(server.log())}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) {
        log(`API ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
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

/**
 * A persistent Chromium context on a fresh profile directory; `options` adds context options (a phone's
 * `isMobile`, `hasTouch`, `deviceScaleFactor`).
 */
export async function launchBrowser(viewport = { width: 1280, height: 800 }, options = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  }
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'dcfleet-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    acceptDownloads: true,
    locale: 'en-US',
    ...options,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** Sequential runner: later tests are skipped after a failure unless marked `always`. */
export function createRunner(prefix) {
  const results = [];
  function slug(s) {
    return s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60);
  }
  async function shot(page, name) {
    await mkdir(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${prefix}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    log(`screenshot ${path.relative(process.cwd(), file) || file}`);
  }
  async function test(name, fn, { page = null, always = false } = {}) {
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
      if (page) await shot(page, `failure-${slug(name)}`).catch(() => {});
    }
  }
  function fail(name, err) {
    results.push({ name, status: 'failed', error: err });
    console.log(
      `FAIL ${name}\n     ${String(err?.stack || err)
        .split('\n')
        .join('\n     ')}`,
    );
  }
  function summary() {
    const passed = results.filter((r) => r.status === 'passed').length;
    const failed = results.filter((r) => r.status === 'failed').length;
    const skipped = results.filter((r) => r.status === 'skipped').length;
    if (skipped) console.log(`${skipped} skipped after the first failure`);
    console.log(`${passed} passed, ${failed} failed`);
    return { passed, failed, skipped };
  }
  return { test, shot, fail, summary, results };
}

/** JSON API calls from Node (the test's own client, not the browser's). */
export function apiClient(baseUrl) {
  async function call(method, p, { token, body, headers = {} } = {}) {
    const res = await fetch(baseUrl + p, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 300)}`);
    return json;
  }
  return {
    call,
    async login(username, password) {
      const r = await call('POST', '/api/v1/auth/login', { body: { username, password } });
      return r.accessToken;
    },
  };
}

export async function saveServerLog(server, name) {
  if (!server) return;
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(path.join(ARTIFACTS, name), server.log()).catch(() => {});
}

/**
 * The API of an e2e file — BASE_URL's, or one started here — and, once launched, its browser. `stop()` closes both
 * and keeps the server's log as `e2e-<name>-server.log`; SIGINT and SIGTERM stop them too.
 */
export async function openSession(name) {
  let server = null;
  let browser = null;
  const stop = async () => {
    await browser?.close();
    browser = null;
    if (server) {
      await saveServerLog(server, `e2e-${name}-server.log`);
      await server.stop();
    }
    server = null;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => stop().finally(() => process.exit(130)));
  }
  let baseUrl = process.env.BASE_URL?.replace(/\/+$/, '');
  if (baseUrl) log(`using running instance at ${baseUrl}`);
  else {
    server = await startApi();
    baseUrl = server.baseUrl;
  }
  return {
    baseUrl,
    /** The server started here (null with BASE_URL). */
    get server() {
      return server;
    },
    launch: async (viewport, options) => (browser = await launchBrowser(viewport, options)),
    stop,
  };
}

/** Signs in through the dashboard's login form as `[username, password]` and waits for the fleet page. */
export async function signInWithForm(page, baseUrl, [user, pass]) {
  await page.goto(`${baseUrl}/#/login`, { waitUntil: 'domcontentloaded' });
  await page.getByLabel('Username', { exact: true }).fill(user);
  await page.getByLabel('Password', { exact: true }).fill(pass);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Fleet', level: 1, exact: true }).waitFor();
}

/** The end of an e2e file: after a failure, the last lines of the API started here; then the session stops. */
export async function endSession(session, results) {
  const failed = results.some((r) => r.status === 'failed');
  if (failed && session?.server)
    console.log(`--- API output (last lines) ---\n${tail(session.server.log())}\n---`);
  await session?.stop();
}

/** Collects a page's uncaught errors and console errors; `assertNone()` fails listing them (a file's last test). */
export function watchProblems(page) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  return {
    problems,
    assertNone: () => assert(problems.length === 0, `browser problems:\n  ${problems.join('\n  ')}`),
  };
}
