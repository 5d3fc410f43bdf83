/**
 * The dashboard's one data cache: a TanStack Query client. Queries (`use…Query`) fill it from the REST API; the
 * live socket writes to the very same entries (app/live-sync.ts), so every view of a piece of data agrees.
 */
import { QueryClient } from '@tanstack/react-query';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A failed request shows its error with a retry button at once; retrying is the user's call.
        retry: false,
        // Live events keep what is on screen current, and after a reconnect the live client resumes each room
        // gap-free (or resyncs and invalidates what it cannot resume): refetch bursts on focus or on the
        // browser's online event would add requests, not freshness.
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // staleTime stays 0 by default: a page that mounts refetches what it shows unless its query says
        // otherwise, and shows the cached data meanwhile (stale while refetching). A request nobody watches
        // any more is cancelled through its AbortSignal, which frees the browser's connection for the next page.
      },
    },
  });
}
