import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs, stringList } from '../platform/common/columns';

@Entity({ name: 'users' })
@Index('uq_users_username', ['username'], { unique: true })
export class UserEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'username', type: 'varchar', length: 64 })
  username: string;

  /** argon2id hash (PHC string). */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'role', type: 'varchar', length: 16 })
  role: string;

  @Column({ name: 'disabled', type: 'boolean', default: false })
  disabled: boolean;

  /** Sessions carry the version they were issued under; a bump ends them all (see SessionService). */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  /** The user's organisation; NULL for hub staff, who are not limited to one organisation's sites. */
  @Column({ name: 'organization_id', type: 'integer', nullable: true })
  organizationId: number | null;

  /** A regulator's regions (site `region` values); NULL for every region. */
  @Column({ name: 'regions', type: 'text', nullable: true, transformer: stringList })
  regions: string[] | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
