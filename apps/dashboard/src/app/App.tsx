import type { LoginResponse } from '@dcfleet/contracts';
import { useCallback, useEffect, useState } from 'react';
import { onUnauthorized } from '../api/client';
import { loadSession } from '../api/session';
import { LoginPage } from '../features/auth/LoginPage';
import { logout } from '../features/auth/login';
import { FleetPage } from '../features/fleet/FleetPage';
import { navigate, useHashRoute } from './routes';

const TITLES = { login: 'Sign in', fleet: 'Fleet' } as const;

export function App() {
  const route = useHashRoute();
  const [session, setSession] = useState<LoginResponse | null>(() => loadSession());
  const [notice, setNotice] = useState<string | null>(null);

  // Without a session every route shows the login form; with one, #/login moves on to the fleet.
  const page = session ? (route === 'login' ? 'fleet' : route) : 'login';

  useEffect(() => {
    navigate(page);
    document.title = `${TITLES[page]} · dcfleet`;
    // Move focus to the new page's heading so keyboard and screen reader users land on the content
    // (the login form focuses its username field itself).
    if (page !== 'login') document.querySelector<HTMLElement>('main h1')?.focus();
  }, [page]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setSession(null);
        setNotice('Your session has expired. Please sign in again.');
      }),
    [],
  );

  const signOut = useCallback(() => {
    logout();
    setSession(null);
    setNotice('You have signed out.');
  }, []);

  if (!session) {
    return (
      <LoginPage
        notice={notice}
        onLoggedIn={(s) => {
          setNotice(null);
          setSession(s);
        }}
      />
    );
  }

  return (
    <>
      <a
        className="skip-link"
        href="#content"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('content')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">dcfleet</span>
        <nav aria-label="Main">
          <a href="#/fleet" aria-current={page === 'fleet' ? 'page' : undefined}>
            Fleet
          </a>
        </nav>
        <div className="user">
          <span>
            {session.user.username} <span className="muted">({session.user.role})</span>
          </span>
          <button type="button" onClick={signOut}>
            Log out
          </button>
        </div>
      </header>
      <main id="content" tabIndex={-1}>
        <FleetPage />
      </main>
    </>
  );
}
