import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/columns';

/**
 * Raw samples. The key leads with event time so that live and backfilled batches append to the B-tree
 * instead of scattering one row per series across it (≈5× faster here, see docs/architecture.md).
 * No second index: a (series_id, ts) index scatters every batch across it and cost ~25 % of ingest throughput.
 * Recomputing minute buckets (late, reordered or replaced samples) reads each affected minute of this key once,
 * for all its series.
 * Written only by the hand-written SQL in the telemetry stores; this entity documents the schema.
 */
@Entity({ name: 'samples', withoutRowid: true })
export class SampleEntity {
  @PrimaryColumn({ name: 'ts', type: 'bigint', transformer: epochMs, primaryKeyConstraintName: 'pk_samples' })
  ts: number;

  @PrimaryColumn({ name: 'series_id', type: 'integer', primaryKeyConstraintName: 'pk_samples' })
  seriesId: number;

  @Column({ name: 'value', type: 'double precision' })
  value: number;

  @Column({ name: 'ingested_at', type: 'bigint', transformer: epochMs })
  ingestedAt: number;

  @Column({ name: 'receipt_id', type: 'bigint', transformer: epochMs })
  receiptId: number;
}
