/**
 * Whether the user moved to another page since the app loaded: then a new page's heading takes the focus; on
 * the first load the focus stays at the top so the skip link comes first (WCAG 2.4.3).
 */
import type { RouterHistory } from '@tanstack/react-router';

let navigated = false;

export function hasNavigated(): boolean {
  return navigated;
}

/** Counts every push, replace and back/forward of the router's history as a navigation. */
export function trackNavigations(history: RouterHistory): () => void {
  return history.subscribe(() => {
    navigated = true;
  });
}
