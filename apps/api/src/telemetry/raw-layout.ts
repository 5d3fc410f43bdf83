import {
  decodeBatchPayload,
  decodeChunk,
  encodeChunk,
  mergeChunk,
  type BatchColumns,
  type VersionedSample,
} from './raw-codec';

/**
 * Raw storage, the part both dialects share (docs/architecture.md, "Raw storage"). Two levels:
 *
 * - `raw_batches`: one row per committed ingest batch (its receipt), the samples in one deflated payload. This is
 *   what the ingest transaction writes — one row instead of one B-tree entry per sample — so a 200 still means
 *   committed, exactly as before.
 * - `raw_chunks`: one row per (series, hour window), written by the compactor from batches whose window has
 *   closed (the site's newest data is a grace period past it). Late data for a closed window is merged into its
 *   chunk, which is rewritten (read, merge, replace); the chunk key is (window_start, series_id), so retention
 *   removes whole windows and PostgreSQL drops whole partitions.
 *
 * Last write wins by the per-site receipt sequence, which the site's chain lock makes commit-ordered: every
 * sample carries the sequence of the batch that wrote it (run-length encoded in chunks), and of two samples for
 * one (series, ts) the higher sequence is the stored value — wherever each of them is.
 */
export const RAW_WINDOW_MS = 3_600_000;

/** How far past a window's end a site's newest data must be before the window is compacted. */
export const COMPACT_GRACE_MS = 10 * 60_000;

export function windowOf(ts: number): number {
  return ts - (((ts % RAW_WINDOW_MS) + RAW_WINDOW_MS) % RAW_WINDOW_MS);
}

export interface BatchRow {
  receiptId: number;
  siteId: number;
  seq: number;
  minTs: number;
  maxTs: number;
  /** Samples below this time are already in chunks (a batch straddling a compacted window edge). */
  doneBelow: number;
  payload: Uint8Array;
}

/** A `raw_batches` row as both drivers return it. */
export interface BatchDbRow {
  receipt_id: number;
  site_id: number;
  seq: number;
  min_ts: number;
  max_ts: number;
  done_below: number;
  payload: Uint8Array;
}

export const BATCH_COLS = 'receipt_id, site_id, seq, min_ts, max_ts, done_below, payload';

export function batchRow(r: BatchDbRow): BatchRow {
  return {
    receiptId: r.receipt_id,
    siteId: r.site_id,
    seq: r.seq,
    minTs: r.min_ts,
    maxTs: r.max_ts,
    doneBelow: r.done_below,
    payload: r.payload,
  };
}

export interface ChunkRow {
  windowStart: number;
  seriesId: number;
  payload: Uint8Array;
}

/** A `raw_chunks` row as both drivers return it. */
export interface ChunkDbRow {
  window_start: number;
  series_id: number;
  payload: Uint8Array;
}

export function chunkRow(r: ChunkDbRow): ChunkRow {
  return { windowStart: r.window_start, seriesId: r.series_id, payload: r.payload };
}

export interface RawSample {
  seriesId: number;
  ts: number;
  value: number;
  seq: number;
}

/** The windows a time range [from, to) touches. */
export function windowsIn(from: number, to: number): number[] {
  const out: number[] = [];
  for (let w = windowOf(from); w < to; w += RAW_WINDOW_MS) out.push(w);
  return out;
}

/**
 * Resolves stored raw samples that `want` selects: chunks, then batches, then (during an upgrade) rows of the
 * previous one-row-per-sample table, each sample kept only if no higher sequence wrote its (series, ts).
 * Sorted by series, then ts.
 */
export function resolveRaw(
  want: (seriesId: number, ts: number) => boolean,
  chunks: readonly ChunkRow[],
  batches: readonly BatchRow[],
  legacy: readonly RawSample[] = [],
): RawSample[] {
  const best = new Map<number, Map<number, RawSample>>();
  const offer = (s: RawSample) => {
    if (!want(s.seriesId, s.ts)) return;
    let m = best.get(s.seriesId);
    if (!m) best.set(s.seriesId, (m = new Map()));
    const cur = m.get(s.ts);
    if (!cur || s.seq >= cur.seq) m.set(s.ts, s);
  };
  for (const s of legacy) offer(s);
  for (const c of chunks) {
    const d = decodeChunk(c.payload);
    for (let i = 0; i < d.ts.length; i++)
      offer({ seriesId: c.seriesId, ts: d.ts[i]!, value: d.values[i]!, seq: d.seqs[i]! });
  }
  for (const b of batches) forEachBatchSample(b, (s) => offer(s));
  const out: RawSample[] = [];
  for (const id of [...best.keys()].sort((a, b) => a - b)) {
    // A loop, not push(...list): spreading a long series (> ~100 k samples) overflows the call stack.
    for (const s of [...best.get(id)!.values()].sort((a, b) => a.ts - b.ts)) out.push(s);
  }
  return out;
}

/** Every not-yet-compacted sample of a batch row. */
export function forEachBatchSample(
  b: BatchRow,
  fn: (s: RawSample, cols: BatchColumns, i: number) => void,
): void {
  const cols = decodeBatchPayload(b.payload);
  for (let i = 0; i < cols.ts.length; i++) {
    const ts = cols.ts[i]!;
    if (ts < b.doneBelow) continue;
    fn({ seriesId: cols.seriesIds[i]!, ts, value: cols.values[i]!, seq: b.seq }, cols, i);
  }
}

/** What one compaction pass over some batch rows does, up to `horizon` (a window start). */
export interface CompactionPlan {
  /** Samples per (window, series), in key order (the chunks' primary key). */
  groups: ChunkGroup[];
  /** Batches wholly below the horizon: their rows go. */
  drop: number[];
  /** Batches straddling the horizon: their rows stay with doneBelow = horizon. */
  advance: number[];
  samples: number;
}

/**
 * Chunk groups keyed by window, then series: numeric maps (a string key per sample cost more than the rest of
 * the grouping), handed out in the chunks' key order, which is also the order their B-tree takes inserts best.
 */
class ChunkGrouper {
  private readonly windows = new Map<number, Map<number, ChunkGroup>>();
  private window = NaN;
  private series: Map<number, ChunkGroup> | undefined;

  group(ts: number, seriesId: number): ChunkGroup {
    // Samples come in runs of one window: look the window up only when it changes.
    if (!(ts >= this.window && ts < this.window + RAW_WINDOW_MS)) {
      this.window = windowOf(ts);
      this.series = this.windows.get(this.window);
      if (!this.series) this.windows.set(this.window, (this.series = new Map()));
    }
    let g = this.series!.get(seriesId);
    if (!g) this.series!.set(seriesId, (g = { windowStart: this.window, seriesId, samples: [] }));
    return g;
  }

  groups(): ChunkGroup[] {
    const out: ChunkGroup[] = [];
    for (const w of [...this.windows.keys()].sort((a, b) => a - b)) {
      const series = this.windows.get(w)!;
      for (const id of [...series.keys()].sort((a, b) => a - b)) out.push(series.get(id)!);
    }
    return out;
  }
}

export function planCompaction(batches: readonly BatchRow[], horizon: number): CompactionPlan {
  const grouper = new ChunkGrouper();
  const plan: CompactionPlan = { groups: [], drop: [], advance: [], samples: 0 };
  for (const b of batches) {
    const cols = decodeBatchPayload(b.payload);
    const n = cols.ts.length;
    for (let i = 0; i < n; i++) {
      const ts = cols.ts[i]!;
      if (ts < b.doneBelow || ts >= horizon) continue;
      // The payload index is the sample's place in its receipt's content hash (chunk version 2 keeps it).
      grouper
        .group(ts, cols.seriesIds[i]!)
        .samples.push({ ts, value: cols.values[i]!, seq: b.seq, pos: i, size: n });
      plan.samples++;
    }
    (b.maxTs < horizon ? plan.drop : plan.advance).push(b.receiptId);
  }
  plan.groups = grouper.groups();
  return plan;
}

/** The new payload of one chunk: its stored payload (if any) with the group's samples merged in. */
export function mergedChunkPayload(
  stored: Uint8Array | undefined,
  samples: readonly VersionedSample[],
): { payload: Buffer; n: number; minTs: number; maxTs: number } {
  const merged = mergeChunk(stored ? decodeChunk(stored) : undefined, samples);
  const n = merged.ts.length;
  return { payload: encodeChunk(merged), n, minTs: merged.ts[0]!, maxTs: merged.ts[n - 1]! };
}

/**
 * The compaction horizon of a site: the start of the newest window that may still receive on-time data.
 *
 * A site that is sending (a batch received within `quietMs`) has the windows its data has moved
 * COMPACT_GRACE_MS past compacted, by data time: each window is written about once, also while a gateway replays
 * hours of backlog (by wall time every pass rewrote the chunks of the replayed hour with the few minutes that had
 * arrived since — the same chunk dozens of times). A site that has gone quiet is compacted by wall time as well,
 * so its last windows do not stay in level 0.
 */
export function siteHorizon(newestTs: number, receivedAt: number, now: number, quietMs: number): number {
  if (now - receivedAt < quietMs) return windowOf(newestTs - COMPACT_GRACE_MS);
  return windowOf(Math.max(newestTs, now - 2 * RAW_WINDOW_MS) - COMPACT_GRACE_MS);
}

/** Per site with level-0 batches: its newest sample and its newest batch's arrival, for siteHorizon. */
export const COMPACT_SITES_SQL = `SELECT b.site_id, MAX(b.max_ts) AS newest, MAX(r.received_at) AS received
  FROM raw_batches b JOIN receipts r ON r.id = b.receipt_id GROUP BY b.site_id`;

export interface CompactSiteRow {
  site_id: number;
  newest: number;
  received: number;
}

export interface RetentionPolicy {
  /** Raw chunks and batches older than this (ms since epoch) go; 0 = keep forever. */
  rawBefore: number;
  /** 1-minute rollups older than this go; 0 = keep forever. */
  rollup1mBefore: number;
}

/** What one maintenance pass does: retention, and when a site counts as quiet (see siteHorizon). */
export interface MaintainPolicy extends RetentionPolicy {
  quietMs: number;
}

export interface MaintainStats {
  batchesCompacted: number;
  samplesCompacted: number;
  chunksWritten: number;
  rawRowsExpired: number;
  rollup1mRowsExpired: number;
  legacyRowsMoved: number;
  /** More work is waiting (the caller runs another pass soon rather than after the interval). */
  more: boolean;
}

export function emptyMaintainStats(): MaintainStats {
  return {
    batchesCompacted: 0,
    samplesCompacted: 0,
    chunksWritten: 0,
    rawRowsExpired: 0,
    rollup1mRowsExpired: 0,
    legacyRowsMoved: 0,
    more: false,
  };
}

/**
 * Which of a set of buckets (any step) a raw sample belongs to, and what to read for them: the (window, series)
 * chunk keys they cover and their overall time range.
 */
export class BucketIndex {
  private readonly bySeries = new Map<number, { bucket: number; end: number; i: number }[]>();
  lo = Infinity;
  hi = -Infinity;
  readonly chunkKeys: { windowStart: number; seriesId: number }[] = [];

  constructor(refs: readonly { seriesId: number; bucket: number; end: number }[]) {
    const keys = new Set<string>();
    refs.forEach((r, i) => {
      let list = this.bySeries.get(r.seriesId);
      if (!list) this.bySeries.set(r.seriesId, (list = []));
      list.push({ bucket: r.bucket, end: r.end, i });
      this.lo = Math.min(this.lo, r.bucket);
      this.hi = Math.max(this.hi, r.end);
      for (let w = windowOf(r.bucket); w < r.end; w += RAW_WINDOW_MS) {
        const k = `${w}:${r.seriesId}`;
        if (!keys.has(k)) {
          keys.add(k);
          this.chunkKeys.push({ windowStart: w, seriesId: r.seriesId });
        }
      }
    });
  }

  /** Index of the bucket holding (series, ts), or -1. */
  find(seriesId: number, ts: number): number {
    const list = this.bySeries.get(seriesId);
    if (!list) return -1;
    for (const b of list) if (ts >= b.bucket && ts < b.end) return b.i;
    return -1;
  }

  get seriesIds(): number[] {
    return [...this.bySeries.keys()];
  }
}

/** What to read to find stored samples at some exact (series, ts): time range, chunk keys, and the filter. */
export function pointLookup(at: readonly { seriesId: number; ts: number }[]): {
  lo: number;
  hi: number;
  seriesIds: number[];
  chunkKeys: { windowStart: number; seriesId: number }[];
  want: (seriesId: number, ts: number) => boolean;
} {
  let lo = Infinity;
  let hi = -Infinity;
  const keys = new Map<string, { windowStart: number; seriesId: number }>();
  const wanted = new Set<string>();
  for (const a of at) {
    if (a.ts < lo) lo = a.ts;
    if (a.ts > hi) hi = a.ts;
    const w = windowOf(a.ts);
    keys.set(`${w}:${a.seriesId}`, { windowStart: w, seriesId: a.seriesId });
    wanted.add(`${a.seriesId}:${a.ts}`);
  }
  return {
    lo,
    hi,
    seriesIds: [...new Set(at.map((a) => a.seriesId))],
    chunkKeys: [...keys.values()],
    want: (seriesId, ts) => wanted.has(`${seriesId}:${ts}`),
  };
}

export interface ChunkGroup {
  windowStart: number;
  seriesId: number;
  samples: VersionedSample[];
}

/**
 * Upgrade: a page of rows of the one-row-per-sample table, ordered by its key (ts, series_id), grouped into chunk
 * merges at sequence 0 (anything written since the upgrade is newer). Pages go by the whole key, not by ts alone:
 * a fleet of more series than a page reporting on aligned timestamps fills a page with one ts. `last` is the key
 * of the page's last row; the page moved every row up to and including it.
 */
export function groupLegacyRows(rows: readonly { ts: number; series_id: number; value: number }[]): {
  groups: ChunkGroup[];
  last: { ts: number; seriesId: number };
} {
  const grouper = new ChunkGrouper();
  for (const r of rows)
    grouper.group(r.ts, r.series_id).samples.push({ ts: r.ts, value: r.value, seq: 0, pos: -1, size: -1 });
  const last = rows[rows.length - 1]!;
  return { groups: grouper.groups(), last: { ts: last.ts, seriesId: last.series_id } };
}
