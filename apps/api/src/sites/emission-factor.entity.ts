import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, nullableNumber } from '../platform/common/columns';

/** A published grid emission factor (kgCO₂e/kWh) of a grid region and year, maintained by the hub's admins. */
@Entity({ name: 'emission_factors' })
export class EmissionFactorEntity {
  @PrimaryColumn({
    name: 'region',
    type: 'varchar',
    length: 32,
    primaryKeyConstraintName: 'pk_emission_factors',
  })
  region: string;

  @PrimaryColumn({ name: 'year', type: 'integer', primaryKeyConstraintName: 'pk_emission_factors' })
  year: number;

  @Column({ name: 'factor', type: 'double precision', transformer: nullableNumber })
  factor: number;

  @Column({ name: 'source', type: 'varchar', length: 300 })
  source: string;

  @Column({ name: 'recorded_at', type: 'bigint', transformer: epochMs })
  recordedAt: number;

  @Column({ name: 'recorded_by', type: 'varchar', length: 64 })
  recordedBy: string;
}
