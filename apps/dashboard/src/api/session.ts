import type { LoginResponse } from '@dcfleet/contracts';

/** The signed-in user's session, kept in sessionStorage so it ends with the browser tab. */
export type Session = LoginResponse;

const KEY = 'dcfleet.session';

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined; // storage disabled (privacy mode, sandboxed iframe)
  }
}

export function loadSession(now: number = Date.now()): Session | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    if (typeof session.accessToken !== 'string' || !session.user) return null;
    if (session.expiresAt && Date.parse(session.expiresAt) <= now) {
      clearSession();
      return null;
    }
    return session;
  } catch {
    clearSession();
    return null;
  }
}

export function saveSession(session: Session): void {
  storage()?.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  storage()?.removeItem(KEY);
}

export function accessToken(): string | null {
  return loadSession()?.accessToken ?? null;
}
