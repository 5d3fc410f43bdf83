#!/usr/bin/env node
/**
 * `npm run test:faults` — the fault-injection suite (apps/api/test/faults/*.faults.ts) against the built API:
 * SIGKILLs during ingest, a PostgreSQL outage, SQLite disk full, fuzzed bodies, parallel brute force, slow-loris
 * uploads, a disabled user's socket. Prints a table of what was tried and what held; exits non-zero when anything
 * did not hold.
 *
 *   node scripts/faults.mjs           full form (30 kills per database, 3,000 fuzzed bodies, 10 s outage)
 *   node scripts/faults.mjs --short   the form `npm test` runs in CI (10 kills, 1,000 bodies, 4 s outage)
 *
 * PostgreSQL scenarios run when TEST_DATABASE_URL is set (REQUIRE_POSTGRES=1 makes it mandatory); the disk-full
 * scenario needs root (it mounts a small tmpfs). Build first (npm run build): the suite runs apps/api/dist.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const short = process.argv.includes('--short');
const dir = mkdtempSync(path.join(tmpdir(), 'dcfleet-faults-'));
const report = path.join(dir, 'report.jsonl');

const jest = spawnSync(
  process.platform === 'win32' ? 'npx.cmd' : 'npx',
  [
    'jest',
    '-c',
    'apps/api/jest.faults.cjs',
    '--maxWorkers=1',
    '--ci',
    ...process.argv.slice(2).filter((a) => a !== '--short'),
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, FAULTS_MODE: short ? 'short' : 'full', FAULTS_REPORT: report },
  },
);

const rows = existsSync(report)
  ? readFileSync(report, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
rmSync(dir, { recursive: true, force: true });

const wrap = (text, width) => {
  const out = [];
  let line = '';
  for (const word of String(text).split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
};
const columns = [
  ['scenario', 22],
  ['database', 8],
  ['tried', 48],
  ['held', 62],
  ['ok', 4],
];
const rule = '+' + columns.map(([, w]) => '-'.repeat(w + 2)).join('+') + '+';
const print = (cells) => {
  const wrapped = cells.map((c, i) => wrap(c, columns[i][1]));
  const height = Math.max(...wrapped.map((w) => w.length));
  for (let l = 0; l < height; l++)
    console.log('| ' + wrapped.map((w, i) => (w[l] ?? '').padEnd(columns[i][1])).join(' | ') + ' |');
};
console.log(`\nFault injection (${short ? 'short' : 'full'} form): what was tried and what held\n`);
console.log(rule);
print(columns.map(([name]) => name));
console.log(rule);
for (const r of rows) {
  print([r.scenario, r.database, r.tried, r.held, r.ok ? 'yes' : 'NO']);
  console.log(rule);
}
const failed = rows.filter((r) => !r.ok).length;
console.log(`\n${rows.length} scenario(s), ${failed} did not hold; jest exit code ${jest.status}\n`);
process.exit(jest.status !== 0 || failed || rows.length === 0 ? 1 : 0);
