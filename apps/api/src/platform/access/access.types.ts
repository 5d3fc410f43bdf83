import type { Request } from 'express';
import type { KioskSessionRef, Role } from '@dcfleet/contracts';
import type { Scope } from './scope';

export interface AuthenticatedUser {
  id: number;
  username: string;
  role: Role;
  /** The sites this user may see, from the user's row at this request. */
  scope: Scope;
  /** Set for a kiosk (wall display) session: it may read what its creator reads, and change nothing. */
  kiosk?: KioskSessionRef;
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
