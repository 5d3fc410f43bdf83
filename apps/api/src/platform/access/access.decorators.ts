import { SetMetadata } from '@nestjs/common';
import type { Role } from '@dcfleet/contracts';

export const PUBLIC_KEY = 'dcfleet:public';
export const ROLES_KEY = 'dcfleet:roles';
export const INGEST_KEY = 'dcfleet:ingest';

/** No authentication at all (health probes, login, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Which user roles may call the route. Routes without @Roles, @Public or @IngestAuth are refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The route takes a per-site ingest token instead of a user JWT. */
export const IngestAuth = () => SetMetadata(INGEST_KEY, true);
