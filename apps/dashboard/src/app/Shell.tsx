/**
 * The app shell (the root route's component): the sign-in gate, the header with navigation, live status,
 * language and sign-out, and the page the URL names, guarded by the user's role.
 */
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useCallback, useEffect, useState } from 'react';
import { onUnauthorized } from '../api/client';
import { LiveClientContext, useLiveStatus } from '../api/live';
import { queryCache } from '../api/query-cache';
import { loadSession, type Session } from '../api/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { logout } from '../features/auth/api/login';
import { LoginPage } from '../features/auth/components/LoginPage';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { canAccess } from '../routing/access';
import { live, onLiveUnauthorized } from './live-sync';
import { navItems, sectionOf } from './nav';
import { SessionContext } from './session';
import { ForbiddenPage } from './status-pages';

function LiveIndicator() {
  const status = useLiveStatus();
  const { t } = useI18n();
  const text = t(`live.${status}`);
  return (
    <span
      className={`live-indicator live-${status}`}
      role="status"
      title={t('live.title', { state: text })}
      data-testid="live-status"
      data-status={status}
    >
      <span className="dot" aria-hidden="true" />
      <span className="visually-hidden">{t('live.title', { state: '' })}</span>
      {text}
    </span>
  );
}

function Header({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { t } = useI18n();
  const page = useRouterState({ select: (s) => s.matches[s.matches.length - 1]?.staticData.page });
  const section = sectionOf(page);
  return (
    <header className="topbar">
      <Link className="brand" to="/fleet">
        <svg aria-hidden="true" width="20" height="20" viewBox="0 0 20 20">
          <rect x="2" y="3" width="16" height="4" rx="1" fill="currentColor" />
          <rect x="2" y="8.5" width="16" height="4" rx="1" fill="currentColor" opacity="0.75" />
          <rect x="2" y="14" width="16" height="4" rx="1" fill="currentColor" opacity="0.5" />
        </svg>
        {t('app.name')}
      </Link>
      <nav aria-label={t('nav.main')}>
        <ul>
          {navItems(session.user.role).map((name) => (
            <li key={name}>
              <Link to={`/${name}`} aria-current={section === name ? 'page' : undefined} data-nav={name}>
                {t(`nav.${name}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="topbar-end">
        <LiveIndicator />
        <LanguageSwitch />
        <span className="user">
          {session.user.username} <span className="muted">({t(`role.${session.user.role}`)})</span>
        </span>
        <button type="button" className="btn-secondary" onClick={onSignOut}>
          {t('nav.logout')}
        </button>
      </div>
    </header>
  );
}

/** The page the URL names, or "Not allowed" when the user's role may not open it. */
function GuardedOutlet({ session }: { session: Session }) {
  const { t } = useI18n();
  const page = useRouterState({ select: (s) => s.matches[s.matches.length - 1]?.staticData.page });
  if (page && !canAccess(page, session.user.role)) {
    return <ForbiddenPage role={t(`role.${session.user.role}`)} />;
  }
  return <Outlet />;
}

export function Shell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<MessageKey | null>(null);

  // One live connection per session.
  useEffect(() => {
    if (!session) return;
    live.start();
    return () => live.stop();
  }, [session]);

  useEffect(() => {
    const expire = () => {
      queryCache.clear();
      setSession(null);
      setNotice('app.sessionExpired');
    };
    const offHttp = onUnauthorized(expire);
    const offLive = onLiveUnauthorized(() => {
      // The socket refused the token: forget it (the HTTP client does the same on a 401).
      logout();
      expire();
    });
    return () => {
      offHttp();
      offLive();
    };
  }, []);

  const signOut = useCallback(() => {
    logout();
    queryCache.clear();
    setSession(null);
    setNotice('app.signedOut');
    void navigate({ to: '/login' });
  }, [navigate]);

  if (!session) {
    return (
      <LoginPage
        notice={notice ? t(notice) : null}
        onLoggedIn={(s) => {
          setNotice(null);
          setSession(s);
        }}
      />
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <LiveClientContext.Provider value={live}>
        <a
          className="skip-link"
          href="#content"
          onClick={(e) => {
            // The hash is the router's: move the focus without navigating.
            e.preventDefault();
            document.getElementById('content')?.focus();
          }}
        >
          {t('app.skip')}
        </a>
        <Header session={session} onSignOut={signOut} />
        <main id="content" tabIndex={-1}>
          <GuardedOutlet session={session} />
        </main>
      </LiveClientContext.Provider>
    </SessionContext.Provider>
  );
}
