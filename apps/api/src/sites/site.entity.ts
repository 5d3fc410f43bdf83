import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs, nullableNumber } from '../platform/common/columns';
import { SiteReferenceColumns } from './site-reference-columns';

/**
 * A site. Its reference fields (SiteReferenceColumns, and pueCategory) hold the values in force now; their history
 * is `site_reference`.
 */
@Entity({ name: 'sites' })
@Index('uq_sites_code', ['code'], { unique: true })
@Index('ix_sites_organization', ['organizationId'])
export class SiteEntity extends SiteReferenceColumns {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'code', type: 'varchar', length: 32 })
  code: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  /** Chinese name for the zh-CN UI and reports (migration ChineseNames1796900000000), or null. */
  @Column({ name: 'name_zh', type: 'varchar', length: 100, nullable: true })
  nameZh: string | null;

  @Column({ name: 'operator', type: 'varchar', length: 200, nullable: true })
  operator: string | null;

  @Column({ name: 'region', type: 'varchar', length: 100, nullable: true })
  region: string | null;

  @Column({ name: 'hub', type: 'varchar', length: 100, nullable: true })
  hub: string | null;

  @Column({ name: 'latitude', type: 'double precision', nullable: true, transformer: nullableNumber })
  latitude: number | null;

  @Column({ name: 'longitude', type: 'double precision', nullable: true, transformer: nullableNumber })
  longitude: number | null;

  @Column({ name: 'timezone', type: 'varchar', length: 64, default: 'Asia/Shanghai' })
  timezone: string;

  @Column({ name: 'it_capacity_kw', type: 'double precision', nullable: true, transformer: nullableNumber })
  itCapacityKw: number | null;

  @Column({ name: 'pue_category', type: 'integer', default: 1 })
  pueCategory: number;

  @Column({ name: 'commissioned_at', type: 'bigint', nullable: true, transformer: epochMs })
  commissionedAt: number | null;

  /** Head of the per-site receipt hash chain; locked (FOR NO KEY UPDATE on PostgreSQL) while a batch commits. */
  @Column({ name: 'chain_seq', type: 'bigint', default: 0, transformer: epochMs })
  chainSeq: number;

  @Column({ name: 'chain_head', type: 'varchar', length: 64, default: '' })
  chainHead: string;

  /** The organisation that owns the site (organizations/); the default one (1) when none was given. */
  @Column({ name: 'organization_id', type: 'integer', default: 1 })
  organizationId: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
