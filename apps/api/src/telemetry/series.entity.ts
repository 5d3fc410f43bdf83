import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';
import { SiteEntity } from '../sites/sites.module';

/** One series per (site, metric, labels). `labels` is the canonical JSON (sorted keys), '' for none. */
@Entity({ name: 'series' })
@Index('uq_series_site_metric_labels', ['siteId', 'metric', 'labels'], { unique: true })
export class SeriesEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'site_id', type: 'integer' })
  siteId: number;

  @ManyToOne(() => SiteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'fk_series_site' })
  site?: SiteEntity;

  @Column({ name: 'metric', type: 'varchar', length: 64 })
  metric: string;

  @Column({ name: 'labels', type: 'varchar', length: 1024, default: '' })
  labels: string;

  @Column({ name: 'kind', type: 'varchar', length: 16 })
  kind: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
