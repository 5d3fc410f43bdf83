/** Read and admin API types shared by the API and the dashboard (docs/contract.md "API"). */
import type { AlarmInfo, AlarmSeverity } from './live';
import type { Role } from './roles';
import type { DataCenter } from './site';

export const API_PREFIX = '/api/v1';

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  accessToken: string;
  expiresAt: string;
  user: SessionUser;
  /** Set when the token is a kiosk (wall display) session: read-only, long-lived, revocable by admins. */
  kiosk?: KioskSessionRef | null;
}

/** The kiosk session a token belongs to. */
export interface KioskSessionRef {
  id: number;
  name: string;
}

/** A wall-display session as admins list it (docs/contract.md "Kiosk sessions"). */
export interface KioskSessionInfo extends KioskSessionRef {
  /** The admin who created it; the display reads with this user's scope (and role), never writes. */
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

/** The answer to creating a kiosk session: the token, shown only here (it is a signed JWT; nothing secret is stored). */
export interface CreatedKioskSession extends KioskSessionInfo {
  token: string;
}

export interface CreateKioskSessionRequest {
  name: string;
  /** Lifetime in days, 1–365 (default 90). */
  ttlDays?: number;
}

/** Who is logged in, and the scope of sites they see (docs/contract.md "Organisations and scope"). */
export interface SessionUser {
  username: string;
  role: Role;
  /** The user's organisation (`nameZh` when it has a Chinese name); null for hub staff. */
  organization: { code: string; name: string; nameZh?: string } | null;
  /** A hub regulator's regions; null for all (and for everyone else). */
  regions: string[] | null;
}

export type SeriesStep = '1m' | '1h' | '1d';
export const SERIES_STEPS: readonly SeriesStep[] = ['1m', '1h', '1d'];

export interface SeriesPoint {
  /** Bucket start, ISO 8601 (for 1d: local midnight of the site's time zone). */
  t: string;
  avg: number | null;
  min: number | null;
  max: number | null;
  /** Counters only: reset-aware increase inside the bucket. */
  increase?: number | null;
}

export interface SeriesResponse {
  code: string;
  metric: string;
  unit: string;
  step: SeriesStep;
  from: string;
  to: string;
  /**
   * Every series of the site with this metric (none: the site does not report it). `points` are only the
   * buckets with data, oldest first (none: no data in this range); a bucket missing between two is a gap.
   */
  series: { labels: Record<string, string>; points: SeriesPoint[] }[];
}

export type CreateDataCenterRequest = Partial<DataCenter> & Pick<DataCenter, 'code' | 'name'>;
export type UpdateDataCenterRequest = Partial<Omit<DataCenter, 'code'>>;

export interface IngestTokenInfo {
  id: string;
  datacenter: string;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedIngestToken extends IngestTokenInfo {
  /** The secret: shown only in this response, stored hashed. */
  token: string;
}

export interface CreateUserRequest {
  username: string;
  password: string;
  role: Role;
  /** Code of the user's organisation; absent or null: hub staff. */
  organization?: string | null;
  /** A hub regulator's regions or hubs (site `region` or `hub` values); absent or null: all. */
  regions?: string[] | null;
}

/** Which sites figures cover: the caller's scope (docs/contract.md "Organisations and scope"). */
export type ScopeInfo =
  | { kind: 'hub' }
  | { kind: 'organization'; code: string; name: string; nameZh?: string | null }
  | { kind: 'regions'; regions: string[] };

/** The organisation that owns every site created without one, and every site an upgrade found. */
export const DEFAULT_ORGANIZATION_CODE = 'DEFAULT';

/** An operator company of the hub and what it owns (GET /api/v1/organizations). */
export interface OrganizationInfo {
  code: string;
  name: string;
  /** Chinese name (zh-CN UI and reports), or null. */
  nameZh: string | null;
  /** Codes of the sites it owns, sorted. */
  sites: string[];
  /** Users that belong to it (hub staff belong to none). */
  users: number;
  createdAt: string;
}

export interface UserInfo {
  id: number;
  username: string;
  role: Role;
  createdAt: string;
  disabled: boolean;
  /** Code of the user's organisation; null for hub staff. */
  organization: string | null;
  /** A hub regulator's regions; null for all. */
  regions: string[] | null;
}

export interface ReceiptInfo {
  id: string;
  seq: number;
  datacenter: string;
  accepted: number;
  rejected: number;
  contentHash: string;
  prevHash: string;
  hash: string;
  minTs: string | null;
  maxTs: string | null;
  receivedAt: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorType: 'user' | 'token' | 'system' | 'anonymous';
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

/** Alarm rule kinds (docs/contract.md "Alarms"). Parameters per kind: see `parseAlarmRuleParams` in schemas.ts. */
export const ALARM_RULE_KINDS = ['inlet_temp', 'inlet_rate', 'pue', 'stale', 'metering'] as const;
export type AlarmRuleKind = (typeof ALARM_RULE_KINDS)[number];
export const ALARM_SEVERITIES = ['warning', 'critical'] as const;

/**
 * ASHRAE TC 9.9 (2021): recommended 18–27 °C (warning), A1 allowable 15–32 °C (critical). Here rather than in
 * schemas.ts: the dashboard draws these bands, and importing anything from schemas.ts pulls zod into its bundle.
 */
export const ASHRAE_INLET_BANDS: Record<AlarmSeverity, { low: number; high: number }> = {
  warning: { low: 18, high: 27 },
  critical: { low: 15, high: 32 },
};

export interface AlarmRuleInfo {
  id: number;
  /** null: fleet-wide. A site rule replaces the fleet-wide rule of the same kind and severity for that site. */
  datacenter: string | null;
  kind: AlarmRuleKind;
  severity: AlarmSeverity;
  params: Record<string, unknown>;
  enabled: boolean;
  /** Name of a built-in rule (seeded at boot; can be tuned or disabled, not deleted), else null. */
  builtin: string | null;
  /** Notified in addition to ALARM_WEBHOOK_URL. */
  webhookUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export type AlarmWebhookEvent = 'raised' | 'acknowledged' | 'cleared';

/** Body of every alarm webhook POST (Content-Type: application/json). */
export interface AlarmWebhookPayload {
  event: AlarmWebhookEvent;
  alarm: AlarmInfo;
  /** When this delivery attempt was made, ISO 8601. */
  sentAt: string;
}
