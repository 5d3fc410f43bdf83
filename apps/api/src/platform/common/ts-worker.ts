import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

// `npm start` sets the main isolate's young generation (--max-semi-space-size, scripts/start.mjs). V8 reads
// that process-wide flag for every isolate it creates and then ignores a worker's own resourceLimits, so each
// worker thread grew a 64 MB new space too (measured: 3 × 67 MB of RSS at full ingest). The main isolate already
// exists when this module loads; clearing the flag (0 = unset) lets each worker's limit below apply. V8 reads it
// only when an isolate's heap is set up, so nothing else changes.
setFlagsFromString('--max-semi-space-size=0');

/**
 * Runs the compiled worker in production; from TypeScript sources (tests), compiles them on the fly with
 * @swc/core, mapping the workspace libs to their sources exactly like the Jest config does.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const boot = workerData.__boot;
if (boot.file.endsWith('.ts')) {
  const fs = require('node:fs');
  const Module = require('node:module');
  const swc = require('@swc/core');
  const options = require(boot.swcOptions);
  const libs = boot.libs;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (libs[request]) return libs[request];
    return resolve.call(this, request, ...rest);
  };
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { filename, ...options });
    module._compile(code, filename);
  };
}
require(boot.file);
`;

interface Boot {
  file: string;
  libs: Record<string, string>;
  swcOptions?: string;
}

function bootOf(dir: string, name: string): Boot {
  const js = join(dir, `${name}.js`);
  if (existsSync(js)) return { file: js, libs: {} };
  const root = resolve(__dirname, '../../../../..');
  const libs = Object.fromEntries(
    ['contracts', 'green-metrics', 'line-protocol'].map((l) => [
      `@dcfleet/${l}`,
      join(root, 'libs', l, 'src', 'index.ts'),
    ]),
  );
  // The workspace's one swc transform (the one Jest and the build use).
  return { file: join(dir, `${name}.ts`), libs, swcOptions: join(root, 'swc.options.cjs') };
}

/** Starts `dir/name.js` (built) or `dir/name.ts` (sources, under Jest) as a worker thread with `data`. */
export function startWorker(
  dir: string,
  name: string,
  data: Record<string, unknown>,
  limits?: { youngMb: number; oldMb: number },
): Worker {
  return new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { ...data, __boot: bootOf(dir, name) },
    // The process-wide --max-semi-space-size suits the main thread's per-sample garbage; a worker states its own.
    // Without an old-generation limit V8 sizes a worker's heap by the machine's memory and lets promoted garbage
    // pile up to hundreds of MB per thread; a limit makes it collect sooner (measured: RSS, not throughput, moves).
    ...(limits
      ? { resourceLimits: { maxYoungGenerationSizeMb: limits.youngMb, maxOldGenerationSizeMb: limits.oldMb } }
      : {}),
  });
}
