import {
  API_PREFIX,
  type AlarmRuleInfo,
  type CreateAlarmRuleInput,
  type CreateDataCenterRequest,
  type CreatedIngestToken,
  type CreateUserRequest,
  type DataCenterWithSnapshot,
  type CreateOrganizationInput,
  type IngestTokenInfo,
  type LocalizedName,
  type OrganizationInfo,
  type SetLocalizedNameInput,
  type UpdateOrganizationInput,
  type Role,
  type UpdateAlarmRuleInput,
  type UpdateDataCenterRequest,
  type UserInfo,
} from '@dcfleet/contracts';
import { queryOptions } from '@tanstack/react-query';
import { request } from '../../../api/client';

/** Every site's ingest tokens (the secrets are never listed). */
export const tokensQuery = () =>
  queryOptions({ queryKey: ['admin', 'tokens'], queryFn: ({ signal }) => fetchTokens(signal) });

export const usersQuery = () =>
  queryOptions({ queryKey: ['admin', 'users'], queryFn: ({ signal }) => fetchUsers(signal) });

/** Organisations with their sites and user counts (hub admins only: the API answers 403 to anyone else). */
export const organizationsQuery = () =>
  queryOptions({ queryKey: ['admin', 'organizations'], queryFn: ({ signal }) => fetchOrganizations(signal) });

export const alarmRulesQuery = () =>
  queryOptions({ queryKey: ['admin', 'alarm-rules'], queryFn: ({ signal }) => fetchAlarmRules(signal) });

/** `organization`: the owner's code (hub admins; default: the default organisation). */
export function createSite(
  body: CreateDataCenterRequest & { organization?: string },
): Promise<DataCenterWithSnapshot> {
  return request(`${API_PREFIX}/datacenters`, { method: 'POST', body });
}

export function updateSite(code: string, body: UpdateDataCenterRequest): Promise<DataCenterWithSnapshot> {
  return request(`${API_PREFIX}/datacenters/${encodeURIComponent(code)}`, { method: 'PATCH', body });
}

export function fetchTokens(signal: AbortSignal): Promise<IngestTokenInfo[]> {
  return request<IngestTokenInfo[]>(`${API_PREFIX}/tokens`, { signal });
}

export function createToken(code: string, name: string): Promise<CreatedIngestToken> {
  return request(`${API_PREFIX}/datacenters/${encodeURIComponent(code)}/tokens`, {
    method: 'POST',
    body: name ? { name } : {},
  });
}

export function revokeToken(id: string): Promise<IngestTokenInfo> {
  return request(`${API_PREFIX}/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function fetchUsers(signal: AbortSignal): Promise<UserInfo[]> {
  return request<UserInfo[]>(`${API_PREFIX}/users`, { signal });
}

export function createUser(body: CreateUserRequest): Promise<UserInfo> {
  return request(`${API_PREFIX}/users`, { method: 'POST', body });
}

export function updateUser(
  username: string,
  body: {
    role?: Role;
    disabled?: boolean;
    password?: string;
    organization?: string | null;
    regions?: string[] | null;
  },
): Promise<UserInfo> {
  return request(`${API_PREFIX}/users/${encodeURIComponent(username)}`, { method: 'PATCH', body });
}

export function fetchAlarmRules(signal: AbortSignal): Promise<AlarmRuleInfo[]> {
  return request<AlarmRuleInfo[]>(`${API_PREFIX}/alarm-rules`, { signal });
}

export function createAlarmRule(body: CreateAlarmRuleInput): Promise<AlarmRuleInfo> {
  return request(`${API_PREFIX}/alarm-rules`, { method: 'POST', body });
}

export function updateAlarmRule(id: number, body: UpdateAlarmRuleInput): Promise<AlarmRuleInfo> {
  return request(`${API_PREFIX}/alarm-rules/${id}`, { method: 'PATCH', body });
}

export function deleteAlarmRule(id: number): Promise<void> {
  return request(`${API_PREFIX}/alarm-rules/${id}`, { method: 'DELETE' });
}

export function fetchOrganizations(signal: AbortSignal): Promise<OrganizationInfo[]> {
  return request<OrganizationInfo[]>(`${API_PREFIX}/organizations`, { signal });
}

export function createOrganization(body: CreateOrganizationInput): Promise<OrganizationInfo> {
  return request(`${API_PREFIX}/organizations`, { method: 'POST', body });
}

/** Renames an organisation: `nameZh` null clears its Chinese name. */
export function updateOrganization(code: string, body: UpdateOrganizationInput): Promise<OrganizationInfo> {
  return request(`${API_PREFIX}/organizations/${encodeURIComponent(code)}`, { method: 'PATCH', body });
}

/** The hub's Chinese names of region, hub and operator values. */
export const namesQuery = () =>
  queryOptions({
    queryKey: ['admin', 'names'],
    queryFn: ({ signal }) => request<LocalizedName[]>(`${API_PREFIX}/names`, { signal }),
  });

/** Sets a value's Chinese name (null removes it); answers the entry, or null once removed. */
export function setLocalizedName(body: SetLocalizedNameInput): Promise<LocalizedName | null> {
  return request(`${API_PREFIX}/names`, { method: 'PUT', body });
}

/** 409 (with the reason) while it still owns sites or has users. */
export function deleteOrganization(code: string): Promise<void> {
  return request(`${API_PREFIX}/organizations/${encodeURIComponent(code)}`, { method: 'DELETE' });
}

/** Moves a site into the organisation (audited); answers the receiving organisation. */
export function moveSite(organization: string, site: string): Promise<OrganizationInfo> {
  return request(`${API_PREFIX}/organizations/${encodeURIComponent(organization)}/sites`, {
    method: 'POST',
    body: { site },
  });
}
