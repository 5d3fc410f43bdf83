/**
 * The header's menu on phones and narrow tablets (issue #18, "Phone layout"): the button, its open state and the
 * behaviour of a disclosure menu. The markup it opens is the header's own (Shell.tsx); styles.css lays it out.
 */
import { useEffect, useRef, useState, type Ref } from 'react';
import { useI18n } from '../i18n/i18n';
import { useRouterLocation } from '../routing/router';

/** At and below this width the header is one row and the navigation sits behind a menu button (styles.css). */
export const PHONE_HEADER = '(max-width: 900px)';

export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return matches;
}

/**
 * The phone header's menu: open state, Esc and outside clicks close it (the focus back on the button), opening
 * moves the focus to its first control, and any navigation (or widening to the desktop layout) closes it.
 */
export function useHeaderMenu(phone: boolean) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const { href } = useRouterLocation();
  useEffect(() => setOpen(false), [href, phone]);
  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('a, button, select')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);
  return { open, setOpen, button, menu };
}

/** The hamburger (a cross while open); hidden by styles.css above the phone breakpoint. */
export function MenuButton({
  open,
  onToggle,
  ref,
}: {
  open: boolean;
  onToggle: () => void;
  ref: Ref<HTMLButtonElement>;
}) {
  const { t } = useI18n();
  return (
    <button
      ref={ref}
      type="button"
      className="menu-toggle btn-secondary"
      aria-expanded={open}
      aria-controls="topbar-menu"
      aria-label={t('nav.menu')}
      data-testid="menu-toggle"
      onClick={onToggle}
    >
      <svg aria-hidden="true" width="20" height="20" viewBox="0 0 20 20" fill="none" stroke="currentColor">
        {open ? (
          <path d="M5 5l10 10M15 5L5 15" strokeWidth="2" strokeLinecap="round" />
        ) : (
          <path d="M3 5h14M3 10h14M3 15h14" strokeWidth="2" strokeLinecap="round" />
        )}
      </svg>
    </button>
  );
}
