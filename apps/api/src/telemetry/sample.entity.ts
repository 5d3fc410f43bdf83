import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/columns';

/**
 * Raw samples. The key leads with event time so that live and backfilled batches append to the B-tree
 * instead of scattering one row per series across it (≈5× faster here, see docs/architecture.md).
 * The secondary (series_id, ts) index serves recomputations of one series' bucket (late, reordered or replaced
 * samples); it is written from the writer thread on SQLite, off the request path.
 * Written only by the hand-written SQL in the telemetry stores; this entity documents the schema.
 */
@Entity({ name: 'samples', withoutRowid: true })
@Index('ix_samples_series_ts', ['seriesId', 'ts'])
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
