import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';
import { SiteReferenceColumns } from './site-reference-columns';
import { SiteEntity } from './site.entity';

/**
 * The reference fields of a site that ratings depend on, in force from `effectiveFrom` until the site's next entry
 * (docs/contract.md, "Reference data"). A rating uses the entry in force at the end of its period.
 */
@Entity({ name: 'site_reference' })
@Index('uq_site_reference_site_from', ['siteId', 'effectiveFrom'], { unique: true })
export class SiteReferenceEntity extends SiteReferenceColumns {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_site_reference' })
  id: number;

  @Column({ name: 'site_id', type: 'integer' })
  siteId: number;

  @ManyToOne(() => SiteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'fk_site_reference_site' })
  site?: SiteEntity;

  /** Epoch ms (a local day start of the site); 0: since always. */
  @Column({ name: 'effective_from', type: 'bigint', transformer: epochMs })
  effectiveFrom: number;

  @Column({ name: 'pue_category', type: 'integer' })
  pueCategory: number;

  @Column({ name: 'recorded_at', type: 'bigint', transformer: epochMs })
  recordedAt: number;

  @Column({ name: 'recorded_by', type: 'varchar', length: 64 })
  recordedBy: string;

  @Column({ name: 'reason', type: 'varchar', length: 500, nullable: true })
  reason: string | null;
}
