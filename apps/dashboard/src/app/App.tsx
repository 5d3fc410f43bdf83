/**
 * The app: the message catalog, one data cache, one live connection feeding it, and the router over the browser's hash, whose root
 * route is the shell that composes the features.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { createHashHistory, RouterProvider } from '@tanstack/react-router';
import { LiveClientContext } from '../api/live';
import { I18nProvider } from '../i18n/i18n';
import { createQueryClient } from '../api/query-client';
import { trackNavigations } from '../routing/navigation';
import { CATALOG } from './catalog';
import { createLiveClient } from './live-sync';
import { createAppRouter } from './router';

/** The hash history; a hash without its leading slash (`#fleet`), which the old router accepted, gets one. */
function hashHistory() {
  const { hash } = window.location;
  if (hash.length > 1 && !hash.startsWith('#/')) {
    window.history.replaceState(window.history.state, '', `#/${hash.slice(1)}`);
  }
  return createHashHistory();
}

const queryClient = createQueryClient();
const live = createLiveClient(queryClient);
const router = createAppRouter(hashHistory());
trackNavigations(router.history);

export function App() {
  return (
    <I18nProvider catalog={CATALOG}>
      <QueryClientProvider client={queryClient}>
        <LiveClientContext.Provider value={live}>
          <RouterProvider router={router} />
        </LiveClientContext.Provider>
      </QueryClientProvider>
    </I18nProvider>
  );
}
