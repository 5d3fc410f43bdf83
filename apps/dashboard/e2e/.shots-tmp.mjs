import { chromium } from 'playwright-core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
const BASE = process.env.BASE_URL || 'http://127.0.0.1:3777';
const USER = process.env.U || 'admin';
const PASS = process.env.P || 'admin-demo-pass';
const pages = (process.env.PAGES || '#/fleet').split(',');
const W = Number(process.env.W || 1280), H = Number(process.env.H || 800);
const dir = await mkdtemp(path.join(tmpdir(), 'shots-'));
const ctx = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'], viewport: { width: W, height: H }, colorScheme: process.env.DARK ? 'dark' : 'light' });
const page = ctx.pages()[0] ?? await ctx.newPage();
page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') console.log('console.' + m.type(), m.text(), m.location()?.url); });
page.on('pageerror', e => console.log('pageerror', e.message));
await page.goto(BASE + '/#/login');
if (process.env.LANG_ZH) await page.evaluate(() => localStorage.setItem('dcfleet.lang', 'zh-CN'));
await page.reload();
await page.getByLabel(/Username|用户名/).fill(USER);
await page.getByLabel(/Password|密码/).fill(PASS);
await page.locator('button[type=submit]').click();
await page.waitForSelector('main h1');
for (const p of pages) {
  await page.goto(BASE + '/' + p);
  await page.waitForTimeout(Number(process.env.WAIT || 2500));
  const name = p.replace(/[^a-z0-9]+/gi, '_');
  await page.screenshot({ path: `/tmp/shots/${name}${process.env.SUFFIX || ''}.png`, fullPage: !process.env.NOFULL });
  console.log('shot', name);
}
await ctx.close();
