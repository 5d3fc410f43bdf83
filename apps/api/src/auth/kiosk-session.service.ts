import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { KioskSessionInfo } from '@dcfleet/contracts';
import type { Scope } from '../platform/access/scope';
import { UserSessions } from '../users/users.module';
import { KioskSessionEntity } from './kiosk-session.entity';

/** lastSeenAt is bookkeeping for the admin list: written at most this often per session. */
const LAST_SEEN_WRITE_MS = 60_000;

/**
 * The rows behind kiosk (wall display) tokens. A token counts while its row exists, is not revoked and has not
 * expired; every verification reads the row (a primary-key lookup, no cache), so a revocation holds on every
 * instance at the next request.
 */
@Injectable()
export class KioskSessionService {
  private readonly lastSeenWritten = new Map<number, number>();

  constructor(
    @InjectRepository(KioskSessionEntity) private readonly repo: Repository<KioskSessionEntity>,
    private readonly userSessions: UserSessions,
  ) {}

  async create(input: {
    name: string;
    userId: number;
    createdBy: string;
    organizationId: number | null;
    ttlDays: number;
  }): Promise<KioskSessionEntity> {
    const now = Date.now();
    const row = this.repo.create({
      name: input.name,
      userId: input.userId,
      createdBy: input.createdBy,
      organizationId: input.organizationId,
      createdAt: now,
      expiresAt: now + input.ttlDays * 86_400_000,
      revokedAt: null,
      lastSeenAt: null,
    });
    return this.repo.save(row);
  }

  /** The row of a token still in force, or null (unknown, revoked, expired, or not the token's user). */
  async active(id: number, userId: number, now = Date.now()): Promise<KioskSessionEntity | null> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row || row.userId !== userId || row.revokedAt !== null || row.expiresAt <= now) return null;
    this.touch(row.id, now);
    return row;
  }

  private touch(id: number, now: number): void {
    if (now - (this.lastSeenWritten.get(id) ?? 0) < LAST_SEEN_WRITE_MS) return;
    this.lastSeenWritten.set(id, now);
    // Fire and forget: bookkeeping must never fail or slow a read.
    void this.repo.update({ id }, { lastSeenAt: now }).catch(() => undefined);
  }

  /** Sessions an admin may see: all for hub admins, their organisation's for an organisation's admin. */
  async list(scope: Scope): Promise<KioskSessionInfo[]> {
    const rows = await this.repo.find({
      where: scope.kind === 'organization' ? { organizationId: scope.organizationId } : {},
      order: { id: 'DESC' },
    });
    return rows.map(toInfo);
  }

  /** Revokes a session in the caller's scope (404 otherwise); revoking twice keeps the first moment. */
  async revoke(id: number, scope: Scope): Promise<KioskSessionInfo> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row || (scope.kind === 'organization' && row.organizationId !== scope.organizationId))
      throw new NotFoundException(`kiosk session ${id} not found`);
    if (row.revokedAt === null) {
      row.revokedAt = Date.now();
      await this.repo.save(row);
      // The display's live socket acts as its creator: disconnecting the creator's sockets (on every instance) makes
      // it reconnect, and its handshake then fails. The creator's own tabs reconnect at once with valid tokens.
      this.userSessions.ended(row.userId);
    }
    return toInfo(row);
  }
}

export function toInfo(r: KioskSessionEntity): KioskSessionInfo {
  return {
    id: r.id,
    name: r.name,
    createdBy: r.createdBy,
    createdAt: new Date(r.createdAt).toISOString(),
    expiresAt: new Date(r.expiresAt).toISOString(),
    revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
    lastSeenAt: r.lastSeenAt === null ? null : new Date(r.lastSeenAt).toISOString(),
  };
}
