import type BetterSqlite3 from 'better-sqlite3';
import type { MetricKind } from '@dcfleet/contracts';
import { freshSeriesIds, receiptColumns, resolveSeriesIds, suspectPoints } from './batch-samples';
import { encodeBatchPayload } from './raw-codec';
import { SampleFloors } from './sample-floors';
import type { SqliteRawReads } from './sqlite-raw-reads';
import {
  type BatchInput,
  type BatchOutput,
  type SeriesRow,
  ingestResponseJson,
  nextChainLink,
  sampleStatus,
  suspectSamples,
} from './telemetry-store';

/** The statements of the ingest transaction. */
function statements(db: BetterSqlite3.Database) {
  return {
    idem: db.prepare('SELECT response FROM receipts WHERE site_id = ? AND idempotency_key = ?'),
    chain: db.prepare('SELECT chain_seq, chain_head FROM sites WHERE id = ?'),
    setChain: db.prepare('UPDATE sites SET chain_seq = ?, chain_head = ? WHERE id = ?'),
    insertSeries: db.prepare(
      'INSERT OR IGNORE INTO series (site_id, metric, labels, kind, created_at) VALUES (?,?,?,?,?) RETURNING id, kind',
    ),
    seriesId: db.prepare('SELECT id, kind FROM series WHERE site_id = ? AND metric = ? AND labels = ?'),
    insertReceipt: db.prepare(
      `INSERT INTO receipts (site_id, seq, token_id, accepted, rejected, content_hash, prev_hash, hash, min_ts, max_ts,
           idempotency_key, response, rolled_up, received_at, instance_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,'',0,?,?)`,
    ),
    setResponse: db.prepare('UPDATE receipts SET response = ? WHERE id = ?'),
    insertBatch: db.prepare(
      'INSERT INTO raw_batches (receipt_id, site_id, seq, min_ts, max_ts, done_below, samples, payload) VALUES (?,?,?,?,?,0,?,?)',
    ),
    newestHour: db.prepare('SELECT last_ts FROM rollup_1h WHERE series_id = ? ORDER BY bucket DESC LIMIT 1'),
    pendingMax: db.prepare('SELECT MAX(max_ts) AS t FROM receipts WHERE rolled_up = 0 AND site_id = ?'),
  };
}

/** The ingest transaction of SqliteTelemetryStore (see there): one batch, its receipt and its site's chain. */
export class SqliteBatchWriter {
  private readonly s: ReturnType<typeof statements>;
  private readonly floors = new SampleFloors();
  private readonly writeTx: BetterSqlite3.Transaction<(input: BatchInput) => BatchOutput>;

  constructor(
    db: BetterSqlite3.Database,
    private readonly raw: SqliteRawReads,
  ) {
    this.s = statements(db);
    this.writeTx = db.transaction((input: BatchInput) => this.write(input));
  }

  writeBatch(input: BatchInput): BatchOutput {
    // IMMEDIATE: take the write lock up front so busy_timeout applies (a deferred transaction that reads
    // first fails at once when another connection holds the lock).
    const out = this.writeTx.immediate(input);
    if (out.kind === 'stored') this.floors.record(out.seriesIds, input.ts);
    return out;
  }

  private write(input: BatchInput): BatchOutput {
    if (input.idempotencyKey) {
      const hit = this.s.idem.get(input.siteId, input.idempotencyKey) as { response: string } | undefined;
      if (hit) return { kind: 'replay', response: hit.response };
    }
    const createdSeries: SeriesRow[] = [];
    for (const ns of input.newSeries) {
      // Read back only when the insert was skipped (the series exists already).
      const row = (this.s.insertSeries.get(input.siteId, ns.metric, ns.labelKey, ns.kind, input.receivedAt) ??
        this.s.seriesId.get(input.siteId, ns.metric, ns.labelKey)) as { id: number; kind: string };
      createdSeries.push({
        id: row.id,
        siteId: input.siteId,
        metric: ns.metric,
        labels: ns.labelKey,
        kind: row.kind as MetricKind,
      });
    }
    const chain = this.s.chain.get(input.siteId) as { chain_seq: number; chain_head: string } | undefined;
    if (!chain) throw new Error(`site ${input.siteId} vanished during ingest`);
    const link = nextChainLink(input, chain);
    const { seq, prevHash, hash } = link;
    const info = this.s.insertReceipt.run(...receiptColumns(input, link), input.receivedAt, input.instanceId);
    const receiptId = Number(info.lastInsertRowid);
    const receipt = { id: receiptId, seq, hash, prevHash };

    const n = input.ts.length;
    const seriesIds = resolveSeriesIds(input.seriesRefs, createdSeries, n);
    // Status per sample: appends (newer than anything stored for the series) need no lookup; the rest are
    // compared with what is stored (last write wins, identical resends change nothing). Series this batch creates
    // hold nothing yet (`fresh`): only those known before are probed — a site's first batch probed its 1,000 new
    // series, two statements each.
    const unknown = this.floors.unknown(input.seriesRefs);
    if (unknown.length) {
      const pending = this.pendingMax(input.siteId);
      for (const id of unknown) this.floors.learn(id, this.newestStored(id, pending));
    }
    const fresh = freshSeriesIds(createdSeries);
    const suspects = suspectSamples(this.floors, seriesIds, input.ts, fresh);
    const status = sampleStatus(
      suspects,
      seriesIds,
      input.ts,
      input.values,
      suspects.length ? this.raw.storedAt(input.siteId, suspectPoints(suspects, seriesIds, input.ts)) : [],
    );
    if (n > 0) {
      this.s.insertBatch.run(
        receiptId,
        input.siteId,
        seq,
        input.minTs,
        input.maxTs,
        n,
        encodeBatchPayload(seriesIds, input.ts, input.values),
      );
    }
    const response = ingestResponseJson(input, receipt);
    this.s.setResponse.run(response, receiptId);
    this.s.setChain.run(seq, hash, input.siteId);
    return { kind: 'stored', receipt, response, createdSeries, seriesIds, status };
  }

  /** The newest ts of the site's batches that no flush has folded in yet (-Infinity if none). */
  private pendingMax(siteId: number): number {
    const p = this.s.pendingMax.get(siteId) as { t: number | null };
    return p.t ?? -Infinity;
  }

  /**
   * An upper bound of the newest stored ts of a series: its newest hour bucket, or `pending` (pendingMax of its
   * site).
   */
  private newestStored(seriesId: number, pending: number): number | null {
    const h = this.s.newestHour.get(seriesId) as { last_ts: number } | undefined;
    const ts = Math.max(h?.last_ts ?? -Infinity, pending);
    return ts === -Infinity ? null : ts;
  }
}
