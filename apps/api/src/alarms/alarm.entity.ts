import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs, nullableNumber } from '../platform/common/columns';
import { SiteEntity } from '../sites/sites.module';
import { AlarmRuleEntity } from './alarm-rule.entity';

/**
 * One alarm occurrence (history is kept: a condition that returns is a new row). `active_key` is
 * `<rule id>:<key>` while the alarm is active and NULL once cleared: the unique index on (site_id, active_key)
 * makes "at most one active alarm per rule, site and key" hold across API instances.
 * Written by AlarmStore with plain SQL (bulk); this entity serves reads and the schema check.
 */
@Entity({ name: 'alarms' })
@Index('ix_alarms_state', ['state', 'id'])
@Index('ix_alarms_site', ['siteId', 'id'])
@Index('uq_alarms_active', ['siteId', 'activeKey'], { unique: true })
export class AlarmEntity {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_alarms' })
  id: number;

  @Column({ name: 'site_id', type: 'integer' })
  siteId: number;

  /**
   * No foreign keys on this table, on purpose (like receipts): alarms are written in bulk next to ingest, and
   * on PostgreSQL a foreign-key check is a per-row trigger that also takes a KEY SHARE lock on the site row,
   * which the ingest transaction locks FOR UPDATE (receipt chain), so alarm writes and ingest would queue
   * behind each other. Sites are never deleted.
   */
  @ManyToOne(() => SiteEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'site_id' })
  site?: SiteEntity;

  @Column({ name: 'rule_id', type: 'integer', nullable: true })
  ruleId: number | null;

  /** Set to NULL when the rule is deleted (by AlarmRulesService; no foreign key, see `site`). */
  @ManyToOne(() => AlarmRuleEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'rule_id' })
  rule?: AlarmRuleEntity;

  @Column({ name: 'rule_kind', type: 'varchar', length: 32 })
  ruleKind: string;

  @Column({ name: 'key', type: 'varchar', length: 300 })
  key: string;

  @Column({ name: 'severity', type: 'varchar', length: 16 })
  severity: string;

  /** active | cleared */
  @Column({ name: 'state', type: 'varchar', length: 16 })
  state: string;

  @Column({ name: 'active_key', type: 'varchar', length: 340, nullable: true })
  activeKey: string | null;

  @Column({ name: 'message', type: 'varchar', length: 1000 })
  message: string;

  @Column({ name: 'value', type: 'double precision', nullable: true, transformer: nullableNumber })
  value: number | null;

  @Column({ name: 'threshold', type: 'double precision', nullable: true, transformer: nullableNumber })
  threshold: number | null;

  /** JSON object or NULL. */
  @Column({ name: 'details', type: 'text', nullable: true })
  details: string | null;

  /** Event time of the sample that raised it. */
  @Column({ name: 'event_ts', type: 'bigint', transformer: epochMs })
  eventTs: number;

  @Column({ name: 'raised_at', type: 'bigint', transformer: epochMs })
  raisedAt: number;

  @Column({ name: 'cleared_at', type: 'bigint', nullable: true, transformer: epochMs })
  clearedAt: number | null;

  /** Event time of the sample that showed the condition ended (null when cleared for another reason). */
  @Column({ name: 'cleared_event_ts', type: 'bigint', nullable: true, transformer: epochMs })
  clearedEventTs: number | null;

  @Column({ name: 'cleared_value', type: 'double precision', nullable: true, transformer: nullableNumber })
  clearedValue: number | null;

  @Column({ name: 'acknowledged_at', type: 'bigint', nullable: true, transformer: epochMs })
  acknowledgedAt: number | null;

  @Column({ name: 'acknowledged_by', type: 'varchar', length: 64, nullable: true })
  acknowledgedBy: string | null;

  @Column({ name: 'note', type: 'varchar', length: 1000, nullable: true })
  note: string | null;
}
