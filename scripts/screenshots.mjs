#!/usr/bin/env node
/**
 * Takes the README's screenshots (docs/screenshots/*.png) from a running dcfleet — best a demo that has run for a
 * while, so that charts have history and the live feed has filled the sparklines:
 *
 *   npm start &                       # the demo; wait 10+ minutes
 *   BASE_URL=http://127.0.0.1:3000 npm run screenshots
 *
 * Signs in through the login form as the demo admin and regulator (ADMIN_PASSWORD / REGULATOR_PASSWORD override the
 * demo passwords). SITE picks the site page's site (default: the first site with an active alarm, else the first).
 * Needs Debian's chromium (CHROMIUM_PATH to override). OUT_DIR overrides docs/screenshots.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser, log, ROOT, signInWithForm, sleep } from '../apps/dashboard/e2e/support.mjs';

const BASE_URL = process.env.BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  console.error('BASE_URL is required (the running dcfleet, e.g. http://127.0.0.1:3000)');
  process.exit(2);
}
const OUT = path.resolve(process.env.OUT_DIR || path.join(ROOT, 'docs/screenshots'));
const ADMIN = ['admin', process.env.ADMIN_PASSWORD || 'admin-demo-pass'];
const REGULATOR = ['regulator', process.env.REGULATOR_PASSWORD || 'regulator-demo-pass'];

/** Lets charts finish their animation and late requests settle before the picture. */
async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});
  await sleep(1200);
}

async function shot(page, name, options = {}) {
  await settle(page);
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  log(`wrote ${path.relative(ROOT, file)}`);
}

async function pickSite(page) {
  if (process.env.SITE) return process.env.SITE;
  const codes = await page.evaluate(async () => {
    const token = JSON.parse(
      localStorage.getItem('dcfleet.session') ?? sessionStorage.getItem('dcfleet.session') ?? '{}',
    ).accessToken;
    const get = (p) => fetch(p, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
    const alarms = await get('/api/v1/alarms?state=active').catch(() => []);
    const list = Array.isArray(alarms) ? alarms : (alarms.items ?? []);
    const sites = await get('/api/v1/datacenters');
    return {
      alarmed: list.map((a) => a.siteCode ?? a.datacenter).filter(Boolean),
      all: sites.map((s) => s.code),
    };
  });
  return codes.alarmed.find((c) => codes.all.includes(c)) ?? codes.all[0];
}

await mkdir(OUT, { recursive: true });
const wide = await launchBrowser({ width: 1440, height: 900 });
try {
  const page = wide.context.pages()[0] ?? (await wide.context.newPage());
  await signInWithForm(page, BASE_URL, ADMIN);
  const site = await pickSite(page);
  log(`site page: ${site}`);

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`${BASE_URL}/#/fleet`);
  await page.locator('[data-testid="site-tile"]').first().waitFor();
  await shot(page, 'fleet-1280x720');

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${BASE_URL}/#/sites/${site}?range=7d`);
  await page.locator('canvas').first().waitFor();
  await shot(page, 'site', { fullPage: true });

  await page.goto(`${BASE_URL}/#/alarms`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await shot(page, 'alarms');

  await page.goto(`${BASE_URL}/#/admin`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await shot(page, 'admin-tokens');

  await page.goto(`${BASE_URL}/#/fleet`);
  await page.getByTestId('language-switch').selectOption('zh-CN');
  await page.getByRole('heading', { name: '数据中心总览', level: 1 }).waitFor();
  await page.locator('[data-testid="site-tile"]').first().waitFor();
  await shot(page, 'fleet-zh');
  await page.getByTestId('language-switch').selectOption('en');
} finally {
  await wide.close();
}

const reg = await launchBrowser({ width: 1440, height: 900 });
try {
  const page = reg.context.pages()[0] ?? (await reg.context.newPage());
  await signInWithForm(page, BASE_URL, REGULATOR);
  await page.goto(`${BASE_URL}/#/ratings`);
  await page.locator('[data-testid="ratings-table"] tbody tr').first().waitFor({ timeout: 60_000 });
  await shot(page, 'ratings');
  const code = (await page.locator('[data-testid="ratings-table"] tbody tr a').first().textContent())?.trim();
  await page.getByRole('link', { name: 'EU EED report', exact: true }).click();
  await page.locator('[data-testid="eed-table"] tbody tr').first().waitFor({ timeout: 60_000 });
  await shot(page, 'regulator-eed');
  if (code) {
    await page.goto(`${BASE_URL}/#/ratings/${code}`);
    await page.getByTestId('report-pue').waitFor({ timeout: 60_000 });
    await shot(page, 'report', { fullPage: true });
  }
} finally {
  await reg.close();
}

const phone = await launchBrowser({ width: 390, height: 844 }, { isMobile: true, hasTouch: true });
try {
  const page = phone.context.pages()[0] ?? (await phone.context.newPage());
  await signInWithForm(page, BASE_URL, ADMIN);
  await page.locator('[data-testid="site-tile"]').first().waitFor();
  await shot(page, 'phone-fleet');
  await page.goto(`${BASE_URL}/#/alarms`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await shot(page, 'phone-alarms');
} finally {
  await phone.close();
}

// A wall display: a kiosk link issued through the API, opened in a browser that never signed in.
const login = await fetch(`${BASE_URL}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: ADMIN[0], password: ADMIN[1] }),
}).then((r) => r.json());
const kiosk = await fetch(`${BASE_URL}/api/v1/auth/kiosk-sessions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` },
  body: JSON.stringify({ name: 'README screenshot', ttlDays: 1 }),
}).then((r) => r.json());
const wall = await launchBrowser({ width: 1920, height: 1080 });
try {
  const page = wall.context.pages()[0] ?? (await wall.context.newPage());
  await page.goto(`${BASE_URL}/#/fleet?kiosk=1&key=${encodeURIComponent(kiosk.token)}`);
  await page.locator('[data-testid="site-tile"]').first().waitFor({ timeout: 30_000 });
  await shot(page, 'kiosk');
} finally {
  await wall.close();
  await fetch(`${BASE_URL}/api/v1/auth/kiosk-sessions/${kiosk.id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${login.accessToken}` },
  });
}
