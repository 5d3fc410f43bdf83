import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs, nullableNumber } from '../platform/common/columns';
import { SiteEntity } from '../sites/sites.module';

/**
 * A rating of a CLOSED period that changed because late data arrived: an ended calendar year (`month` null)
 * or an ended month of the current year (`month` 1-12). Append-only evidence for regulators.
 */
@Entity({ name: 'rating_revisions' })
@Index('ix_rating_revisions_site_year', ['siteId', 'year'])
export class RatingRevisionEntity {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_rating_revisions' })
  id: number;

  @Column({ name: 'site_id', type: 'integer' })
  siteId: number;

  @ManyToOne(() => SiteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'fk_rating_revisions_site' })
  site?: SiteEntity;

  @Column({ name: 'year', type: 'integer' })
  year: number;

  @Column({ name: 'month', type: 'integer', nullable: true })
  month: number | null;

  @Column({ name: 'previous_pue', type: 'double precision', nullable: true, transformer: nullableNumber })
  previousPue: number | null;

  @Column({ name: 'pue', type: 'double precision', nullable: true, transformer: nullableNumber })
  pue: number | null;

  @Column({ name: 'previous_status', type: 'varchar', length: 20 })
  previousStatus: string;

  @Column({ name: 'status', type: 'varchar', length: 20 })
  status: string;

  @Column({ name: 'revised_at', type: 'bigint', transformer: epochMs })
  revisedAt: number;

  @Column({ name: 'reason', type: 'varchar', length: 500 })
  reason: string;
}
