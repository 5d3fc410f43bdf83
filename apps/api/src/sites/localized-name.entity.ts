import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';

/**
 * The Chinese name of a region, hub or operator value that sites carry as a plain string (migration
 * ChineseNames1796900000000): one row per value, so every site of a region shows the same name.
 */
@Entity({ name: 'localized_names' })
export class LocalizedNameEntity {
  @PrimaryColumn({
    name: 'kind',
    type: 'varchar',
    length: 16,
    primaryKeyConstraintName: 'pk_localized_names',
  })
  kind: string;

  @PrimaryColumn({
    name: 'name',
    type: 'varchar',
    length: 200,
    primaryKeyConstraintName: 'pk_localized_names',
  })
  name: string;

  @Column({ name: 'name_zh', type: 'varchar', length: 100 })
  nameZh: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 100 })
  updatedBy: string;
}
