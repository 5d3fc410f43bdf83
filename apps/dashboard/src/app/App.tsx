/**
 * The app: the message catalog, one data cache, one live connection feeding it, and the router over the browser's
 * hash, with the shell that composes the features.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { LiveClientContext } from '../api/live';
import { I18nProvider } from '../i18n/i18n';
import { createQueryClient } from '../api/query-client';
import { createHashLocation } from '../routing/location';
import { trackNavigations } from '../routing/navigation';
import { CATALOG } from './catalog';
import { createLiveClient } from './live-sync';
import { AppRouter } from './router';

const queryClient = createQueryClient();
const live = createLiveClient(queryClient);
const location = createHashLocation();
trackNavigations(location);

export function App() {
  return (
    <I18nProvider catalog={CATALOG}>
      <QueryClientProvider client={queryClient}>
        <LiveClientContext.Provider value={live}>
          <AppRouter location={location} />
        </LiveClientContext.Provider>
      </QueryClientProvider>
    </I18nProvider>
  );
}
