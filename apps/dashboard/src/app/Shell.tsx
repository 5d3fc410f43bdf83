/**
 * The app shell (around every route): the sign-in gate, the header with navigation, live status,
 * language and sign-out, and the page the URL names, guarded by the user's role.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { onUnauthorized } from '../api/client';
import { useLiveClient, useLiveStatus } from '../api/live';
import { loadSession, onSessionChange, type Session } from '../api/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { CriticalAlarmNotifier } from '../features/alarms/components/CriticalAlarmNotifier';
import { logout } from '../features/auth/api/login';
import { LoginPage } from '../features/auth/components/LoginPage';
import { KioskFrame } from '../features/kiosk/KioskFrame';
import { KioskPairing, usePairingKey } from '../features/kiosk/KioskPairing';
import { parseKiosk } from '../features/kiosk/kiosk-mode';
import { SiteSearch } from '../features/search/SiteSearch';
import { useI18n, type MessageId } from '../i18n/i18n';
import { canAccess, canSeeAlarms } from '../routing/access';
import { Link, Outlet, useCurrentPage, useNavigate, useRouterLocation } from '../routing/router';
import { scopeLabel, scopeOf } from '../routing/scope';
import { useRegionNames } from '../features/fleet/hooks/use-fleet-query';
import { MenuButton, PHONE_HEADER, useHeaderMenu, useMediaQuery } from './header-menu';
import { onLiveUnauthorized } from './live-sync';
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
  const { t, intl } = useI18n();
  const userScope = scopeOf(session.user);
  const scope = scopeLabel(userScope, t, intl, useRegionNames(userScope));
  const page = useCurrentPage();
  const section = sectionOf(page);
  // The live status stays in the header's row on phones, beside the menu button; on desktop where it was.
  const phone = useMediaQuery(PHONE_HEADER);
  const { open, setOpen, button, menu } = useHeaderMenu(phone);
  return (
    <header className="topbar" data-menu={open ? 'open' : 'closed'}>
      <Link className="brand" to="/fleet">
        <svg aria-hidden="true" width="20" height="20" viewBox="0 0 20 20">
          <rect x="2" y="3" width="16" height="4" rx="1" fill="currentColor" />
          <rect x="2" y="8.5" width="16" height="4" rx="1" fill="currentColor" opacity="0.75" />
          <rect x="2" y="14" width="16" height="4" rx="1" fill="currentColor" opacity="0.5" />
        </svg>
        {t('app.name')}
      </Link>
      {phone ? <LiveIndicator /> : null}
      <MenuButton ref={button} open={open} onToggle={() => setOpen((o) => !o)} />
      {/* Desktop: `display: contents`, the header as before; phones: the menu the button opens. */}
      <div
        className="topbar-menu"
        id="topbar-menu"
        ref={menu}
        onClick={(e) => {
          // A link to the page already shown does not navigate; close anyway.
          if ((e.target as Element).closest('a')) setOpen(false);
        }}
      >
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
        <SiteSearch role={session.user.role} />
        <div className="topbar-end">
          {phone ? null : <LiveIndicator />}
          <LanguageSwitch />
          <span className="user">
            {session.user.username} <span className="muted">({t(`role.${session.user.role}`)})</span>
            {/* Which sites this session sees: the organisation, the hub, or a regulator's regions. */}
            <span className="user-scope" data-testid="user-scope" title={`${t('scope.label')}: ${scope}`}>
              <span className="visually-hidden">{t('scope.label')}: </span>
              {scope}
            </span>
          </span>
          <button type="button" className="btn-secondary" onClick={onSignOut}>
            {t('nav.logout')}
          </button>
        </div>
      </div>
    </header>
  );
}

/** The page the URL names, or "Not allowed" when the user's role may not open it. */
function GuardedOutlet({ session }: { session: Session }) {
  const { t } = useI18n();
  const page = useCurrentPage();
  if (page && !canAccess(page, session.user.role)) {
    return <ForbiddenPage role={t(`role.${session.user.role}`)} />;
  }
  return <Outlet />;
}

export function Shell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const live = useLiveClient();
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<MessageId | null>(null);
  // A kiosk link's token (`#/fleet?kiosk=1&key=…`): it becomes the session before anything else shows.
  const [pairingKey, pairingDone] = usePairingKey();
  const { search } = useRouterLocation();
  const kiosk = session ? parseKiosk(search, !!session.kiosk) : null;

  // One live connection per session.
  useEffect(() => {
    if (!session) return;
    live.start();
    return () => live.stop();
  }, [live, session]);

  useEffect(() => {
    // Forget every cached answer, so the next user never sees the previous user's data.
    const expire = () => {
      queryClient.clear();
      setSession(null);
      setNotice('app.sessionExpired');
    };
    const offHttp = onUnauthorized(expire);
    const offLive = onLiveUnauthorized(() => {
      // The socket refused the token: forget it (the HTTP client does the same on a 401).
      logout();
      expire();
    });
    // Another tab signed in or out (the session is shared by every tab of the browser).
    const offTabs = onSessionChange((next) => {
      queryClient.clear();
      setSession(next);
      setNotice(next ? null : 'app.signedOut');
    });
    return () => {
      offHttp();
      offLive();
      offTabs();
    };
  }, [queryClient]);

  const signOut = useCallback(() => {
    logout();
    queryClient.clear();
    setSession(null);
    setNotice('app.signedOut');
    navigate({ to: '/login' });
  }, [navigate, queryClient]);

  if (pairingKey) {
    return (
      <KioskPairing
        token={pairingKey}
        onDone={(paired) => {
          pairingDone();
          queryClient.clear();
          if (paired) setSession(paired);
          setNotice(paired ? null : 'kiosk.pairFailed');
        }}
      />
    );
  }

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
      {kiosk ? (
        <KioskFrame config={kiosk} role={session.user.role} name={session.kiosk?.name ?? null} />
      ) : (
        <Header session={session} onSignOut={signOut} />
      )}
      {/* New critical alarms toast on every page, for the roles that see alarms. */}
      <CriticalAlarmNotifier enabled={canSeeAlarms(session.user.role)} />
      <main id="content" tabIndex={-1}>
        <GuardedOutlet session={session} />
      </main>
    </SessionContext.Provider>
  );
}
