import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';

/** The default organisation (migration Organizations1796500000000): owner of every site an upgrade found. */
export const DEFAULT_ORGANIZATION_ID = 1;

/** An operator company of the hub: it owns sites, its users see only them (docs/architecture.md). */
@Entity({ name: 'organizations' })
@Index('uq_organizations_code', ['code'], { unique: true })
export class OrganizationEntity {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_organizations' })
  id: number;

  @Column({ name: 'code', type: 'varchar', length: 32 })
  code: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  /** Chinese name for the zh-CN UI and reports (migration ChineseNames1796900000000), or null. */
  @Column({ name: 'name_zh', type: 'varchar', length: 100, nullable: true })
  nameZh: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
