#!/usr/bin/env node
/**
 * `npm start`: build everything (Nx caches, so a second start rebuilds nothing), then run the API, which also
 * serves the dashboard. DEMO defaults to 1 (demo fleet and demo users); `DEMO=0 npm start` starts an empty
 * production instance (ADMIN_PASSWORD required). SKIP_BUILD=1 skips the build step.
 * Dependency-free on purpose: it must work right after `npm ci` on a fresh clone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(ROOT, 'apps/api/dist/main.js');
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let child = null;
let stopping = null;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopping = signal;
    // The API runs in its own process group (see below), so this forwarded signal is the only one it gets.
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

// A detached child would outlive us if this script died some other way: take it down with us.
process.on('exit', () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

/**
 * Runs a command with inherited output; resolves with its exit code (128+n for a signal).
 * `own` starts it in its own process group: a terminal Ctrl-C then reaches it once, through our forwarding,
 * instead of twice (directly and forwarded), which would cut its graceful shutdown short.
 */
function run(command, args, env, own = false) {
  return new Promise((resolve) => {
    child = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: own ? ['ignore', 'inherit', 'inherit'] : 'inherit',
      detached: own,
    });
    child.on('error', (err) => {
      console.error(`[start] cannot run ${command}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      child = null;
      resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  });
}

const env = { ...process.env };
// glibc raises its mmap threshold (up to 32 MB) whenever a large mmapped buffer is freed, so the API's big
// short-lived buffers (rollup flushes, request bodies, tens of MB a second at full ingest) then come from heap arenas
// that stay resident after they are freed. A fixed threshold gives them back at once (bench:ingest: peak RSS ~50 MB
// lower, same samples/s; CHANGELOG). Deployments should set it too; an explicit value is kept.
env.MALLOC_MMAP_THRESHOLD_ ??= '262144';
if (env.DEMO === undefined || env.DEMO === '') env.DEMO = '1';
// The demo turns the built-in MQTT listener on (some demo sites publish there); 1884, as 1883 is often a local
// broker's. MQTT_PORT= (empty) turns it off.
if (env.DEMO !== '0' && env.MQTT_PORT === undefined) env.MQTT_PORT = '1884';

if (env.SKIP_BUILD === '1') {
  console.log('[start] SKIP_BUILD=1: not building');
} else {
  console.log('[start] building (nx run-many -t build; cached results are reused)');
  const code = await run(NPX, ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], {
    ...env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
  });
  if (stopping) process.exit(code);
  if (code !== 0) {
    console.error(`[start] the build failed (exit ${code}); not starting the API`);
    process.exit(code);
  }
}

if (!existsSync(MAIN)) {
  console.error(
    `[start] ${path.relative(ROOT, MAIN)} does not exist; run \`npm run build\` and check its output`,
  );
  process.exit(1);
}

// A small young generation: parsing moved to the decoder thread and rollup partials are packed rows, so the main
// thread's garbage no longer needs a large one, and every MB of it stays resident. Measured (bench:ingest, one
// sitting, 8 vs 32 MB): the same samples/s on SQLite and PostgreSQL, idle RSS 169 → 146 MB (SQLite) and 152 → 125 MB
// (PostgreSQL), peak RSS 611–637 → 481–510 MB and 648 → 480 MB (README, "Benchmark"). Deployments should pass the
// same flag.
const NODE_FLAGS = ['--max-semi-space-size=8'];
console.log(
  `[start] starting the API: node ${[...NODE_FLAGS, path.relative(ROOT, MAIN)].join(' ')} (DEMO=${env.DEMO})`,
);
const code = await run(process.execPath, [...NODE_FLAGS, MAIN], env, true);
process.exit(code);
