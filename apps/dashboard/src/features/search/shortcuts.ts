/**
 * The dashboard's keyboard shortcuts: `/` or Ctrl/⌘+K searches sites, `g` then `f`/`a`/`r` goes to the fleet,
 * alarms or ratings, `?` lists them. None fires while the user types in a field.
 */

export type ShortcutAction = 'search' | 'help' | 'go-fleet' | 'go-alarms' | 'go-ratings';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** A field that takes text: shortcuts must not steal its keys. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  return el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null;
}

/** A `g` pending for its second key stays pending this long. */
export const SEQUENCE_MS = 1500;

/**
 * The action of a key press, given whether a `g` came just before (`pending`); `g` itself returns 'g' so the
 * caller can remember it. Ctrl/⌘+K works even while typing; the rest only outside fields.
 */
export function shortcutOf(e: KeyLike, typing: boolean, pending: boolean): ShortcutAction | 'g' | null {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') return 'search';
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  if (pending) {
    if (e.key === 'f') return 'go-fleet';
    if (e.key === 'a') return 'go-alarms';
    if (e.key === 'r') return 'go-ratings';
    return null;
  }
  if (e.key === '/') return 'search';
  if (e.key === '?') return 'help';
  if (e.key === 'g') return 'g';
  return null;
}
