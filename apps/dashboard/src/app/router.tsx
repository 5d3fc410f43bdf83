/**
 * The route tree: every URL the dashboard answers (hash history, so the API only serves index.html and assets).
 * The shell composes the features here: each route validates its search params with the feature's own
 * validator, and its component hands the feature page what the URL and the session say. Pages other than the
 * fleet load on demand so the first screen stays small.
 */
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Navigate,
  notFound,
  type RouterHistory,
} from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { adminSearch } from '../features/admin/api/admin-search';
import { alarmsSearch } from '../features/alarms/api/alarms-search';
import { fleetSearch } from '../features/fleet/api/fleet-search';
import { FleetPage } from '../features/fleet/components/FleetPage';
import { ratingsSearch, reportSearch } from '../features/ratings/api/ratings-search';
import { siteSearch } from '../features/site/api/site-search';
import { loadMessages } from '../i18n/message-store';
import type { PageName } from '../routing/access';
import { isHubAdmin, scopeOf } from '../routing/scope';
import { parseSearch, stringifySearch } from '../routing/search';
import { CrashPage, NotFoundPage, PendingPage } from './status-pages';
import { useSession } from './session';
import { Shell } from './Shell';

declare module '@tanstack/react-router' {
  interface StaticDataRouteOption {
    /** Which page a route shows: the shell's role guard and navigation highlight read it. */
    page?: PageName;
  }
  interface Register {
    router: AppRouter;
  }
}

// lazyRouteComponent, not React.lazy: the router loads the chunk before it renders the route, so the page does
// not suspend, and React does not hold its reveal back (Suspense's fallback throttle, up to 300 ms).
const SitePage = lazyRouteComponent(() => import('../features/site/components/SitePage'), 'SitePage');
const AlarmsPage = lazyRouteComponent(() => import('../features/alarms/components/AlarmsPage'), 'AlarmsPage');
// The admin and ratings pages' messages load with their chunks (i18n/message-store.ts).
const RatingsPage = lazyRouteComponent(
  () => withMessages('ratings', import('../features/ratings/components/RatingsPage')),
  'RatingsPage',
);
const ReportPage = lazyRouteComponent(
  () => withMessages('ratings', import('../features/ratings/components/ReportPage')),
  'ReportPage',
);
const AdminPage = lazyRouteComponent(
  () => withMessages('admin', import('../features/admin/components/AdminPage')),
  'AdminPage',
);

/** A page's module, once the messages part it needs has loaded too. */
function withMessages<M>(part: string, page: Promise<M>): Promise<M> {
  return Promise.all([page, loadMessages(part)]).then(([module]) => module);
}

/** A route component that renders a lazy page: the router preloads (awaits) the page's chunk through it. */
function withChunk<C extends () => ReactNode>(
  component: C,
  page: { preload?: () => Promise<void> | undefined },
): C & { preload: () => Promise<void> | undefined } {
  return Object.assign(component, { preload: () => page.preload?.() });
}

/** Site codes as the API accepts them; `#/sites/lower-case` is not a page. */
const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

function requireSiteCode({ params }: { params: { code: string } }): void {
  if (!CODE.test(params.code)) throw notFound();
}

const rootRoute = createRootRoute({ component: Shell, notFoundComponent: NotFoundPage });

// `#/` shows the fleet as it always did; its filters then move to `#/fleet?…`.
const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  staticData: { page: 'fleet' },
  component: function FleetHome() {
    const { user } = useSession();
    return <FleetPage search={{}} role={user.role} scope={scopeOf(user)} />;
  },
});

const fleetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'fleet',
  staticData: { page: 'fleet' },
  validateSearch: fleetSearch,
  component: function FleetRoute() {
    const { user } = useSession();
    return <FleetPage search={fleetRoute.useSearch()} role={user.role} scope={scopeOf(user)} />;
  },
});

const siteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'sites/$code',
  staticData: { page: 'site' },
  beforeLoad: requireSiteCode,
  validateSearch: siteSearch,
  component: withChunk(function SiteRoute() {
    const { code } = siteRoute.useParams();
    return <SitePage code={code} search={siteRoute.useSearch()} role={useSession().user.role} />;
  }, SitePage),
});

const alarmsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'alarms',
  staticData: { page: 'alarms' },
  validateSearch: alarmsSearch,
  component: withChunk(function AlarmsRoute() {
    const { user, kiosk } = useSession();
    return (
      <AlarmsPage
        search={alarmsRoute.useSearch()}
        role={user.role}
        username={user.username}
        readOnly={!!kiosk}
      />
    );
  }, AlarmsPage),
});

const ratingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'ratings',
  staticData: { page: 'ratings' },
  validateSearch: ratingsSearch,
  component: withChunk(function RatingsRoute() {
    return <RatingsPage search={ratingsRoute.useSearch()} scope={scopeOf(useSession().user)} />;
  }, RatingsPage),
});

const reportRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'ratings/$code',
  staticData: { page: 'report' },
  beforeLoad: requireSiteCode,
  validateSearch: reportSearch,
  component: withChunk(function ReportRoute() {
    const { code } = reportRoute.useParams();
    return <ReportPage code={code} search={reportRoute.useSearch()} />;
  }, ReportPage),
});

const adminRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'admin',
  staticData: { page: 'admin' },
  validateSearch: adminSearch,
  component: withChunk(function AdminRoute() {
    const { user } = useSession();
    return (
      <AdminPage
        search={adminRoute.useSearch()}
        role={user.role}
        username={user.username}
        scope={scopeOf(user)}
        hubAdmin={isHubAdmin(user)}
      />
    );
  }, AdminPage),
});

// The shell shows the sign-in form to anyone signed out, whatever the URL; signed in, #/login moves on.
const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  staticData: { page: 'login' },
  component: function LoginRoute() {
    return <Navigate to="/fleet" replace />;
  },
});

export const routeTree = rootRoute.addChildren([
  indexRoute,
  fleetRoute,
  siteRoute,
  alarmsRoute,
  ratingsRoute,
  reportRoute,
  adminRoute,
  loginRoute,
]);

/** The dashboard's router on a history: the browser's hash in the app, a memory history in specs. */
export function createAppRouter(history: RouterHistory) {
  return createRouter({
    routeTree,
    history,
    parseSearch,
    stringifySearch,
    defaultPendingComponent: PendingPage,
    defaultErrorComponent: CrashPage,
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;
