import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';
import { SiteEntity } from '../sites/sites.module';

/** Per-site ingest token. Only the SHA-256 of the secret is stored (the secret has 256 random bits). */
@Entity({ name: 'ingest_tokens' })
@Index('uq_ingest_tokens_hash', ['tokenHash'], { unique: true })
@Index('ix_ingest_tokens_site', ['siteId'])
export class IngestTokenEntity {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'site_id', type: 'integer' })
  siteId: number;

  @ManyToOne(() => SiteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'fk_ingest_tokens_site' })
  site?: SiteEntity;

  @Column({ name: 'name', type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** First characters of the secret, to recognise a token in lists. */
  @Column({ name: 'prefix', type: 'varchar', length: 16 })
  prefix: string;

  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastUsedAt: number | null;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt: number | null;
}
