import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CreatedIngestToken, IngestTokenInfo } from '@dcfleet/contracts';
import { In, IsNull, type Repository } from 'typeorm';
import type { SiteEntity } from '../sites/sites.module';
import { IngestTokenEntity } from './ingest-token.entity';

export type TokenCheck =
  | { ok: true; tokenId: string; siteId: number; siteCode: string }
  | { ok: false; status: 401 | 403; reason: string };

interface CachedToken {
  tokenId: string;
  siteId: number;
  siteCode: string;
  revoked: boolean;
  checkedAt: number;
}

/** Cached lookups live this long; a revocation on another API instance takes effect within it. */
const CACHE_MS = 5_000;
/** last_used_at is written at most this often per token, not once per batch. */
const LAST_USED_WRITE_MS = 60_000;
/** Tokens first used within this long of each other get their last_used_at in one statement. */
const LAST_USED_BATCH_MS = 1_000;

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

@Injectable()
export class IngestTokenService {
  private readonly cache = new Map<string, CachedToken>();
  private readonly lastUsedWritten = new Map<string, number>();
  /** Tokens whose last_used_at is due, written together by writeLastUsed. */
  private readonly lastUsedDue = new Set<string>();
  private lastUsedTimer: NodeJS.Timeout | undefined;
  /** Told of every revocation on this instance, so long-lived sessions (MQTT) end at once, not at their next check. */
  private readonly revokedListeners: ((tokenId: string | null) => void)[] = [];

  constructor(@InjectRepository(IngestTokenEntity) private readonly tokens: Repository<IngestTokenEntity>) {}

  /** Resolves a presented secret. Unknown → 401; revoked → 403 (docs/contract.md "API"). */
  async check(secret: string): Promise<TokenCheck> {
    if (!secret.startsWith('dcf_') || secret.length < 20 || secret.length > 200) {
      return { ok: false, status: 401, reason: 'unknown ingest token' };
    }
    const hash = hashToken(secret);
    const now = Date.now();
    let entry = this.cache.get(hash);
    if (!entry || now - entry.checkedAt > CACHE_MS) {
      const row = await this.tokens.findOne({ where: { tokenHash: hash }, relations: { site: true } });
      if (!row || !row.site) {
        this.cache.delete(hash);
        return { ok: false, status: 401, reason: 'unknown ingest token' };
      }
      entry = {
        tokenId: row.id,
        siteId: row.siteId,
        siteCode: row.site.code,
        revoked: row.revokedAt !== null,
        checkedAt: now,
      };
      this.cache.set(hash, entry);
    }
    if (entry.revoked) return { ok: false, status: 403, reason: 'ingest token has been revoked' };
    this.touch(entry.tokenId, now);
    return { ok: true, tokenId: entry.tokenId, siteId: entry.siteId, siteCode: entry.siteCode };
  }

  private touch(tokenId: string, now: number): void {
    const last = this.lastUsedWritten.get(tokenId) ?? 0;
    if (now - last < LAST_USED_WRITE_MS) return;
    this.lastUsedWritten.set(tokenId, now);
    // One statement for the tokens used within a second. On SQLite a write waits for the telemetry writer's lock with
    // the event loop blocked: a fleet whose 50 sites start sending together made 50 such waits in a row, each
    // stalling every request in flight.
    this.lastUsedDue.add(tokenId);
    this.lastUsedTimer ??= setTimeout(() => this.writeLastUsed(), LAST_USED_BATCH_MS);
    this.lastUsedTimer.unref();
  }

  private writeLastUsed(): void {
    this.lastUsedTimer = undefined;
    const ids = [...this.lastUsedDue];
    this.lastUsedDue.clear();
    // Fire and forget: bookkeeping must never fail or slow an ingest.
    void this.tokens.update({ id: In(ids) }, { lastUsedAt: Date.now() }).catch(() => undefined);
  }

  async create(site: SiteEntity, name: string, createdBy: string | null): Promise<CreatedIngestToken> {
    const secret = 'dcf_' + randomBytes(32).toString('base64url');
    const row = this.tokens.create({
      id: randomUUID(),
      siteId: site.id,
      name,
      tokenHash: hashToken(secret),
      prefix: secret.slice(0, 10),
      createdBy,
      createdAt: Date.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.tokens.insert(row);
    return { ...this.toInfo(row, site.code), token: secret };
  }

  /** Tokens of one site, of a set of sites (a caller's scope), or of all. */
  async list(sites?: number | readonly number[]): Promise<IngestTokenInfo[]> {
    const rows = await this.tokens.find({
      where: sites === undefined ? {} : { siteId: typeof sites === 'number' ? sites : In([...sites]) },
      relations: { site: true },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => this.toInfo(r, r.site?.code ?? ''));
  }

  /**
   * Revokes a token; returns its info. Idempotent. `mayRevoke` sees the token's site id first: a token of a site
   * outside the caller's scope is not found, like one that does not exist.
   */
  async revoke(id: string, mayRevoke: (siteId: number) => boolean = () => true): Promise<IngestTokenInfo> {
    const row = await this.tokens.findOne({ where: { id }, relations: { site: true } });
    if (!row || !mayRevoke(row.siteId)) throw new NotFoundException(`ingest token ${id} not found`);
    if (row.revokedAt === null) {
      row.revokedAt = Date.now();
      await this.tokens.update({ id, revokedAt: IsNull() }, { revokedAt: row.revokedAt });
    }
    for (const [hash, entry] of this.cache) if (entry.tokenId === id) this.cache.delete(hash);
    this.announceRevoked(id);
    return this.toInfo(row, row.site?.code ?? '');
  }

  /** Revokes every active token of this name (the demo fleet's, when demo mode ends); returns how many. */
  async revokeNamed(name: string): Promise<number> {
    const res = await this.tokens.update({ name, revokedAt: IsNull() }, { revokedAt: Date.now() });
    this.cache.clear();
    this.announceRevoked(null);
    return res.affected ?? 0;
  }

  /**
   * `listener(tokenId)` after a revocation on this instance; `null` when several were revoked at once (re-check every
   * session). Other instances' sessions see it at their next periodic check (within CACHE_MS).
   */
  onRevoked(listener: (tokenId: string | null) => void): void {
    this.revokedListeners.push(listener);
  }

  private announceRevoked(tokenId: string | null): void {
    for (const l of this.revokedListeners) l(tokenId);
  }

  private toInfo(r: IngestTokenEntity, code: string): IngestTokenInfo {
    return {
      id: r.id,
      datacenter: code,
      name: r.name,
      prefix: r.prefix,
      createdAt: new Date(r.createdAt).toISOString(),
      createdBy: r.createdBy,
      lastUsedAt: r.lastUsedAt === null ? null : new Date(r.lastUsedAt).toISOString(),
      revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
    };
  }
}
