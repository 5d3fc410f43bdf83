import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs, nullableNumber } from '../platform/common/columns';
import { SiteEntity } from '../sites/sites.module';

/** A meter exchange recorded by an admin or the site's gateway (docs/contract.md, "Counters that fall"). */
@Entity({ name: 'meter_exchanges' })
@Index('ix_meter_exchanges_site', ['siteId', 'at'])
export class MeterExchangeEntity {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_meter_exchanges' })
  id: number;

  @Column({ name: 'site_id', type: 'integer' })
  siteId: number;

  @ManyToOne(() => SiteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'fk_meter_exchanges_site' })
  site?: SiteEntity;

  /** The counter metric (an unlabelled series of the site). */
  @Column({ name: 'metric', type: 'varchar', length: 64 })
  metric: string;

  @Column({ name: 'at', type: 'bigint', transformer: epochMs })
  at: number;

  @Column({ name: 'old_final', type: 'double precision', transformer: nullableNumber })
  oldFinal: number;

  @Column({ name: 'new_initial', type: 'double precision', transformer: nullableNumber })
  newInitial: number;

  @Column({ name: 'recorded_at', type: 'bigint', transformer: epochMs })
  recordedAt: number;

  /** A username, or `token:<id>` for a gateway. */
  @Column({ name: 'recorded_by', type: 'varchar', length: 64 })
  recordedBy: string;

  @Column({ name: 'note', type: 'varchar', length: 500, nullable: true })
  note: string | null;
}
