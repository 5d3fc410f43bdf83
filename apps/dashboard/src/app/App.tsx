import type { LoginResponse } from '@dcfleet/contracts';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { onUnauthorized } from '../api/client';
import { useLiveStatus } from '../api/live';
import { queryCache } from '../api/query-cache';
import { loadSession } from '../api/session';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { Loading } from '../components/ui';
import { LoginPage } from '../features/auth/components/LoginPage';
import { logout } from '../features/auth/api/login';
import { FleetPage } from '../features/fleet/components/FleetPage';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { live, onLiveUnauthorized } from './live-sync';
import { canAccess, navigate, navItems, sectionOf, useHashLocation, type Location } from './routes';

// Heavy pages (chart.js, forms) load on demand so the first screen stays small.
const SitePage = lazy(() =>
  import('../features/site/components/SitePage').then((m) => ({ default: m.SitePage })),
);
const AlarmsPage = lazy(() =>
  import('../features/alarms/components/AlarmsPage').then((m) => ({ default: m.AlarmsPage })),
);
const RatingsPage = lazy(() =>
  import('../features/ratings/components/RatingsPage').then((m) => ({ default: m.RatingsPage })),
);
const ReportPage = lazy(() =>
  import('../features/ratings/components/ReportPage').then((m) => ({ default: m.ReportPage })),
);
const AdminPage = lazy(() =>
  import('../features/admin/components/AdminPage').then((m) => ({ default: m.AdminPage })),
);

function LiveIndicator() {
  const status = useLiveStatus(live);
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

function Message({ title, body, testId }: { title: string; body: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <section className="page" aria-labelledby="msg-title" data-testid={testId}>
      <h1 id="msg-title" tabIndex={-1}>
        {title}
      </h1>
      <p>{body}</p>
      <p>
        <a href="#/fleet">{t('app.backToFleet')}</a>
      </p>
    </section>
  );
}

function Page({ location, session }: { location: Location; session: LoginResponse }) {
  const { t } = useI18n();
  const { route, query } = location;
  if (!canAccess(route.name, session.user.role)) {
    return (
      <Message
        title={t('app.forbidden.title')}
        body={t('app.forbidden.body', { role: t(`role.${session.user.role}`) })}
        testId="forbidden"
      />
    );
  }
  switch (route.name) {
    case 'fleet':
    case 'login':
      return <FleetPage role={session.user.role} />;
    case 'site':
      return <SitePage code={route.code} query={query} role={session.user.role} />;
    case 'alarms':
      return <AlarmsPage role={session.user.role} username={session.user.username} />;
    case 'ratings':
      return <RatingsPage query={query} />;
    case 'report':
      return <ReportPage code={route.code} query={query} />;
    case 'admin':
      return <AdminPage query={query} username={session.user.username} role={session.user.role} />;
    default:
      return <Message title={t('app.notFound.title')} body={t('app.notFound.body')} />;
  }
}

export function App() {
  const location = useHashLocation();
  const { t } = useI18n();
  const [session, setSession] = useState<LoginResponse | null>(() => loadSession());
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const route = location.route;

  // Signed in on #/login: go on to the fleet.
  useEffect(() => {
    if (session && route.name === 'login') navigate({ name: 'fleet' }, undefined, true);
  }, [session, route.name]);

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
    navigate({ name: 'login' });
  }, []);

  const routeKey = `${route.name}/${'code' in route ? route.code : ''}`;

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

  const section = sectionOf(route);
  const items = navItems(session.user.role);

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
        {t('app.skip')}
      </a>
      <header className="topbar">
        <a className="brand" href="#/fleet">
          <svg aria-hidden="true" width="20" height="20" viewBox="0 0 20 20">
            <rect x="2" y="3" width="16" height="4" rx="1" fill="currentColor" />
            <rect x="2" y="8.5" width="16" height="4" rx="1" fill="currentColor" opacity="0.75" />
            <rect x="2" y="14" width="16" height="4" rx="1" fill="currentColor" opacity="0.5" />
          </svg>
          {t('app.name')}
        </a>
        <nav aria-label={t('nav.main')}>
          <ul>
            {items.map((item) => (
              <li key={item.name}>
                <a
                  href={item.href}
                  aria-current={section === item.name ? 'page' : undefined}
                  data-nav={item.name}
                >
                  {t(`nav.${item.name}`)}
                </a>
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
          <button type="button" className="btn-secondary" onClick={signOut}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <main id="content" tabIndex={-1}>
        <ErrorBoundary
          key={routeKey}
          fallback={(error, reset) => (
            <section className="page" role="alert">
              <h1>{t('app.crash.title')}</h1>
              <p>{t('app.crash.body', { message: error.message })}</p>
              <p className="page-actions">
                <button type="button" onClick={reset}>
                  {t('app.retry')}
                </button>
                <a href="#/fleet">{t('app.backToFleet')}</a>
              </p>
            </section>
          )}
        >
          <Suspense
            fallback={
              <div className="page">
                <Loading />
              </div>
            }
          >
            <Page location={location} session={session} />
          </Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}
