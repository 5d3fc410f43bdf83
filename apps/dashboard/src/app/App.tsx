/** The app: the router over the browser's hash; its root route is the shell, which composes the features. */
import { createHashHistory, RouterProvider } from '@tanstack/react-router';
import { trackNavigations } from '../routing/navigation';
import { createAppRouter } from './router';

/** The hash history; a hash without its leading slash (`#fleet`), which the old router accepted, gets one. */
function hashHistory() {
  const { hash } = window.location;
  if (hash.length > 1 && !hash.startsWith('#/')) {
    window.history.replaceState(window.history.state, '', `#/${hash.slice(1)}`);
  }
  return createHashHistory();
}

const router = createAppRouter(hashHistory());
trackNavigations(router.history);

export function App() {
  return <RouterProvider router={router} />;
}
