import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../platform/common/columns';

/**
 * A wall-display (kiosk) session: a long-lived, read-only JWT names this row, so revoking the row ends the display at
 * once. Nothing secret is stored: the token is signed, and the row only says whether it still counts.
 */
@Entity({ name: 'kiosk_sessions' })
@Index('ix_kiosk_sessions_user', ['userId'])
export class KioskSessionEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'name', type: 'varchar', length: 64 })
  name: string;

  /** The creating admin (no foreign key: users are disabled, not deleted; a missing or disabled user ends it). */
  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  /** The creator's organisation at creation (NULL: hub staff): whose admins list and revoke it. */
  @Column({ name: 'organization_id', type: 'integer', nullable: true })
  organizationId: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt: number | null;

  @Column({ name: 'last_seen_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastSeenAt: number | null;
}
