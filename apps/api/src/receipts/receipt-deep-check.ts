import { createHash } from 'node:crypto';
import { setImmediate as nextTick } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { canonicalSampleLine, type ContentMismatch, type DeepVerification } from '@dcfleet/contracts';
import {
  decodeBatchPayload,
  decodeChunk,
  RAW_WINDOW_MS,
  RawMaintenanceService,
  SeriesRegistry,
  TELEMETRY_STORE,
  type TelemetryStore,
  windowOf,
} from '../telemetry/telemetry.module';
import { ReceiptsRepository, type ReceiptRow } from './receipts.repository';

/**
 * The samples found so far of one receipt the walk has met, placed at their position in its content hash. Memory is
 * ~21 bytes per sample of the batch, held from the first sample found until every window of the receipt is read.
 */
class OpenReceipt {
  /** The batch's sample count (after in-batch dedup), from the first sample found; -1 until then. */
  size = -1;
  /** Distinct positions found. */
  count = 0;
  /** Samples found without a position (version 1 chunks, rows of the upgrade's legacy table). */
  unknown = 0;
  /** Stored samples that contradict each other or the receipt (tampering with the chunk's metadata). */
  problem: string | null = null;
  private filled: Uint8Array | undefined;
  series: Int32Array | undefined;
  ts: Float64Array | undefined;
  values: Float64Array | undefined;

  /** `row` null: a receipt the walk only skips over (beyond retention, or no receipt row). */
  constructor(
    readonly row: ReceiptRow | null,
    readonly lastWindow: number,
  ) {}

  add(pos: number, size: number, seriesId: number, ts: number, value: number): void {
    if (pos < 0 || size < 0) {
      this.unknown++;
      return;
    }
    if (this.problem || !this.row) return;
    if (this.size === -1) {
      if (size > this.row.accepted) {
        this.problem = `a stored sample claims a batch of ${size} samples; the receipt accepted ${this.row.accepted}`;
        return;
      }
      this.size = size;
      this.filled = new Uint8Array(size);
      this.series = new Int32Array(size);
      this.ts = new Float64Array(size);
      this.values = new Float64Array(size);
    } else if (size !== this.size) {
      this.problem = `stored samples disagree on the batch size (${this.size} and ${size})`;
      return;
    }
    if (pos >= size) {
      this.problem = `a stored sample claims position ${pos} in a batch of ${size}`;
      return;
    }
    // The same sample twice: compaction moved it between two reads. The first copy read (level 0) is the served one.
    if (this.filled![pos]) return;
    this.filled![pos] = 1;
    this.series![pos] = seriesId;
    this.ts![pos] = ts;
    this.values![pos] = value;
    this.count++;
  }

  get complete(): boolean {
    return this.row !== null && this.size >= 0 && this.count === this.size && this.unknown === 0;
  }
}

function emptyResult(): DeepVerification {
  return {
    matched: 0,
    mismatch: 0,
    incomplete: 0,
    missingSamples: 0,
    beyondRetention: 0,
    unverifiable: 0,
    samples: 0,
    elapsedMs: 0,
    firstMismatch: null,
  };
}

/**
 * Deep receipt check: re-hashes a site's stored samples against each receipt's content hash (docs/architecture.md,
 * "Receipts"). The content hash covers a batch's samples in request order after in-batch dedup; a batch payload
 * (level 0) keeps that order, and a version 2 chunk keeps each sample's position in it and its batch's size.
 *
 * The walk reads the site's raw data window by window in time order, the way reads do (level-0 rows, then the
 * window's chunks, so a sample compaction moves meanwhile is seen at least once; the first copy wins), and groups
 * samples by the receipt sequence that wrote them. A receipt is classified as soon as all its positions are in hand
 * (an uncompacted batch: at once) or once every window of its [min_ts, max_ts] is read. Memory: the receipts open
 * over the current windows, plus one bit per receipt of the chain (which ones the walk classified).
 */
@Injectable()
export class ReceiptDeepCheck {
  /** Level-0 rows per read (each up to INGEST_MAX_SAMPLES samples). */
  batchPage = 32;
  /** Chunk rows per read (one series-hour each, decoded together: ~10 kB each for a 10-second gauge). */
  chunkPage = 500;
  /** Receipts per page of the closing pass. */
  receiptPage = 5000;

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly repo: ReceiptsRepository,
    private readonly registry: SeriesRegistry,
    private readonly raw: RawMaintenanceService,
  ) {}

  /** Every receipt with seq ≤ headSeq of the site. */
  async run(siteId: number, headSeq: number): Promise<DeepVerification> {
    const started = performance.now();
    const out = emptyResult();
    // Windows before this may already be removed by retention (one window of margin for a pass running meanwhile).
    const horizon = this.raw.lateHorizon(Date.now());
    const cut = horizon === -Infinity ? 0 : windowOf(horizon) + RAW_WINDOW_MS;
    const done = new Uint8Array((headSeq >> 3) + 1);
    const isDone = (seq: number) => (done[seq >> 3]! & (1 << (seq & 7))) !== 0;
    const open = new Map<number, OpenReceipt>();
    /** Windows holding samples at sequence 0 (the upgrade's moved rows), as [first, last] ranges. */
    const legacyWindows: [number, number][] = [];
    const names = new Map<number, { metric: string; labels: string }>();

    const markLegacy = (w: number) => {
      const last = legacyWindows.at(-1);
      if (last && w <= last[1] + RAW_WINDOW_MS) last[1] = Math.max(last[1], w);
      else legacyWindows.push([w, w]);
    };
    /** Opens the receipts of these sequences not yet open or classified (one query for all). */
    const openSeqs = async (seqs: Iterable<number>, window: number) => {
      const want = [...new Set(seqs)].filter((s) => s > 0 && s <= headSeq && !open.has(s) && !isDone(s));
      if (want.length === 0) return;
      const rows = new Map((await this.repo.bySeqs(siteId, want)).map((r) => [r.seq, r]));
      for (const seq of want) {
        const r = rows.get(seq);
        if (!r || r.minTs === null || r.maxTs === null) open.set(seq, new OpenReceipt(null, window));
        else if (windowOf(r.minTs) < cut) open.set(seq, new OpenReceipt(null, windowOf(r.maxTs)));
        else open.set(seq, new OpenReceipt(r, windowOf(r.maxTs)));
      }
    };
    const finish = async (seq: number, r: OpenReceipt) => {
      open.delete(seq);
      if (!r.row) return; // counted by the closing pass
      done[seq >> 3] |= 1 << (seq & 7);
      await this.classify(r.row, r, out, names);
    };

    let l0MinTs = cut - 1;
    let l0Id = 2_147_483_647; // receipt ids are 32-bit: "after the largest" starts at min_ts = cut
    let w = await this.store.nextSiteWindow(siteId, cut);
    while (w !== null) {
      const end = w + RAW_WINDOW_MS;
      // Level-0 rows starting before the window's end, each once (keyset on min_ts, receipt_id). A row holds its
      // whole batch: samples below done_below are served from chunks and read there.
      for (;;) {
        const rows = await this.store.siteBatches({
          siteId,
          afterMinTs: l0MinTs,
          afterReceiptId: l0Id,
          before: end,
          limit: this.batchPage,
        });
        await openSeqs(
          rows.map((b) => b.seq),
          w,
        );
        for (const b of rows) {
          l0MinTs = b.minTs;
          l0Id = b.receiptId;
          const r = open.get(b.seq);
          if (!r?.row) continue;
          const cols = decodeBatchPayload(b.payload);
          const n = cols.ts.length;
          for (let i = 0; i < n; i++) {
            const ts = cols.ts[i]!;
            if (ts >= b.doneBelow) r.add(i, n, cols.seriesIds[i]!, ts, cols.values[i]!);
          }
          if (r.complete) await finish(b.seq, r);
        }
        if (rows.length < this.batchPage) break;
        await nextTick();
      }
      // The window's chunks, a page of series at a time.
      let afterSeries = -1;
      for (;;) {
        const chunks = await this.store.siteChunks({
          siteId,
          windowStart: w,
          afterSeriesId: afterSeries,
          limit: this.chunkPage,
        });
        const decoded = chunks.map((c) => ({ seriesId: c.seriesId, d: decodeChunk(c.payload) }));
        const seqs = new Set<number>();
        for (const { d } of decoded) for (let i = 0; i < d.seqs.length; i++) seqs.add(d.seqs[i]!);
        await openSeqs(seqs, w);
        for (const { seriesId, d } of decoded) {
          for (let i = 0; i < d.ts.length; i++) {
            const seq = d.seqs[i]!;
            if (seq === 0) {
              markLegacy(w);
              continue;
            }
            open.get(seq)?.add(d.positions[i]!, d.sizes[i]!, seriesId, d.ts[i]!, d.values[i]!);
          }
        }
        if (chunks.length < this.chunkPage) break;
        afterSeries = chunks.at(-1)!.seriesId;
        await nextTick();
      }
      // Rows of the upgrade's legacy table (only while an upgrade moves them): their position is unknown.
      const legacy = await this.store.siteLegacy(siteId, w, end);
      await openSeqs(
        legacy.map((s) => s.seq),
        w,
      );
      for (const s of legacy) {
        if (s.seq === 0) markLegacy(w);
        else open.get(s.seq)?.add(-1, -1, s.seriesId, s.ts, s.value);
      }

      const next = await this.store.nextSiteWindow(siteId, end);
      for (const [seq, r] of [...open]) {
        if (r.complete || r.lastWindow < (next ?? Infinity)) await finish(seq, r);
      }
      w = next;
      await nextTick();
    }

    // Receipts the walk found no sample of.
    const legacyIn = (from: number, to: number) => legacyWindows.some(([a, b]) => a <= to && b >= from);
    for (let after = 0; ;) {
      const rows = await this.repo.ascending(siteId, after, headSeq, this.receiptPage);
      for (const r of rows) {
        if (isDone(r.seq)) continue;
        if (r.minTs === null || r.maxTs === null) {
          // No sample time: a batch without samples (its content hash is that of nothing) or a pre-chain row.
          if (r.accepted === 0) await this.classify(r, null, out, names);
          else out.unverifiable++;
        } else if (windowOf(r.minTs) < cut) out.beyondRetention++;
        else if (legacyIn(windowOf(r.minTs), windowOf(r.maxTs))) out.unverifiable++;
        else {
          // Every sample overwritten by later receipts (a resent batch, corrections), or removed.
          out.incomplete++;
          out.missingSamples += r.accepted;
        }
      }
      if (rows.length < this.receiptPage) break;
      after = rows.at(-1)!.seq;
      await nextTick();
    }
    out.elapsedMs = Math.round(performance.now() - started);
    return out;
  }

  /** Classifies a receipt from the samples found of it (null: a receipt without samples). */
  private async classify(
    row: ReceiptRow,
    r: OpenReceipt | null,
    out: DeepVerification,
    names: Map<number, { metric: string; labels: string }>,
  ): Promise<void> {
    const mismatch = (recomputed: string | null, detail: string) => {
      out.mismatch++;
      if (!out.firstMismatch || row.seq < out.firstMismatch.seq) {
        const m: ContentMismatch = {
          seq: row.seq,
          id: String(row.id),
          expected: row.contentHash,
          recomputed,
          detail,
        };
        out.firstMismatch = m;
      }
    };
    if (r && r.unknown > 0) {
      out.unverifiable++;
      return;
    }
    if (r?.problem) {
      mismatch(null, r.problem);
      return;
    }
    const size = r ? r.size : 0;
    if (r && (size < 0 || r.count < size)) {
      out.incomplete++;
      out.missingSamples += size < 0 ? row.accepted : size - r.count;
      return;
    }
    const hash = createHash('sha256');
    if (r && size > 0) {
      const series = r.series!;
      const missing = [...new Set(series)].filter((id) => !names.has(id));
      for (const id of missing) {
        const s = this.registry.get(id);
        if (s) names.set(id, { metric: s.metric, labels: s.labels });
      }
      const unknown = missing.filter((id) => !names.has(id));
      if (unknown.length) for (const s of await this.repo.seriesNames(unknown)) names.set(s.id, s);
      let lines = '';
      for (let i = 0; i < size; i++) {
        const s = names.get(series[i]!);
        if (!s) {
          mismatch(null, `stored sample ${i} names series ${series[i]}, which does not exist`);
          return;
        }
        lines += canonicalSampleLine(s.metric, s.labels, r.ts![i]!, r.values![i]!);
        if (lines.length > 65_536) {
          hash.update(lines);
          lines = '';
        }
      }
      hash.update(lines);
    }
    const recomputed = hash.digest('hex');
    out.samples += size;
    if (recomputed === row.contentHash) out.matched++;
    else mismatch(recomputed, `the ${size} stored samples of receipt ${row.seq} hash to ${recomputed}`);
  }
}
