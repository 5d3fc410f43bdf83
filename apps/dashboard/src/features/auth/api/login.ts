import { API_PREFIX, type LoginRequest, type LoginResponse } from '@dcfleet/contracts';
import { request } from '../../../api/client';
import { clearSession, saveSession } from '../../../api/session';

/** POST /api/v1/auth/login; stores the session on success. */
export async function login(credentials: LoginRequest): Promise<LoginResponse> {
  const session = await request<LoginResponse>(`${API_PREFIX}/auth/login`, {
    method: 'POST',
    body: credentials,
    auth: false,
  });
  saveSession(session);
  return session;
}

/** The API's JWTs are stateless: logging out forgets the token in this tab. */
export function logout(): void {
  clearSession();
}
