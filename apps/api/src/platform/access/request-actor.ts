/** Who is acting in a request, as authentication established it: the actor audit entries name. */
import type { AuditEntry } from '@dcfleet/contracts';
import type { AppRequest } from './access.types';

/** Who an audit entry names: a user, an ingest token, the system itself, or nobody known. */
export interface AuditActor {
  actor: string;
  actorType: AuditEntry['actorType'];
  ip: string | null;
  /** The acting user's organisation (its admin reads the entry); absent or null: hub staff, a token, the system. */
  organizationId?: number | null;
}

export const SYSTEM_ACTOR: AuditActor = { actor: 'system', actorType: 'system', ip: null };

export function clientIp(req: AppRequest): string | null {
  return req.ip ?? req.socket?.remoteAddress ?? null;
}

/** Who is acting, for the audit log. */
export function actorOf(req: AppRequest): AuditActor {
  if (req.user) {
    const { scope } = req.user;
    const organizationId = scope.kind === 'organization' ? scope.organizationId : null;
    return { actor: req.user.username, actorType: 'user', ip: clientIp(req), organizationId };
  }
  if (req.ingest) return { actor: `token:${req.ingest.tokenId}`, actorType: 'token', ip: clientIp(req) };
  return { actor: 'anonymous', actorType: 'anonymous', ip: clientIp(req) };
}
