/**
 * The route table: every URL the dashboard answers (hash URLs, so the API only serves index.html and assets).
 * The shell composes the features here: each route validates its search with the feature's own validator, and
 * its component hands the feature page what the URL and the session say. Pages other than the fleet load on
 * demand so the first screen stays small.
 */
import { adminSearch } from '../features/admin/api/admin-search';
import { alarmsSearch } from '../features/alarms/api/alarms-search';
import { fleetSearch } from '../features/fleet/api/fleet-search';
import { FleetPage } from '../features/fleet/components/FleetPage';
import { ratingsSearch, reportSearch } from '../features/ratings/api/ratings-search';
import { siteSearch } from '../features/site/api/site-search';
import { loadMessages } from '../i18n/message-store';
import type { RouterLocation } from '../routing/location';
import { createResolver, lazyPage, Navigate, RouterProvider, type RouteTable } from '../routing/router';
import { isHubAdmin, scopeOf } from '../routing/scope';
import { CrashPage, NotFoundPage, PendingPage } from './status-pages';
import { useSession } from './session';
import { Shell } from './Shell';

const SitePage = lazyPage(() => import('../features/site/components/SitePage').then((m) => m.SitePage));
const AlarmsPage = lazyPage(() =>
  import('../features/alarms/components/AlarmsPage').then((m) => m.AlarmsPage),
);
// The admin and ratings pages' messages load with their chunks (i18n/message-store.ts).
const RatingsPage = lazyPage(() =>
  withMessages('ratings', import('../features/ratings/components/RatingsPage')).then((m) => m.RatingsPage),
);
const ReportPage = lazyPage(() =>
  withMessages('ratings', import('../features/ratings/components/ReportPage')).then((m) => m.ReportPage),
);
const AdminPage = lazyPage(() =>
  withMessages('admin', import('../features/admin/components/AdminPage')).then((m) => m.AdminPage),
);

/** A page's module, once the messages part it needs has loaded too. */
function withMessages<M>(part: string, page: Promise<M>): Promise<M> {
  return Promise.all([page, loadMessages(part)]).then(([module]) => module);
}

/** Site codes as the API accepts them; `#/sites/lower-case` is not a page. */
const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const siteCode = ({ code }: { code: string }) => CODE.test(code);

export const ROUTES: RouteTable = {
  // `#/` shows the fleet as it always did; its filters then move to `#/fleet?…`.
  '/': {
    page: 'fleet',
    component: function FleetHome() {
      const { user } = useSession();
      return <FleetPage search={{}} role={user.role} scope={scopeOf(user)} />;
    },
  },
  '/fleet': {
    page: 'fleet',
    validateSearch: fleetSearch,
    component: function FleetRoute({ search }) {
      const { user } = useSession();
      return <FleetPage search={search} role={user.role} scope={scopeOf(user)} />;
    },
  },
  '/sites/$code': {
    page: 'site',
    validParams: siteCode,
    validateSearch: siteSearch,
    chunk: SitePage,
    component: function SiteRoute({ params, search }) {
      return <SitePage code={params.code} search={search} role={useSession().user.role} />;
    },
  },
  '/alarms': {
    page: 'alarms',
    validateSearch: alarmsSearch,
    chunk: AlarmsPage,
    component: function AlarmsRoute({ search }) {
      const { user, kiosk } = useSession();
      return <AlarmsPage search={search} role={user.role} username={user.username} readOnly={!!kiosk} />;
    },
  },
  '/ratings': {
    page: 'ratings',
    validateSearch: ratingsSearch,
    chunk: RatingsPage,
    component: function RatingsRoute({ search }) {
      return <RatingsPage search={search} scope={scopeOf(useSession().user)} />;
    },
  },
  '/ratings/$code': {
    page: 'report',
    validParams: siteCode,
    validateSearch: reportSearch,
    chunk: ReportPage,
    component: function ReportRoute({ params, search }) {
      return <ReportPage code={params.code} search={search} />;
    },
  },
  '/admin': {
    page: 'admin',
    validateSearch: adminSearch,
    chunk: AdminPage,
    component: function AdminRoute({ search }) {
      const { user } = useSession();
      return (
        <AdminPage
          search={search}
          role={user.role}
          username={user.username}
          scope={scopeOf(user)}
          hubAdmin={isHubAdmin(user)}
        />
      );
    },
  },
  // The shell shows the sign-in form to anyone signed out, whatever the URL; signed in, #/login moves on.
  '/login': {
    page: 'login',
    component: function LoginRoute() {
      return <Navigate to="/fleet" replace />;
    },
  },
};

/** What a URL (path and search string) shows. */
export const resolveRoute = createResolver(ROUTES, NotFoundPage);

/** The dashboard on a location: the browser's hash in the app, memory in specs. */
export function AppRouter({ location }: { location: RouterLocation }) {
  return (
    <RouterProvider location={location} resolve={resolveRoute} pending={PendingPage} crash={CrashPage}>
      <Shell />
    </RouterProvider>
  );
}
