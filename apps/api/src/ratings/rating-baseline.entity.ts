import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { epochMs, nullableNumber } from '../platform/common/columns';
import { SiteEntity } from '../sites/sites.module';

/**
 * The last computed rating of a closed period per site: `month` 0 for the calendar year, 1-12 for a closed
 * month of the current year. Late data is detected as a revision by comparing a fresh computation with it.
 */
@Entity({ name: 'rating_baselines' })
export class RatingBaselineEntity {
  @PrimaryColumn({ name: 'site_id', type: 'integer', primaryKeyConstraintName: 'pk_rating_baselines' })
  siteId: number;

  @PrimaryColumn({ name: 'year', type: 'integer', primaryKeyConstraintName: 'pk_rating_baselines' })
  year: number;

  @PrimaryColumn({ name: 'month', type: 'integer', primaryKeyConstraintName: 'pk_rating_baselines' })
  month: number;

  @ManyToOne(() => SiteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'fk_rating_baselines_site' })
  site?: SiteEntity;

  @Column({ name: 'pue', type: 'double precision', nullable: true, transformer: nullableNumber })
  pue: number | null;

  @Column({ name: 'status', type: 'varchar', length: 20 })
  status: string;

  @Column({ name: 'facility_kwh', type: 'double precision', transformer: nullableNumber })
  facilityKwh: number;

  @Column({ name: 'it_kwh', type: 'double precision', transformer: nullableNumber })
  itKwh: number;

  @Column({ name: 'coverage', type: 'double precision', transformer: nullableNumber })
  coverage: number;

  /** Grade and CUE as served; null in baselines stored before reference history (then not compared). */
  @Column({ name: 'grade', type: 'varchar', length: 20, nullable: true })
  grade: string | null;

  @Column({ name: 'cue', type: 'double precision', nullable: true, transformer: nullableNumber })
  cue: number | null;

  /** The reference data the rating used (JSON of racks, category, emission factor …): what a revision names. */
  @Column({ name: 'reference', type: 'varchar', length: 500, nullable: true })
  reference: string | null;

  @Column({ name: 'computed_at', type: 'bigint', transformer: epochMs })
  computedAt: number;
}
