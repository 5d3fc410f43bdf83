/**
 * The fault-injection suite's shared parts (`npm run test:faults`, scripts/faults.mjs): what a scenario records
 * for the table, gateways that post and remember what was acknowledged, and the checks that what was acknowledged
 * is stored whole, the receipt chains verify and the rollups equal the raw samples.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { IngestResponse, LoginResponse } from '@dcfleet/contracts';
import { minuteAggs } from '../../src/telemetry/rollup-check';
import type { RawSample } from '../../src/telemetry/raw-layout';
import { openDirect, rawSamplesDirect } from '../support/db';
import { waitFor } from '../support/wait';

/** `short` in CI (npm test), `full` for `npm run test:faults`. */
export const FULL = process.env.FAULTS_MODE === 'full';
export const ADMIN_PASSWORD = 'faults-admin-password-1';
/** One secret for every life of a scenario, so sessions survive restarts as they would in production. */
export const JWT_SECRET = 'faults-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz';

export interface FaultRow {
  scenario: string;
  database: string;
  tried: string;
  held: string;
  ok: boolean;
}

/** Appends a row to the report the runner prints (FAULTS_REPORT, one JSON object per line). */
export function record(row: FaultRow): void {
  const file = process.env.FAULTS_REPORT;
  if (file) appendFileSync(file, JSON.stringify(row) + '\n');
}

export const SEC = 1000;
export const MIN = 60 * SEC;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function login(url: string, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as LoginResponse).accessToken;
}

export async function call(url: string, path: string, token: string, method = 'GET', json?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : ((await res.json()) as unknown);
}

/** Creates sites with one ingest token each; returns code → token. */
export async function createSites(url: string, codes: string[]): Promise<Map<string, string>> {
  const admin = await login(url);
  const out = new Map<string, string>();
  for (const code of codes) {
    await call(url, '/api/v1/datacenters', admin, 'POST', { code, name: `Site ${code}` });
    const t = (await call(url, `/api/v1/datacenters/${code}/tokens`, admin, 'POST', { name: 'faults' })) as {
      token: string;
    };
    out.set(code, t.token);
  }
  return out;
}

/** One batch: samples k = first … first + size − 1 of a site's it_power_kw, one a second from `t0`. */
export interface Batch {
  site: string;
  first: number;
  size: number;
}

/** Values end in .25 so sums are exact in binary. */
export const valueOf = (k: number) => 500 + ((k * 37) % 1000) + 0.25;

/**
 * A gateway posting consecutive batches of its site until stopped, as fast as answers come back. What was
 * acknowledged (200) and what was in flight or refused is remembered, with every status seen.
 */
export class Gateway {
  readonly acked: Batch[] = [];
  /** Sent but not acknowledged: may be stored, but only whole. */
  readonly unsure: Batch[] = [];
  readonly statuses = new Map<number, number>();
  retryAfterMissing = 0;
  next = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    readonly site: string,
    private readonly token: string,
    readonly t0: number,
    private readonly size = 200,
  ) {}

  start(url: string): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const batch: Batch = { site: this.site, first: this.next, size: this.size };
        const body = JSON.stringify({
          samples: Array.from({ length: batch.size }, (_, i) => ({
            metric: 'it_power_kw',
            ts: this.t0 + (batch.first + i) * SEC,
            value: valueOf(batch.first + i),
          })),
        });
        let status = 0;
        try {
          const res = await fetch(`${url}/api/v1/ingest`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
            body,
          });
          status = res.status;
          if ((status === 503 || status === 429) && !res.headers.get('retry-after')) this.retryAfterMissing++;
          if (status === 200) {
            const r = (await res.json()) as IngestResponse;
            if (r.accepted !== batch.size) throw new Error(`accepted ${r.accepted} of ${batch.size}`);
          } else await res.arrayBuffer();
        } catch {
          status = 0; // connection refused or reset: the process died or is not up yet
        }
        this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
        if (status === 200) this.acked.push(batch);
        else this.unsure.push(batch);
        // A refused batch is retried as the next one: new samples each time, so every batch is told apart.
        this.next += batch.size;
        if (status !== 200) await sleep(status === 0 ? 100 : 50);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }
}

export function statusSummary(gateways: Gateway[]): string {
  const all = new Map<number, number>();
  for (const g of gateways) for (const [s, n] of g.statuses) all.set(s, (all.get(s) ?? 0) + n);
  return [...all]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${n}×${s === 0 ? 'conn-error' : s}`)
    .join(' ');
}

export interface StoreCheck {
  ackedSamples: number;
  missing: number;
  wrongValue: number;
  halfStored: number;
  pendingLeft: number;
  rollupMismatches: number;
  chainsValid: boolean;
}

/**
 * Everything acknowledged is stored with its value; every unacknowledged batch is whole or absent; no receipt is
 * left pending (waits up to 30 s for the rollups to catch up); every 1-minute rollup equals its raw samples; each
 * site's receipt chain verifies through the API.
 */
export async function checkStore(url: string, databaseUrl: string, gateways: Gateway[]): Promise<StoreCheck> {
  const db = await openDirect(databaseUrl);
  let pendingLeft = 0;
  try {
    // What is still pending after 30 s is reported in pendingLeft, not thrown.
    await waitFor(
      'every receipt folded into the rollups',
      async () => {
        const [r] = await db.query<{ n: number | string }>(
          'SELECT COUNT(*) AS n FROM receipts WHERE NOT rolled_up',
        );
        pendingLeft = Number(r!.n);
        return pendingLeft === 0;
      },
      30_000,
    ).catch(() => undefined);
  } finally {
    await db.close();
  }
  const samples = await rawSamplesDirect(databaseUrl);
  const siteIds = await siteIdsOf(databaseUrl);
  const stored = new Map<string, number>();
  for (const s of samples) stored.set(`${s.siteId}:${s.ts}`, s.value);
  const out: StoreCheck = {
    ackedSamples: 0,
    missing: 0,
    wrongValue: 0,
    halfStored: 0,
    pendingLeft,
    rollupMismatches: 0,
    chainsValid: true,
  };
  for (const g of gateways) {
    const site = siteIds.get(g.site)!;
    const present = (k: number) => stored.get(`${site}:${g.t0 + k * SEC}`);
    for (const b of g.acked) {
      for (let k = b.first; k < b.first + b.size; k++) {
        out.ackedSamples++;
        const v = present(k);
        if (v === undefined) out.missing++;
        else if (v !== valueOf(k)) out.wrongValue++;
      }
    }
    for (const b of g.unsure) {
      let n = 0;
      for (let k = b.first; k < b.first + b.size; k++) if (present(k) !== undefined) n++;
      if (n !== 0 && n !== b.size) out.halfStored++;
    }
  }
  out.rollupMismatches = await rollupMismatches(databaseUrl, samples);
  const admin = await login(url);
  for (const g of gateways) {
    const v = (await call(url, `/api/v1/datacenters/${g.site}/receipts/verify`, admin)) as { valid: boolean };
    if (!v.valid) out.chainsValid = false;
  }
  return out;
}

async function siteIdsOf(databaseUrl: string): Promise<Map<string, number>> {
  const db = await openDirect(databaseUrl);
  try {
    const rows = await db.query<{ id: number | string; code: string }>('SELECT id, code FROM sites');
    return new Map(rows.map((r) => [r.code, Number(r.id)]));
  } finally {
    await db.close();
  }
}

/** 1-minute buckets whose stored count, sum, min or max differ from the raw samples (or exist on one side only). */
async function rollupMismatches(databaseUrl: string, samples: readonly RawSample[]): Promise<number> {
  const expected = minuteAggs(samples);
  const db = await openDirect(databaseUrl);
  try {
    const rows = await db.query<{
      series_id: number | string;
      bucket: number | string;
      count: number | string;
      sum: number;
      min: number;
      max: number;
    }>('SELECT series_id, bucket, count, sum, min, max FROM rollup_1m');
    let bad = 0;
    const seen = new Set<string>();
    for (const r of rows) {
      const key = `${Number(r.series_id)}:${Number(r.bucket)}`;
      seen.add(key);
      const e = expected.get(key);
      if (
        !e ||
        e.count !== Number(r.count) ||
        e.sum !== Number(r.sum) ||
        e.min !== Number(r.min) ||
        e.max !== Number(r.max)
      )
        bad++;
    }
    for (const key of expected.keys()) if (!seen.has(key)) bad++;
    return bad;
  } finally {
    await db.close();
  }
}

/** "held" text and verdict of a store check. */
export function heldOf(c: StoreCheck): { held: string; ok: boolean } {
  const ok =
    c.missing === 0 &&
    c.wrongValue === 0 &&
    c.halfStored === 0 &&
    c.pendingLeft === 0 &&
    c.rollupMismatches === 0 &&
    c.chainsValid;
  return {
    ok,
    held:
      `${c.ackedSamples} acked samples: ${c.missing} missing, ${c.wrongValue} wrong; ${c.halfStored} half-stored batches; ` +
      `chains ${c.chainsValid ? 'valid' : 'BROKEN'}; rollups ${c.rollupMismatches === 0 ? '= raw' : `${c.rollupMismatches} buckets differ`}` +
      (c.pendingLeft ? `; ${c.pendingLeft} receipts still pending` : ''),
  };
}

/** Resident and peak memory of a process (Linux /proc), in MB. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}
