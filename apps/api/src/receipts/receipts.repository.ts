import { Injectable } from '@nestjs/common';
import { DbHandle } from '../platform/database/db-handle';

export interface ReceiptRow {
  id: number;
  seq: number;
  accepted: number;
  rejected: number;
  contentHash: string;
  prevHash: string;
  hash: string;
  minTs: number | null;
  maxTs: number | null;
  receivedAt: number;
}

interface RawReceipt {
  id: number | string;
  seq: number | string;
  accepted: number;
  rejected: number;
  content_hash: string;
  prev_hash: string;
  hash: string;
  min_ts: number | string | null;
  max_ts: number | string | null;
  received_at: number | string;
}

const COLUMNS = 'id, seq, accepted, rejected, content_hash, prev_hash, hash, min_ts, max_ts, received_at';

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toRow(r: RawReceipt): ReceiptRow {
  return {
    id: Number(r.id),
    seq: Number(r.seq),
    accepted: Number(r.accepted),
    rejected: Number(r.rejected),
    contentHash: r.content_hash,
    prevHash: r.prev_hash,
    hash: r.hash,
    minTs: num(r.min_ts),
    maxTs: num(r.max_ts),
    receivedAt: Number(r.received_at),
  };
}

/**
 * Read-only SQL over the receipts written by ingest. Raw SQL through DbHandle (not TypeORM) because the chain
 * verifier pages through possibly millions of rows by (site_id, seq), served by the uq_receipts_site_seq index.
 */
@Injectable()
export class ReceiptsRepository {
  constructor(private readonly db: DbHandle) {}

  /** Newest sample time in the site's last `n` receipts, or null (no receipt yet). */
  async newestSampleTs(siteId: number, n: number): Promise<number | null> {
    const [row] = await this.db.query<{ m: number | string | null }>(
      'SELECT MAX(r.max_ts) AS m FROM (SELECT max_ts FROM receipts WHERE site_id = ? ORDER BY seq DESC LIMIT ?) r',
      [siteId, n],
    );
    return row?.m === null || row?.m === undefined ? null : Number(row.m);
  }

  /** The site's chain head as committed (read from the database, never from a cache). */
  async chainHead(siteId: number): Promise<{ seq: number; hash: string }> {
    const [row] = await this.db.query<{ chain_seq: number | string; chain_head: string }>(
      'SELECT chain_seq, chain_head FROM sites WHERE id = ?',
      [siteId],
    );
    return { seq: Number(row?.chain_seq ?? 0), hash: row?.chain_head ?? '' };
  }

  /** Newest first, seq < before. */
  async page(siteId: number, before: number | null, limit: number): Promise<ReceiptRow[]> {
    const rows =
      before === null
        ? await this.db.query<RawReceipt>(
            `SELECT ${COLUMNS} FROM receipts WHERE site_id = ? ORDER BY seq DESC LIMIT ?`,
            [siteId, limit],
          )
        : await this.db.query<RawReceipt>(
            `SELECT ${COLUMNS} FROM receipts WHERE site_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
            [siteId, before, limit],
          );
    return rows.map(toRow);
  }

  /** Oldest first, afterSeq < seq <= maxSeq: one page of a chain walk (keyset pagination on the index). */
  async ascending(siteId: number, afterSeq: number, maxSeq: number, limit: number): Promise<ReceiptRow[]> {
    const rows = await this.db.query<RawReceipt>(
      `SELECT ${COLUMNS} FROM receipts WHERE site_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
      [siteId, afterSeq, maxSeq, limit],
    );
    return rows.map(toRow);
  }

  /** The site's receipts with these sequence numbers (any order; missing ones are absent). */
  async bySeqs(siteId: number, seqs: readonly number[]): Promise<ReceiptRow[]> {
    const out: ReceiptRow[] = [];
    for (let i = 0; i < seqs.length; i += 500) {
      const part = seqs.slice(i, i + 500);
      const rows = await this.db.query<RawReceipt>(
        `SELECT ${COLUMNS} FROM receipts WHERE site_id = ? AND seq IN (${part.map(() => '?').join(',')})`,
        [siteId, ...part],
      );
      for (const r of rows) out.push(toRow(r));
    }
    return out;
  }

  /** Metric and canonical labels of series (those the in-memory registry does not know: another instance's). */
  async seriesNames(ids: readonly number[]): Promise<{ id: number; metric: string; labels: string }[]> {
    const out: { id: number; metric: string; labels: string }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = await this.db.query<{ id: number | string; metric: string; labels: string }>(
        `SELECT id, metric, labels FROM series WHERE id IN (${part.map(() => '?').join(',')})`,
        part as unknown[],
      );
      for (const r of rows) out.push({ id: Number(r.id), metric: r.metric, labels: r.labels });
    }
    return out;
  }

  /** Receipts carrying samples with event times in [from, to). */
  async countOverlapping(siteId: number, from: number, to: number): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM receipts WHERE site_id = ? AND max_ts >= ? AND min_ts < ?',
      [siteId, from, to],
    );
    return Number(row?.n ?? 0);
  }
}
