import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';

/**
 * Every accepted batch. `hash` = SHA-256 over a canonical header (site, seq, prev hash, counts, time) and
 * `content_hash`, the SHA-256 of the canonical accepted samples; `prev_hash` links the per-site chain.
 * `rolled_up` is false until this instance has flushed the batch into the rollups: after a crash, the
 * batches still false are re-aggregated from the samples (min_ts..max_ts of the site).
 */
@Entity({ name: 'receipts' })
@Index('uq_receipts_site_seq', ['siteId', 'seq'], { unique: true })
@Index('uq_receipts_site_idem', ['siteId', 'idempotencyKey'], { unique: true })
@Index('ix_receipts_pending', ['rolledUp', 'id'])
export class ReceiptEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'site_id', type: 'integer' })
  siteId: number;

  @Column({ name: 'seq', type: 'bigint', transformer: epochMs })
  seq: number;

  @Column({ name: 'token_id', type: 'varchar', length: 36, nullable: true })
  tokenId: string | null;

  @Column({ name: 'accepted', type: 'integer' })
  accepted: number;

  @Column({ name: 'rejected', type: 'integer' })
  rejected: number;

  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ name: 'hash', type: 'varchar', length: 64 })
  hash: string;

  @Column({ name: 'min_ts', type: 'bigint', nullable: true, transformer: epochMs })
  minTs: number | null;

  @Column({ name: 'max_ts', type: 'bigint', nullable: true, transformer: epochMs })
  maxTs: number | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey: string | null;

  /** The JSON response sent for this batch, replayed for a retried Idempotency-Key. */
  @Column({ name: 'response', type: 'text' })
  response: string;

  /** The API instance that committed the batch (see telemetry/instance-lease.ts). */
  @Column({ name: 'instance_id', type: 'varchar', length: 36, nullable: true })
  instanceId: string | null;

  @Column({ name: 'rolled_up', type: 'boolean', default: false })
  rolledUp: boolean;

  @Column({ name: 'received_at', type: 'bigint', transformer: epochMs })
  receivedAt: number;
}
