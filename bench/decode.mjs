#!/usr/bin/env node
// bench:decode — the ingest decoder thread's work on its own: decodeLineBody (parse, validate, series, hash) over
// bench:ingest's bodies (500 racks × 2 fields × 5 ticks = 5,000 samples per body), in this process, no I/O. Prints
// samples/s and wall and CPU time per body (CPU includes V8's GC threads; it moves less than wall time when the
// machine is busy). BENCH_DECODE_N bodies (default 2,000) after 200 of warm-up; BENCH_API_DIST names another
// build's dist for an A/B. Build first (npm run build). Asserts nothing.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineGenerator } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_API_DIST || join(ROOT, 'apps/api/dist');
const file = join(dist, 'ingest/batch-decode.js');
if (!existsSync(file)) throw new Error(`${file} missing: run \`npm run build\` first`);
const { decodeLineBody } = createRequire(import.meta.url)(file);

const RACKS = 500;
const TICKS = 5;
const N = Number(process.env.BENCH_DECODE_N || 2000);
// Twenty requests of bench:ingest's generator: twenty sites' first ticks.
const gen = lineGenerator({
  sites: 20,
  racks: RACKS,
  ticks: TICKS,
  tickMs: 10_000,
  t0: Date.now() - 6 * 3_600_000,
});
const bodies = Array.from({ length: 20 }, () => gen.next().body);
const limits = { maxSamples: 100_000, now: Date.now(), maxAgeMs: 30 * 86_400_000 };
for (let i = 0; i < 200; i++) decodeLineBody(bodies[i % bodies.length], 'ms', limits);
const cpu0 = process.cpuUsage();
const started = performance.now();
let samples = 0;
for (let i = 0; i < N; i++)
  samples += decodeLineBody(bodies[i % bodies.length], 'ms', limits).decoded.batch.ts.length;
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
console.log(
  `decodeLineBody, ${N} bodies of ${RACKS * TICKS * 2} samples: ${Math.round((samples / ms) * 1000).toLocaleString('en-US')} ` +
    `samples/s; ${(ms / N).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms CPU per body`,
);
