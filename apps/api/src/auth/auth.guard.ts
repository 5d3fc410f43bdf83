import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@dcfleet/contracts';
import { HUB_ONLY_KEY, INGEST_KEY, PUBLIC_KEY, ROLES_KEY } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { IngestTokenService } from './ingest-token.service';
import { SessionService } from './session.service';

/** Presented ingest secret: Bearer/Token header, basic-auth password or `p=` (InfluxDB v1 clients). */
export function ingestSecretOf(req: AppRequest): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, value] = header.split(' ', 2);
    const s = scheme?.toLowerCase();
    if ((s === 'bearer' || s === 'token') && value) return value.trim();
    if (s === 'basic' && value) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      return i >= 0 ? decoded.slice(i + 1) : undefined;
    }
  }
  const p = req.query?.p;
  return typeof p === 'string' && p ? p : undefined;
}

/**
 * Global guard: every route is closed unless it says who may call it (@Public, @Roles or @IngestAuth).
 * User JWTs never open ingest routes and ingest tokens never open anything else.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly tokens: IngestTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // sockets authenticate in their handshake
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AppRequest>();

    if (this.reflector.getAllAndOverride<boolean>(INGEST_KEY, targets)) {
      const secret = ingestSecretOf(req);
      if (!secret) throw new UnauthorizedException('missing ingest token (Authorization: Bearer <token>)');
      const check = await this.tokens.check(secret);
      if (!check.ok) {
        if (check.status === 403) throw new ForbiddenException(check.reason);
        throw new UnauthorizedException(check.reason);
      }
      req.ingest = { tokenId: check.tokenId, siteId: check.siteId, siteCode: check.siteCode };
      return true;
    }

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const header = req.headers.authorization;
    if (!header?.toLowerCase().startsWith('bearer ')) {
      throw new UnauthorizedException('missing bearer token: log in at POST /api/v1/auth/login');
    }
    const user = await this.sessions.verify(header.slice(7).trim());
    if (!user) throw new UnauthorizedException('invalid or expired session token');
    req.user = user;
    if (!roles || roles.length === 0) {
      // A route nobody declared roles for is a bug; refuse rather than open it.
      throw new HttpException('route has no access rule', 403);
    }
    if (user.kiosk) {
      // A wall display reads; it never changes anything, whatever its creator may do (docs/contract.md "Kiosk sessions").
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new ForbiddenException('a kiosk (wall display) session is read-only');
      if (!roles.some((r) => r !== 'admin'))
        throw new ForbiddenException('a kiosk (wall display) session may not open administration routes');
    }
    if (!roles.includes(user.role)) {
      throw new ForbiddenException(`role ${user.role} may not do this (needs ${roles.join(' or ')})`);
    }
    if (
      user.scope.kind === 'organization' &&
      this.reflector.getAllAndOverride<boolean>(HUB_ONLY_KEY, targets)
    ) {
      throw new ForbiddenException('only hub staff may do this, not members of an organisation');
    }
    return true;
  }
}
