#!/usr/bin/env node
/**
 * Runs every browser e2e file of the dashboard (apps/dashboard/e2e/*.e2e.mjs) one after the other against ONE
 * API instance: the built API started here in demo mode on a throw-away data directory, or BASE_URL when set.
 * Each file still runs on its own too (it then starts its own API).
 *
 *   node apps/dashboard/e2e/run-all.mjs            # what `npm test`'s e2e step runs
 *   node apps/dashboard/e2e/run-all.mjs smoke      # only files whose name contains "smoke"
 *
 * Prints each file's output, then one line per file and a final `N passed, N failed` line (tests summed over
 * the files); exits 1 when any file failed.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, saveServerLog, startApi } from './support.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(HERE)
  .filter((f) => f.endsWith('.e2e.mjs'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  // The smoke test first: when it fails, the rest will too.
  .sort((a, b) => (a.startsWith('smoke') ? -1 : b.startsWith('smoke') ? 1 : a.localeCompare(b)));

function run(file, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(HERE, file)], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('exit', (code, signal) => {
      const m = /(\d+) passed, (\d+) failed\s*$/.exec(out.trim());
      resolve({
        file,
        code: code ?? (signal ? 128 : 1),
        passed: m ? Number(m[1]) : 0,
        failed: m ? Number(m[2]) : 1,
      });
    });
  });
}

let server = null;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
  });
}

const results = [];
try {
  let baseUrl = process.env.BASE_URL;
  if (!baseUrl) {
    server = await startApi();
    baseUrl = server.baseUrl;
  }
  for (const file of files) {
    if (interrupted) break;
    const started = Date.now();
    console.log(`\n--- ${file} (BASE_URL=${baseUrl}) ---`);
    const r = await run(file, { ...process.env, BASE_URL: baseUrl });
    results.push({ ...r, ms: Date.now() - started });
  }
} catch (err) {
  console.log(`FAIL setup\n     ${String(err?.stack || err)}`);
  results.push({ file: 'setup', code: 1, passed: 0, failed: 1, ms: 0 });
} finally {
  if (server) {
    await saveServerLog(server, 'e2e-server.log');
    await server.stop();
  }
}

console.log('\n--- e2e summary ---');
for (const r of results) {
  log(
    `${r.code === 0 ? 'PASS' : 'FAIL'} ${r.file}: ${r.passed} passed, ${r.failed} failed (${(r.ms / 1000).toFixed(1)} s)`,
  );
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0) + (interrupted ? 1 : 0);
const anyFailed = failed > 0 || results.some((r) => r.code !== 0) || results.length === 0;
console.log(`${passed} passed, ${anyFailed ? Math.max(1, failed) : 0} failed`);
process.exit(anyFailed ? 1 : 0);
