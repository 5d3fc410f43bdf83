import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';
import { SiteEntity } from '../sites/sites.module';

/** Which site (and metrics) a Sparkplug B edge node or device writes (docs/contract.md, "Sparkplug B"). */
@Entity({ name: 'sparkplug_mappings' })
@Index('uq_sparkplug_mappings_key', ['groupId', 'edgeId', 'deviceId'], { unique: true })
export class SparkplugMappingEntity {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_sparkplug_mappings' })
  id: number;

  @Column({ name: 'group_id', type: 'varchar', length: 100 })
  groupId: string;

  @Column({ name: 'edge_id', type: 'varchar', length: 100 })
  edgeId: string;

  /**
   * '' maps the whole edge node. Not NULL: a unique index holds NULLs apart on both databases, so two whole-node
   * mappings of one edge node could coexist.
   */
  @Column({ name: 'device_id', type: 'varchar', length: 100 })
  deviceId: string;

  @Column({ name: 'site_id', type: 'integer' })
  siteId: number;

  @ManyToOne(() => SiteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'fk_sparkplug_mappings_site' })
  site?: SiteEntity;

  /** JSON: Sparkplug metric name → { metric, labels? } (validated by sparkplugMappingSchema when written). */
  @Column({ name: 'metrics', type: 'text' })
  metrics: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 100 })
  updatedBy: string;
}
