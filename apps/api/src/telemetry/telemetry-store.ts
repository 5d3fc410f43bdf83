import { GENESIS_HASH, type IngestRejection, type IngestResponse, type MetricKind } from '@dcfleet/contracts';
import { receiptHash } from './receipt-hash';
import type { Agg } from './rollup-math';
import type { BatchRow, ChunkRow, MaintainPolicy, MaintainStats, RawSample } from './raw-layout';
import type { SampleFloors } from './sample-floors';
import type { RollupColumns } from './rollup-row';

export type RollupStep = '1m' | '1h' | '1d';

export const STEP_MS: Record<Exclude<RollupStep, '1d'>, number> = { '1m': 60_000, '1h': 3_600_000 };

export interface NewSeries {
  metric: string;
  labelKey: string;
  kind: MetricKind;
}

export interface SeriesRow {
  id: number;
  siteId: number;
  metric: string;
  labels: string;
  kind: MetricKind;
}

/** One validated batch, columnar (cheap to bind on both drivers). */
export interface BatchInput {
  /** This API instance (recorded with the receipt, see InstanceLease). */
  instanceId: string;
  siteId: number;
  siteCode: string;
  tokenId: string | null;
  receivedAt: number;
  idempotencyKey: string | null;
  accepted: number;
  rejected: number;
  contentHash: string;
  minTs: number;
  maxTs: number;
  /** Series this batch uses that the registry does not know yet; created in the same transaction. */
  newSeries: NewSeries[];
  /** Per sample: a series id, or -(1 + index into newSeries). */
  seriesRefs: number[];
  ts: number[];
  values: number[];
  /** Per-sample rejections, stored in the receipt's response (for Idempotency-Key replays). */
  rejectedList: IngestRejection[];
}

export interface ReceiptRef {
  id: number;
  seq: number;
  hash: string;
  prevHash: string;
}

export const SAMPLE_NEW = 0;
export const SAMPLE_UNCHANGED = 1;
export const SAMPLE_REPLACED = 2;

export type BatchOutput =
  | { kind: 'replay'; response: string }
  | {
      kind: 'stored';
      receipt: ReceiptRef;
      response: string;
      createdSeries: SeriesRow[];
      /** Resolved series id per sample. */
      seriesIds: number[];
      /** SAMPLE_NEW / SAMPLE_UNCHANGED / SAMPLE_REPLACED per sample. */
      status: Uint8Array;
    };

export interface BucketRef {
  seriesId: number;
  bucket: number;
  /** Exclusive end of the bucket (1d buckets vary with DST). */
  end: number;
  /** 1-minute buckets only: the hour and local-day buckets containing it (for cascading recomputes). */
  hour?: number;
  day?: number;
  dayEnd?: number;
}

/** Doubles per packed bucket ref: seriesId, bucket, end, hour, day, dayEnd (NaN parents outside the 1m level). */
export const PACKED_REF = 6;
/**
 * Doubles per packed merge: a ref, then count, sum, min, max, first, firstTs, last, lastTs, increase, resets,
 * glitchDrop.
 */
export const PACKED_MERGE = PACKED_REF + 11;

export function putRef(a: Float64Array, o: number, r: BucketRef): void {
  a[o] = r.seriesId;
  a[o + 1] = r.bucket;
  a[o + 2] = r.end;
  a[o + 3] = r.hour ?? NaN;
  a[o + 4] = r.day ?? NaN;
  a[o + 5] = r.dayEnd ?? NaN;
}

export function refAt(a: Float64Array, o: number): BucketRef {
  const r: BucketRef = { seriesId: a[o]!, bucket: a[o + 1]!, end: a[o + 2]! };
  if (!Number.isNaN(a[o + 3])) {
    r.hour = a[o + 3]!;
    r.day = a[o + 4]!;
    r.dayEnd = a[o + 5]!;
  }
  return r;
}

export function packRefs(refs: readonly BucketRef[]): Float64Array {
  const a = new Float64Array(refs.length * PACKED_REF);
  refs.forEach((r, i) => putRef(a, i * PACKED_REF, r));
  return a;
}

/**
 * One level of a flush as flat columns: a flush holds ~10⁵ buckets, and an object each cost the main thread more
 * heap and GC than the SQL they feed (and on SQLite they cross to the writer thread transferred, not cloned). Each
 * array owns its buffer.
 */
export interface LevelFlush {
  step: RollupStep;
  /** PACKED_MERGE doubles per bucket: partials to merge with the stored bucket (disjoint time ranges expected). */
  merges: Float64Array;
  /** PACKED_REF doubles per bucket: buckets to recompute from finer data. */
  recompute: Float64Array;
}

export interface RollupFlush {
  /** Receipts whose samples this flush folds in; marked rolled up in the same transaction. */
  receiptIds: number[];
  /**
   * 1-minute rollups before this time may be gone (ROLLUP_1M_RETENTION_DAYS): hour and day buckets before it are
   * recomputed from raw samples instead of from minutes. 0: minutes are kept.
   */
  minutesFrom: number;
  /** Ordered 1m, 1h, 1d. 1m refs carry their hour/day parents. */
  levels: LevelFlush[];
}

/** A flush without its levels: what flushRollupSlices is given besides the slices. */
export type RollupFlushHead = Omit<RollupFlush, 'levels'>;

/** The 1h and 1d buckets a 1-minute bucket belongs to. */
export function parentsOf(r: BucketRef): { hour: BucketRef; day: BucketRef } {
  if (r.hour === undefined || r.day === undefined || r.dayEnd === undefined) {
    throw new Error('1-minute bucket ref without its parents');
  }
  return {
    hour: { seriesId: r.seriesId, bucket: r.hour, end: r.hour + 3_600_000 },
    day: { seriesId: r.seriesId, bucket: r.day, end: r.dayEnd },
  };
}

/**
 * Bucket refs grouped by time range: per range, series id → index of its ref. Recomputing from raw samples reads
 * each range once through the (ts, series_id) key for all its series.
 */
export function groupByRange(
  refs: readonly BucketRef[],
): { bucket: number; end: number; index: Map<number, number> }[] {
  const byRange = new Map<string, { bucket: number; end: number; index: Map<number, number> }>();
  refs.forEach((r, i) => {
    const key = `${r.bucket}:${r.end}`;
    let g = byRange.get(key);
    if (!g) byRange.set(key, (g = { bucket: r.bucket, end: r.end, index: new Map() }));
    g.index.set(r.seriesId, i);
  });
  return [...byRange.values()];
}

export interface FlushStats {
  merged: Record<RollupStep, number>;
  recomputed: Record<RollupStep, number>;
}

export interface PendingReceipt {
  id: number;
  instanceId: string | null;
  siteId: number;
  minTs: number | null;
  maxTs: number | null;
  receivedAt: number;
}

/** One page of the deep receipt check's level-0 read (TelemetryStore.siteBatches). */
export interface SiteBatchesPage {
  siteId: number;
  /** The (min_ts, receipt_id) key of the previous page's last row: this page starts after it. */
  afterMinTs: number;
  afterReceiptId: number;
  /** Only rows with min_ts < before. */
  before: number;
  limit: number;
}

/** One page of the deep receipt check's chunk read (TelemetryStore.siteChunks). */
export interface SiteChunksPage {
  siteId: number;
  windowStart: number;
  /** The previous page's last series id: this page starts after it. */
  afterSeriesId: number;
  limit: number;
}

/** What readRollups and readRollupColumns read: one step's buckets of these series in [from, to). */
export type RollupRange = [step: RollupStep, seriesIds: number[], from: number, to: number];

export interface RollupRow extends Agg {
  seriesId: number;
  bucket: number;
}

/**
 * The hand-written SQL of the hot path, one implementation per dialect. Everything here must be one
 * transaction per call: a refused or failed call stores nothing.
 */
export interface TelemetryStore {
  loadSeries(): Promise<SeriesRow[]>;
  writeBatch(input: BatchInput): Promise<BatchOutput>;
  flushRollups(flush: RollupFlush): Promise<FlushStats>;
  /**
   * flushRollups with its levels arriving in slices (MinutePartials.drainSlices), each slice a run of whole series
   * in ascending id order, so a series' minutes, hours and days are all in one slice. Same outcome as flushRollups
   * with the slices joined; the store holds one slice at a time instead of the whole flush.
   */
  flushRollupSlices(head: RollupFlushHead, slices: AsyncIterable<LevelFlush[]>): Promise<FlushStats>;
  /** Receipts not yet folded into the rollups, in id order after `afterId` (paging). */
  pendingReceipts(afterId: number, limit: number): Promise<PendingReceipt[]>;
  /** Distinct (series, minute bucket) pairs holding samples of these receipts. */
  minuteBucketsOfReceipts(receipts: PendingReceipt[]): Promise<{ seriesId: number; bucket: number }[]>;
  oldestPendingReceivedAt(): Promise<number | null>;
  readRollups(...range: RollupRange): Promise<RollupRow[]>;
  /** What a chart needs of the same rows, as columns (sorted by series then bucket). */
  readRollupColumns(...range: RollupRange): Promise<RollupColumns>;
  /** Raw samples of these series in [from, to), last write resolved, sorted by series then ts. */
  readRaw(seriesIds: number[], from: number, to: number): Promise<RawSample[]>;
  /**
   * Deep receipt check (receipt-deep-check.ts), level 0: the site's `raw_batches` rows with min_ts < `before` and
   * (min_ts, receipt_id) after the given key, in that order, at most `limit`; whole payloads.
   */
  siteBatches(page: SiteBatchesPage): Promise<BatchRow[]>;
  /** Deep receipt check: the site's chunks of one window with series_id > afterSeriesId, in series order. */
  siteChunks(page: SiteChunksPage): Promise<ChunkRow[]>;
  /** Deep receipt check: rows of the upgrade's legacy table of the site in [from, to) at their receipt's seq. */
  siteLegacy(siteId: number, from: number, to: number): Promise<RawSample[]>;
  /** Deep receipt check: the first window ≥ from holding a chunk, a level-0 row's min_ts or a legacy row of the site. */
  nextSiteWindow(siteId: number, from: number): Promise<number | null>;
  /** One bounded pass of compaction, upgrade and retention (see raw-layout.ts). */
  maintain(now: number, policy: MaintainPolicy): Promise<MaintainStats>;
  ping(): Promise<void>;
  /** Releases resources (the SQLite writer thread). */
  close?(): Promise<void>;
}

export const TELEMETRY_STORE = Symbol('TELEMETRY_STORE');

/**
 * The batch's link in its site's receipt hash chain, from the chain row read under the site lock: the next
 * sequence number, the previous head (the genesis hash for a site's first batch) and this receipt's hash.
 */
export function nextChainLink(
  input: BatchInput,
  chain: { chain_seq: number; chain_head: string },
): { seq: number; prevHash: string; hash: string } {
  const seq = Number(chain.chain_seq) + 1;
  const prevHash = chain.chain_head || GENESIS_HASH;
  const hash = receiptHash({
    site: input.siteCode,
    seq,
    prevHash,
    receivedAt: input.receivedAt,
    accepted: input.accepted,
    rejected: input.rejected,
    contentHash: input.contentHash,
  });
  return { seq, prevHash, hash };
}

/** The JSON answer to an accepted batch; stored with its receipt so a retried Idempotency-Key gets it again. */
export function ingestResponseJson(
  input: Pick<BatchInput, 'accepted' | 'rejectedList'>,
  receipt: ReceiptRef,
): string {
  const body: IngestResponse = {
    accepted: input.accepted,
    rejected: input.rejectedList,
    receipt: { id: String(receipt.id), seq: receipt.seq, hash: receipt.hash, prevHash: receipt.prevHash },
  };
  return JSON.stringify(body);
}

/**
 * Samples that may already be stored: not newer than what is known stored for their series (SampleFloors), in a
 * series that existed before this batch. Everything else is a plain append.
 */
export function suspectSamples(
  floors: SampleFloors,
  seriesIds: readonly number[],
  ts: readonly number[],
  fresh: ReadonlySet<number>,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    const id = seriesIds[i]!;
    if (!floors.isAppend(id, ts[i]!) && !fresh.has(id)) out.push(i);
  }
  return out;
}

/** New / unchanged / replaced per sample, given the stored samples found at the suspects' (series, ts). */
export function sampleStatus(
  suspects: readonly number[],
  seriesIds: readonly number[],
  ts: readonly number[],
  values: readonly number[],
  stored: readonly RawSample[],
): Uint8Array {
  const status = new Uint8Array(ts.length); // SAMPLE_NEW
  if (suspects.length === 0 || stored.length === 0) return status;
  const at = new Map<string, number>();
  for (const s of stored) at.set(`${s.seriesId}:${s.ts}`, s.value);
  for (const i of suspects) {
    const v = at.get(`${seriesIds[i]}:${ts[i]}`);
    if (v === undefined) continue;
    status[i] = v === values[i] ? SAMPLE_UNCHANGED : SAMPLE_REPLACED;
  }
  return status;
}
