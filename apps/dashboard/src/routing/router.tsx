/**
 * The dashboard's routing layer over wouter (the router: location context, links, redirects): typed links and
 * navigations (routing/paths.ts), a route table with each page's search validator, and what the shell needs from
 * a router — the page shown, pages loaded on demand without suspending, scroll reset, a crash page per page.
 */
import {
  Component,
  createContext,
  createElement,
  Suspense,
  use,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type AnchorHTMLAttributes,
  type ComponentType,
  type ReactNode,
} from 'react';
import { Link as WouterLink, Redirect, Router, useLocation } from 'wouter';
import type { PageName } from './access';
import type { NavigateOptions, RouterLocation, Snapshot } from './location';
import { hrefOf, type ParamsOf, type RouteSearch, type RoutePath, type Target } from './paths';
import { parseSearch } from './search';

/** A page loaded on demand; the router loads it before showing its route. */
export interface LazyPage {
  loaded(): boolean;
  load(): Promise<unknown>;
}

/** Dynamic imports name a missing chunk this way (Chrome, Firefox, Safari): the app was redeployed under the tab. */
const MISSING_CHUNK =
  /^(Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed)/;

/**
 * A page component in a chunk of its own. Not React.lazy: the router awaits `load()` before it renders the route, so
 * the page never suspends and React does not hold its reveal back (Suspense's fallback throttle, up to 300 ms).
 */
export function lazyPage<Props extends object>(
  importer: () => Promise<ComponentType<Props>>,
): ComponentType<Props> & LazyPage {
  let page: ComponentType<Props> | undefined;
  let loading: Promise<ComponentType<Props>> | undefined;
  const load = () =>
    (loading ??= importer().then(
      (loaded) => (page = loaded),
      (error: unknown) => {
        loading = undefined;
        // A chunk of an older build: reload once for the new one (as TanStack Router's lazyRouteComponent did).
        const key = `dcfleet:reload:${error instanceof Error ? error.message : ''}`;
        if (error instanceof Error && MISSING_CHUNK.test(error.message) && !sessionStorage.getItem(key)) {
          sessionStorage.setItem(key, '1');
          window.location.reload();
          return new Promise<never>(() => undefined);
        }
        throw error;
      },
    ));
  function Lazy(props: Props) {
    return createElement(page ?? use(load()), props);
  }
  return Object.assign(Lazy, { load, loaded: () => page !== undefined });
}

export interface RouteProps<P extends RoutePath> {
  params: ParamsOf<P>;
  search: RouteSearch[P];
}

export interface RouteDef<P extends RoutePath> {
  /** Which page the route shows: the shell's role guard and navigation highlight read it. */
  page: PageName;
  /** The feature's validator: what the page reads of the search, unusable values dropped. */
  validateSearch?: (raw: Record<string, string>) => RouteSearch[P];
  /** Whether the path params name a page at all (else: not found). */
  validParams?: (params: ParamsOf<P>) => boolean;
  /** The page's chunk when it loads on demand. */
  chunk?: LazyPage;
  component: ComponentType<RouteProps<P>>;
}

export type RouteTable = { [P in RoutePath]: RouteDef<P> };

/** What a URL shows: a page (undefined: not found) and the element that renders it. */
export interface Match {
  page: PageName | undefined;
  chunk?: LazyPage;
  element: ReactNode;
}

/** `/sites/$code` → `^/sites/(?<code>[^/]+)/?$`, case-insensitive like the old router. */
function patternOf(path: string): RegExp {
  return new RegExp(`^${path.replace(/\$(\w+)/g, '(?<$1>[^/]+)')}/?$`, 'i');
}

function matcher<P extends RoutePath>(path: P, table: RouteTable) {
  const route: RouteDef<P> = table[path];
  const pattern = patternOf(path);
  return (url: string, raw: Record<string, string>): Match | 'notFound' | null => {
    const found = pattern.exec(url);
    if (!found) return null;
    const params = { ...found.groups } as ParamsOf<P>;
    if (route.validParams && !route.validParams(params)) return 'notFound';
    // The validated values laid over the raw search, as the old router did: keys a page does not read stay.
    const search = { ...raw, ...route.validateSearch?.(raw) } as RouteSearch[P];
    return {
      page: route.page,
      chunk: route.chunk,
      element: createElement(route.component, { params, search }),
    };
  };
}

/** The function from a URL (path and search string) to what it shows. */
export function createResolver(table: RouteTable, notFound: ComponentType) {
  const matchers = (Object.keys(table) as RoutePath[]).map((path) => matcher(path, table));
  const notFoundMatch = { page: undefined, element: createElement(notFound) };
  return (path: string, search: string): Match => {
    const raw = parseSearch(search);
    for (const match of matchers) {
      const found = match(path, raw);
      if (found) return found === 'notFound' ? notFoundMatch : found;
    }
    return notFoundMatch;
  };
}

export interface CrashProps {
  error: unknown;
  reset: () => void;
}

interface RouterState {
  location: Snapshot;
  /** The match whose page is on screen (the previous one while the next page's chunk loads). */
  shown: Match;
  /** What the outlet renders: the shown match's page, its pending page, or its crash page. */
  outlet: ReactNode;
}

const RouterContext = createContext<RouterState | null>(null);

function useRouterState(): RouterState {
  const state = useContext(RouterContext);
  if (!state) throw new Error('outside RouterProvider');
  return state;
}

type Status = 'ready' | 'pending' | { error: unknown };

/**
 * The match to show for the URL's: at once when its page is ready; else the previous one stays until the page's
 * chunk has loaded (the pending page only on the first load), or the crash page if it failed. TanStack Router
 * swapped in its pending page after 1 s and kept it at least 0.5 s; on a busy machine a chunk takes about that
 * long, so the page flashed a spinner and came later.
 */
function useShown(next: Match): { match: Match; status: Status; retry: () => void } {
  const ready = !next.chunk || next.chunk.loaded();
  const [state, setState] = useState<{ match: Match; status: Status }>(() => ({
    match: next,
    status: ready ? 'ready' : 'pending',
  }));
  const [attempt, setAttempt] = useState(0);
  let shown = state;
  if (ready && (state.match !== next || state.status !== 'ready')) {
    // Adjusted during render, so no frame shows the previous page with the new URL.
    shown = { match: next, status: 'ready' };
    setState(shown);
  }
  useEffect(() => {
    if (!next.chunk || next.chunk.loaded()) return;
    let live = true;
    next.chunk.load().then(
      () => live && setState({ match: next, status: 'ready' }),
      (error: unknown) => live && setState({ match: next, status: { error } }),
    );
    return () => {
      live = false;
    };
  }, [next, attempt]);
  const retry = () => {
    setState({ match: next, status: 'pending' });
    setAttempt((n) => n + 1);
  };
  return { ...shown, retry };
}

interface CatchState {
  caught: { error: unknown } | null;
  key: number;
}

/** Catches a page that throws while rendering; a navigation (or `reset`) renders it again. */
class CatchBoundary extends Component<
  { resetKey: number; fallback: (props: CrashProps) => ReactNode; children: ReactNode },
  CatchState
> {
  override state: CatchState = { caught: null, key: this.props.resetKey };
  static getDerivedStateFromError(error: unknown): Partial<CatchState> {
    return { caught: { error } };
  }
  static getDerivedStateFromProps(
    props: { resetKey: number },
    state: CatchState,
  ): Partial<CatchState> | null {
    return props.resetKey === state.key ? null : { caught: null, key: props.resetKey };
  }
  override render() {
    const { caught } = this.state;
    if (!caught) return this.props.children;
    return this.props.fallback({ error: caught.error, reset: () => this.setState({ caught: null }) });
  }
}

/**
 * The router: wouter's over a location (the hash, or memory in specs), and the state the shell reads — the URL,
 * the page shown and what the outlet renders.
 */
export function RouterProvider({
  location,
  resolve,
  pending: Pending,
  crash: Crash,
  children,
}: {
  location: RouterLocation;
  resolve: (path: string, search: string) => Match;
  pending: ComponentType;
  crash: ComponentType<CrashProps>;
  children: ReactNode;
}) {
  const snap = useSyncExternalStore(location.subscribe, location.current);
  const next = useMemo(() => resolve(snap.path, snap.search), [resolve, snap.path, snap.search]);
  const { match, status, retry } = useShown(next);

  // The top of the new page, once it shows (not when a filter or range changed: `resetScroll: false`).
  const scrolled = useRef(-1);
  useLayoutEffect(() => {
    if (status !== 'ready' || match !== next || scrolled.current === snap.seq) return;
    scrolled.current = snap.seq;
    if (snap.resetScroll) window.scrollTo(0, 0);
  }, [status, match, next, snap]);

  const outlet =
    status === 'pending' ? (
      <Pending />
    ) : status === 'ready' ? (
      <CatchBoundary resetKey={snap.seq} fallback={(props) => <Crash {...props} />}>
        <Suspense fallback={<Pending />}>{match.element}</Suspense>
      </CatchBoundary>
    ) : (
      <Crash error={status.error} reset={retry} />
    );
  return (
    <Router hook={location.hook} hrefs={location.hrefs}>
      <RouterContext value={{ location: snap, shown: match, outlet }}>{children}</RouterContext>
    </Router>
  );
}

/** Where the shell puts the page the URL shows. */
export function Outlet() {
  return useRouterState().outlet;
}

/** The page on screen (undefined on "not found"): the shell's role guard and navigation highlight read it. */
export function useCurrentPage(): PageName | undefined {
  return useRouterState().shown.page;
}

/** The URL: href, path and search (parsed, not validated). */
export function useRouterLocation(): { href: string; path: string; search: Record<string, string> } {
  const { href, path, search } = useRouterState().location;
  return useMemo(() => ({ href, path, search: parseSearch(search) }), [href, path, search]);
}

export type NavigateTarget<P extends RoutePath> = Target<P> & NavigateOptions;

/** Navigates to a page: `navigate({ to: '/sites/$code', params: { code }, search, replace, resetScroll })`. */
export function useNavigate(): <P extends RoutePath>(target: NavigateTarget<P>) => void {
  const navigate = useNavigateHref();
  return useMemo(
    () =>
      ({ replace, resetScroll, ...target }) =>
        navigate(hrefOf(target), { replace, resetScroll }),
    [navigate],
  );
}

/** Navigates to an href as written (`/fleet?kiosk=1&rotate=…`): for URLs built elsewhere, like the kiosk's. */
export function useNavigateHref(): (href: string, options?: NavigateOptions) => void {
  return useLocation()[1] as (href: string, options?: NavigateOptions) => void;
}

export type LinkProps<P extends RoutePath> = Target<P> & {
  replace?: boolean;
} & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>;

/** A link to a page: a real `<a href="#/…">` (a new tab works); a plain click navigates without a reload. */
export function Link<P extends RoutePath>({ to, params, search, ...props }: LinkProps<P>) {
  return <WouterLink href={hrefOf({ to, params, search })} {...props} />;
}

/** Navigates once rendered (`<Navigate to="/fleet" replace />`). */
export function Navigate<P extends RoutePath>({ replace, ...target }: Target<P> & { replace?: boolean }) {
  return <Redirect href={hrefOf(target)} replace={replace} />;
}
