import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';
import { SiteEntity } from '../sites/sites.module';

/**
 * An alarm rule: fleet-wide (`site_id` null) or for one site. A site rule replaces the fleet-wide rule of the
 * same kind and severity for that site (a disabled site rule switches it off there). Built-in fleet-wide
 * rules carry a unique `builtin` name: seeded at boot when absent, tunable, never deleted.
 */
@Entity({ name: 'alarm_rules' })
@Index('ix_alarm_rules_site', ['siteId'])
@Index('uq_alarm_rules_builtin', ['builtin'], { unique: true })
export class AlarmRuleEntity {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_alarm_rules' })
  id: number;

  @Column({ name: 'site_id', type: 'integer', nullable: true })
  siteId: number | null;

  @ManyToOne(() => SiteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'fk_alarm_rules_site' })
  site?: SiteEntity;

  @Column({ name: 'kind', type: 'varchar', length: 32 })
  kind: string;

  @Column({ name: 'severity', type: 'varchar', length: 16 })
  severity: string;

  /** JSON object, complete (defaults filled in). */
  @Column({ name: 'params', type: 'text' })
  params: string;

  @Column({ name: 'enabled', type: 'boolean' })
  enabled: boolean;

  @Column({ name: 'builtin', type: 'varchar', length: 64, nullable: true })
  builtin: string | null;

  @Column({ name: 'webhook_url', type: 'varchar', length: 2000, nullable: true })
  webhookUrl: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
