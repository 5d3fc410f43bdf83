import type { Request } from 'express';
import type { Role } from '@dcfleet/contracts';

export interface AuthenticatedUser {
  id: number;
  username: string;
  role: Role;
}

export interface IngestPrincipal {
  tokenId: string;
  siteId: number;
  siteCode: string;
}

export interface AppRequest extends Request {
  user?: AuthenticatedUser;
  ingest?: IngestPrincipal;
}
