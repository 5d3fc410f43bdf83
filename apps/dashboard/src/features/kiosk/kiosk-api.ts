import {
  API_PREFIX,
  type CreateKioskSessionRequest,
  type CreatedKioskSession,
  type KioskSessionInfo,
  type LoginResponse,
} from '@dcfleet/contracts';
import { queryOptions } from '@tanstack/react-query';
import { request } from '../../api/client';

export const kioskSessionsQuery = () =>
  queryOptions({
    queryKey: ['admin', 'kiosk-sessions'],
    queryFn: ({ signal }) => request<KioskSessionInfo[]>(`${API_PREFIX}/auth/kiosk-sessions`, { signal }),
  });

export function createKioskSession(body: CreateKioskSessionRequest): Promise<CreatedKioskSession> {
  return request(`${API_PREFIX}/auth/kiosk-sessions`, { method: 'POST', body });
}

export function revokeKioskSession(id: number): Promise<KioskSessionInfo> {
  return request(`${API_PREFIX}/auth/kiosk-sessions/${id}`, { method: 'DELETE' });
}

/** What a kiosk link's token is (its user, scope, expiry): the display's session. */
export function sessionOfToken(token: string): Promise<LoginResponse> {
  return request<LoginResponse>(`${API_PREFIX}/auth/session`, { token });
}
