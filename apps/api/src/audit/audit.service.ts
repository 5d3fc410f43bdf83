import { Injectable, Logger } from '@nestjs/common';
import type { AuditEntry } from '@dcfleet/contracts';
import type { AuditActor } from '../platform/access/request-actor';
import type { Scope } from '../platform/access/scope';
import { AuditRepository } from './audit.repository';

/** Append-only record of every security-relevant or state-changing action. Never holds secrets. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(private readonly repo: AuditRepository) {}

  async record(
    who: AuditActor,
    action: string,
    target: string | null,
    details: Record<string, unknown> | null = null,
  ): Promise<void> {
    await this.repo.append({
      at: Date.now(),
      actor: who.actor.slice(0, 100),
      actorType: who.actorType,
      action,
      target: target ? target.slice(0, 200) : null,
      ip: who.ip ? who.ip.slice(0, 64) : null,
      details: details ? JSON.stringify(details) : null,
      organizationId: who.organizationId ?? null,
    });
    this.logger.log(
      `${who.actorType}:${printable(who.actor.slice(0, 100))} ${action}${target ? ' ' + printable(target.slice(0, 200)) : ''}`,
    );
  }

  /** Newest first; an organisation member's scope reads only its organisation's entries. */
  async list(scope: Scope, limit: number, beforeId?: number): Promise<AuditEntry[]> {
    const org = scope.kind === 'organization' ? scope.organizationId : undefined;
    const rows = await this.repo.page(limit, beforeId, org);
    return rows.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      actorType: r.actorType as AuditEntry['actorType'],
      action: r.action,
      target: r.target,
      ip: r.ip,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    }));
  }
}

/**
 * Log-safe text: control characters escaped (\n as \x0a …), so a failed login's made-up username cannot forge
 * log lines. The audit row keeps the text as given; its JSON API escapes it anyway.
 */
export function printable(text: string): string {
  return text.replace(
    /[\x00-\x1f\x7f\u2028\u2029]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
