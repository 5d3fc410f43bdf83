import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from './session';
import {
  SESSION_KEY,
  clearSession,
  loadSession,
  onSessionChange,
  parseSession,
  saveSession,
} from './session';

/** A Storage over a Map (the specs run in Node, which has none). */
function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  };
}

const session = (expiresAt: string, token = 'jwt-1'): Session => ({
  accessToken: token,
  expiresAt,
  user: { username: 'operator', role: 'operator', organization: null, regions: null },
});

/** What the browser hands the other tabs when one writes the store. */
function storageEvent(key: string | null, newValue: string | null): Event {
  return Object.assign(new Event('storage'), { key, newValue });
}

describe('the shared session (localStorage, every tab)', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', memoryStorage());
    vi.stubGlobal('sessionStorage', memoryStorage());
  });
  afterEach(() => vi.unstubAllGlobals());

  it('is kept in localStorage, so a new tab of the browser finds it', () => {
    const s = session('2999-01-01T00:00:00Z');
    saveSession(s);
    expect(JSON.parse(localStorage.getItem(SESSION_KEY)!)).toEqual(s);
    expect(sessionStorage.length).toBe(0);
    expect(loadSession()).toEqual(s);
    clearSession();
    expect(loadSession()).toBeNull();
    expect(localStorage.length).toBe(0);
  });

  it('forgets an expired or malformed session', () => {
    saveSession(session('2026-01-01T00:00:00Z'));
    expect(loadSession(Date.parse('2025-12-31T23:59:59Z'))).not.toBeNull();
    expect(loadSession(Date.parse('2026-01-01T00:00:00Z'))).toBeNull();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
    localStorage.setItem(SESSION_KEY, '{not json');
    expect(loadSession()).toBeNull();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
    expect(parseSession(JSON.stringify({ accessToken: 1 }))).toBeNull();
  });

  it('adopts a session a tab kept in sessionStorage before the upgrade', () => {
    const s = session('2999-01-01T00:00:00Z');
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    expect(loadSession()).toEqual(s);
    expect(sessionStorage.getItem(SESSION_KEY)).toBeNull();
    expect(localStorage.getItem(SESSION_KEY)).not.toBeNull();
  });

  it('tells a tab when another tab signs in, signs out or clears the storage, and ignores other keys', () => {
    const target = new EventTarget();
    const heard: (Session | null)[] = [];
    const off = onSessionChange((s) => heard.push(s), target);
    const s = session('2999-01-01T00:00:00Z', 'jwt-2');
    target.dispatchEvent(storageEvent(SESSION_KEY, JSON.stringify(s)));
    target.dispatchEvent(storageEvent('dcfleet.lang', 'zh-CN'));
    target.dispatchEvent(storageEvent(SESSION_KEY, null));
    target.dispatchEvent(storageEvent(null, null));
    // An expired session written elsewhere counts as signed out.
    target.dispatchEvent(storageEvent(SESSION_KEY, JSON.stringify(session('2000-01-01T00:00:00Z'))));
    expect(heard).toEqual([s, null, null, null]);
    off();
    target.dispatchEvent(storageEvent(SESSION_KEY, null));
    expect(heard).toHaveLength(4);
  });
});
