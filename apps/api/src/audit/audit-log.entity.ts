import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';

@Entity({ name: 'audit_log' })
@Index('ix_audit_log_at', ['at'])
@Index('ix_audit_log_organization', ['organizationId', 'id'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'at', type: 'bigint', transformer: epochMs })
  at: number;

  @Column({ name: 'actor', type: 'varchar', length: 100 })
  actor: string;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType: string;

  @Column({ name: 'action', type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target', type: 'varchar', length: 200, nullable: true })
  target: string | null;

  @Column({ name: 'ip', type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'details', type: 'text', nullable: true })
  details: string | null;

  /** The acting user's organisation; NULL for hub staff, tokens and the system. */
  @Column({ name: 'organization_id', type: 'integer', nullable: true })
  organizationId: number | null;
}
