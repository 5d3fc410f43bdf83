import type { LoginResponse } from '@dcfleet/contracts';

/**
 * The signed-in user's session, kept in localStorage so that every tab of the browser shares it: a new tab is
 * signed in, and a sign-in, sign-out or expiry in one tab reaches the others (the `storage` event). A kiosk
 * (wall display) session is kept the same way, so a reboot of the wall's PC stays signed in.
 */
export type Session = LoginResponse;

export const SESSION_KEY = 'dcfleet.session';

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled (privacy mode, sandboxed iframe)
  }
}

/** A session a tab kept in sessionStorage before sessions were shared moves to the shared store once. */
function adoptTabSession(): void {
  try {
    const old = globalThis.sessionStorage?.getItem(SESSION_KEY);
    if (old === null || old === undefined) return;
    globalThis.sessionStorage.removeItem(SESSION_KEY);
    if (!storage()?.getItem(SESSION_KEY)) storage()?.setItem(SESSION_KEY, old);
  } catch {
    // storage disabled: nothing to adopt
  }
}

/** Parses a stored session; null when absent, malformed or expired at `now`. */
export function parseSession(raw: string | null | undefined, now: number = Date.now()): Session | null {
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    if (typeof session.accessToken !== 'string' || !session.user) return null;
    if (session.expiresAt && Date.parse(session.expiresAt) <= now) return null;
    return session;
  } catch {
    return null;
  }
}

export function loadSession(now: number = Date.now()): Session | null {
  adoptTabSession();
  const raw = storage()?.getItem(SESSION_KEY);
  const session = parseSession(raw, now);
  if (raw && !session) clearSession();
  return session;
}

export function saveSession(session: Session): void {
  storage()?.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  storage()?.removeItem(SESSION_KEY);
}

export function accessToken(): string | null {
  return loadSession()?.accessToken ?? null;
}

/**
 * Calls `listener` when another tab signs in (the new session) or out (null). The `storage` event fires only in
 * the other tabs of the same origin, never in the tab that wrote, so a tab does not hear its own changes.
 */
export function onSessionChange(
  listener: (session: Session | null) => void,
  target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window,
): () => void {
  const handle = (e: StorageEvent) => {
    // key null: the other tab cleared the whole storage.
    if (e.key !== SESSION_KEY && e.key !== null) return;
    listener(parseSession(e.key === null ? null : e.newValue));
  };
  target.addEventListener('storage', handle);
  return () => target.removeEventListener('storage', handle);
}
