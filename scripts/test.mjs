#!/usr/bin/env node
/**
 * `npm test`: every check, one after the other; exits non-zero when any step failed.
 *
 *   build     nx run-many -t build         (all projects, transpiled with swc; Nx caches)
 *   typecheck nx run-many -t typecheck     (tsc --noEmit per project, tests included)
 *   format    prettier --check .           (npm run format fixes it; Markdown is hand-wrapped, not checked)
 *   lint      nx run-many -t lint          (includes module-boundary rules)
 *   jest    jest -c jest.config.cjs        (unit + integration specs of the API and the libs; the API's
 *                                           integration suites use SQLite, and PostgreSQL too when
 *                                           TEST_DATABASE_URL is set; TEST_REDIS_URL enables the Redis ones)
 *   faults  node scripts/faults.mjs --short (fault injection against the built API; prints what held)
 *   vitest  vitest run (dashboard)
 *   e2e     apps/dashboard/e2e/run-all.mjs   (every apps/dashboard/e2e/*.e2e.mjs, real Chromium against the
 *                                           built API; it starts the API itself unless BASE_URL is set)
 *
 * `node scripts/test.mjs jest vitest` runs only the named steps. Without /usr/bin/chromium (or CHROMIUM_PATH)
 * the e2e step is skipped with a message, except under CI, where it must run.
 * Dependency-free on purpose: it must work right after `npm ci` on a fresh clone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const CI = !!process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase());
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

const steps = [
  {
    name: 'build',
    title: 'build (nx run-many -t build)',
    command: NPX,
    args: ['nx', 'run-many', '-t', 'build', '--outputStyle=static'],
    env: NX_ENV,
  },
  {
    // The build only transpiles (scripts/swc-build.mjs); types, including the tests', are checked here.
    name: 'typecheck',
    title: 'typecheck (nx run-many -t typecheck: tsc --noEmit per project, specs included)',
    command: NPX,
    args: ['nx', 'run-many', '-t', 'typecheck', '--outputStyle=static'],
    env: NX_ENV,
  },
  {
    name: 'format',
    title: 'format (prettier --check .)',
    command: NPX,
    args: ['prettier', '--check', '.', '--log-level', 'warn'],
    env: process.env,
  },
  {
    name: 'lint',
    title: 'lint (nx run-many -t lint)',
    command: NPX,
    args: ['nx', 'run-many', '-t', 'lint', '--outputStyle=static'],
    env: NX_ENV,
  },
  {
    name: 'jest',
    title: `jest: unit + integration (SQLite${process.env.TEST_DATABASE_URL ? ' + PostgreSQL' : ''}${
      process.env.TEST_REDIS_URL ? ' + Redis' : ''
    })`,
    command: NPX,
    args: ['jest', '-c', 'jest.config.cjs', '--maxWorkers=2', ...(CI ? ['--ci'] : [])],
  },
  {
    // The fault-injection suite's short form (scripts/faults.mjs): SIGKILLs, outage, disk full, fuzz, brute force,
    // slow loris, disabled socket against the built API; prints its table. `npm run test:faults` is the full form.
    name: 'faults',
    title: 'faults: fault injection, short form (node scripts/faults.mjs --short)',
    command: process.execPath,
    args: ['scripts/faults.mjs', '--short'],
    needs: ['build'],
  },
  {
    name: 'vitest',
    title: 'vitest: dashboard',
    command: NPX,
    args: ['vitest', 'run', '--config', 'apps/dashboard/vite.config.ts'],
  },
  {
    name: 'e2e',
    // Every apps/dashboard/e2e/*.e2e.mjs (smoke first) against one API instance started by the runner.
    title: 'e2e: browser tests (Chromium): apps/dashboard/e2e/*.e2e.mjs',
    command: process.execPath,
    args: ['apps/dashboard/e2e/run-all.mjs'],
    needs: ['build'],
    skip: () =>
      !existsSync(CHROMIUM) && !CI
        ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); CI would fail here`
        : null,
  },
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !steps.some((s) => s.name === w));
if (unknown.length) {
  console.error(`unknown step(s): ${unknown.join(', ')}; steps are ${steps.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? steps.filter((s) => wanted.includes(s.name)) : steps;

let current = null;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    if (current && current.exitCode === null && current.signalCode === null) current.kill(signal);
    else process.exit(130);
  });
}

function run(step) {
  return new Promise((resolve) => {
    current = spawn(step.command, step.args, {
      cwd: ROOT,
      env: { ...process.env, ...step.env },
      stdio: 'inherit',
    });
    current.on('error', (err) => {
      console.error(`cannot run ${step.command}: ${err.message}`);
      resolve(127);
    });
    current.on('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

const bar = (text) => console.log(`\n${'='.repeat(100)}\n== ${text}\n${'='.repeat(100)}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

const results = [];
for (const step of selected) {
  if (interrupted) break;
  const failedNeed = (step.needs ?? []).find((n) =>
    results.some((r) => r.name === n && r.status === 'failed'),
  );
  if (failedNeed) {
    bar(`${step.title}: not run, ${failedNeed} failed`);
    results.push({
      name: step.name,
      title: step.title,
      status: 'failed',
      note: `not run: ${failedNeed} failed`,
    });
    continue;
  }
  const skipReason = step.skip?.();
  if (skipReason) {
    bar(`${step.title}: SKIPPED, ${skipReason}`);
    results.push({ name: step.name, title: step.title, status: 'skipped', note: skipReason });
    continue;
  }
  bar(`${step.title}\n== $ ${[path.basename(step.command), ...step.args].join(' ')}`);
  const started = Date.now();
  const code = await run(step);
  const ms = Date.now() - started;
  results.push({
    name: step.name,
    title: step.title,
    status: code === 0 ? 'passed' : 'failed',
    note: `${code === 0 ? '' : `exit ${code}, `}${seconds(ms)}`,
  });
}

const passed = results.filter((r) => r.status === 'passed').length;
const failedSteps = results.filter((r) => r.status === 'failed').length;
const failed = interrupted ? Math.max(1, failedSteps) : failedSteps;
const skipped = results.filter((r) => r.status === 'skipped');

bar('summary');
for (const r of results) console.log(`${r.status.toUpperCase().padEnd(8)} ${r.title}  (${r.note})`);
if (interrupted) console.log('INTERRUPTED');
for (const s of skipped) console.log(`note: ${s.name} was skipped: ${s.note}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
