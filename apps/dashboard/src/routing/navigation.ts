/**
 * Whether the user moved to another page since the app loaded: then a new page's heading takes the focus; on
 * the first load the focus stays at the top so the skip link comes first (WCAG 2.4.3).
 */
import type { RouterLocation } from './location';

let navigated = false;

export function hasNavigated(): boolean {
  return navigated;
}

/** Counts every push, replace and back/forward that changes the URL as a navigation. */
export function trackNavigations(location: RouterLocation): () => void {
  let last = location.current().href;
  return location.subscribe(() => {
    // A link to the URL already shown adds no history entry: not a navigation.
    const { href } = location.current();
    if (href !== last) navigated = true;
    last = href;
  });
}
