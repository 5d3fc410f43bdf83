import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@dcfleet/contracts';
import type { AppRequest } from './access.types';
import type { Scope } from './scope';

export const PUBLIC_KEY = 'dcfleet:public';
export const ROLES_KEY = 'dcfleet:roles';
export const INGEST_KEY = 'dcfleet:ingest';
export const HUB_ONLY_KEY = 'dcfleet:hub-only';

/** No authentication at all (health probes, login, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Which user roles may call the route. Routes without @Roles, @Public or @IngestAuth are refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * Only hub staff (users of no organisation) may call the route, on top of @Roles: what spans organisations —
 * organisations themselves, which one owns a site, sites' creation and deletion — is the hub's to decide.
 */
export const HubOnly = () => SetMetadata(HUB_ONLY_KEY, true);

/** The route takes a per-site ingest token instead of a user JWT. */
export const IngestAuth = () => SetMetadata(INGEST_KEY, true);

/**
 * The caller's scope (platform/access/scope.ts) as a handler parameter, for routes a user session opens. Reading it
 * on a route without one is a bug, answered 500 rather than guessed.
 */
export const CallerScope = createParamDecorator((_data: unknown, ctx: ExecutionContext): Scope => {
  const user = ctx.switchToHttp().getRequest<AppRequest>().user;
  if (!user) throw new Error('CallerScope read on a route without a user session');
  return user.scope;
});
