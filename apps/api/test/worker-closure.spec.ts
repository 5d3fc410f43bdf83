/**
 * The worker threads load only what their job needs. A decoder or SQLite writer thread that imported a Nest module
 * file (a domain's public door re-exports its services) would pull NestJS, TypeORM and whole domains into every
 * thread: seconds more to start and tens of MB each. Checked on the build (`npm run build`), the code the threads
 * run in production.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MAIN_JS, requireBuiltApi } from './support/api-process';

const DIST = join(MAIN_JS, '..');

/** Every module specifier `file` requires, directly or not (a worker throws outside a thread once loaded: fine). */
function closure(file: string): string[] {
  const script = `
    const Module = require('node:module');
    const seen = new Set();
    const load = Module._load;
    Module._load = function (request) { seen.add(request); return load.apply(this, arguments); };
    try { require(${JSON.stringify(file)}); } catch {}
    process.stdout.write(JSON.stringify([...seen]));`;
  const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`loading ${file} failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as string[];
}

const FRAMEWORK = /^(@nestjs\/|typeorm$|pg$|ioredis$|socket\.io|express$)|\.module$/;

describe('worker threads', () => {
  beforeAll(requireBuiltApi);

  it.each([['ingest/ingest-decode.worker.js'], ['telemetry/sqlite-store.worker.js']])(
    '%s loads no framework, driver of another database or module file',
    (worker) => {
      const loaded = closure(join(DIST, worker));
      expect(loaded.length).toBeGreaterThan(5); // it did load its code
      expect(loaded.filter((m) => FRAMEWORK.test(m))).toEqual([]);
    },
  );

  it('the check can fail: the API entry point loads NestJS', () => {
    expect(closure(join(DIST, 'app.module.js')).filter((m) => FRAMEWORK.test(m))).toContain('@nestjs/common');
  });
});
