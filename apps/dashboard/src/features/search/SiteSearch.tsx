/**
 * The header's site search: a combobox (WAI-ARIA 1.2 pattern) over the sites the user sees, from the fleet
 * query's data (fetched only once the box is used, when no page has loaded it yet). Enter opens the site, Esc
 * closes the list. It also owns the keyboard shortcuts (`/`, Ctrl/⌘+K, `g f`, `g a`, `g r`, `?`).
 */
import type { Role } from '@dcfleet/contracts';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '../../routing/router';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { displayName, displayValue } from '../../i18n/display-name';
import { useI18n } from '../../i18n/i18n';
import { canAccess } from '../../routing/access';
import { fleetQuery } from '../fleet/api/fleet-api';
import { matchSites } from './site-match';
import { isTyping, SEQUENCE_MS, shortcutOf } from './shortcuts';
import './search.css';

export function SiteSearch({ role }: { role: Role }) {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const help = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [used, setUsed] = useState(false);
  const [active, setActive] = useState(0);
  const fleet = useQuery({ ...fleetQuery(), enabled: used });
  const matches = useMemo(() => matchSites(fleet.data ?? [], query), [fleet.data, query]);
  const shown = open && query.trim() !== '';

  const go = useCallback(
    (code: string) => {
      setOpen(false);
      setQuery('');
      input.current?.blur();
      navigate({ to: '/sites/$code', params: { code } });
    },
    [navigate],
  );

  // Shortcuts, on the whole document.
  useEffect(() => {
    let pendingUntil = 0;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const action = shortcutOf(e, isTyping(e.target), Date.now() < pendingUntil);
      pendingUntil = 0;
      if (!action) return;
      if (action === 'g') {
        pendingUntil = Date.now() + SEQUENCE_MS;
        return;
      }
      e.preventDefault();
      if (action === 'search') {
        input.current?.focus();
        input.current?.select();
      } else if (action === 'help') {
        if (!help.current?.open) help.current?.showModal();
      } else {
        const page = action === 'go-fleet' ? 'fleet' : action === 'go-alarms' ? 'alarms' : 'ratings';
        if (canAccess(page, role)) navigate({ to: `/${page}` });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate, role]);

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (matches.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + matches.length) % matches.length);
    } else if (e.key === 'Enter') {
      const m = matches[active] ?? matches[0];
      if (shown && m) {
        e.preventDefault();
        go(m.site.code);
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      // First Esc closes the list, the next leaves the box.
      if (shown) setOpen(false);
      else {
        setQuery('');
        input.current?.blur();
      }
    }
  }

  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-opt-${i}`;
  return (
    <div className="site-search" data-testid="site-search">
      <label htmlFor={`${id}-input`} className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={listId}
        aria-activedescendant={shown && matches[active] ? optionId(active) : undefined}
        aria-describedby={`${id}-hint`}
        autoComplete="off"
        spellCheck={false}
        placeholder={t('search.placeholder')}
        value={query}
        onFocus={() => {
          setUsed(true);
          setOpen(true);
        }}
        onBlur={() => setOpen(false)}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
      />
      <kbd className="site-search-key" aria-hidden="true">
        /
      </kbd>
      <span id={`${id}-hint`} className="visually-hidden">
        {t('search.hint')}
      </span>
      <ul
        id={listId}
        role="listbox"
        aria-label={t('search.label')}
        className="site-search-list"
        hidden={!shown}
      >
        {matches.map((m, i) => (
          <li
            key={m.site.code}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            data-code={m.site.code}
            // Keep the focus in the box (a blur would close the list before the click lands).
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => go(m.site.code)}
          >
            <span className="site-search-code mono">{m.site.code}</span>
            <span className="site-search-name">{displayName(m.site, language)}</span>
            {m.field !== 'code' && m.text !== displayName(m.site, language) ? (
              <span className="site-search-why muted">
                {t(`search.field.${m.field}`)}: {m.text}
              </span>
            ) : m.site.region ? (
              <span className="site-search-why muted">
                {displayValue(m.site.region, m.site.regionZh, language)}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <span className="visually-hidden" role="status" aria-live="polite">
        {shown
          ? fleet.isPending
            ? t('search.loading')
            : t('search.results', { count: matches.length })
          : ''}
      </span>
      {shown && !fleet.isPending && matches.length === 0 ? (
        <div className="site-search-list site-search-empty muted" aria-hidden="true">
          {t('search.results', { count: 0 })}
        </div>
      ) : null}
      <dialog ref={help} className="shortcut-help card" aria-labelledby={`${id}-help-title`}>
        <h2 id={`${id}-help-title`}>{t('shortcuts.title')}</h2>
        <dl>
          <dt>
            <kbd>/</kbd> {t('shortcuts.or')} <kbd>Ctrl</kbd>+<kbd>K</kbd>
          </dt>
          <dd>{t('shortcuts.search')}</dd>
          <dt>
            <kbd>g</kbd> {t('shortcuts.then')} <kbd>f</kbd>
          </dt>
          <dd>{t('shortcuts.fleet')}</dd>
          {canAccess('alarms', role) ? (
            <>
              <dt>
                <kbd>g</kbd> {t('shortcuts.then')} <kbd>a</kbd>
              </dt>
              <dd>{t('shortcuts.alarms')}</dd>
            </>
          ) : null}
          <dt>
            <kbd>g</kbd> {t('shortcuts.then')} <kbd>r</kbd>
          </dt>
          <dd>{t('shortcuts.ratings')}</dd>
          <dt>
            <kbd>?</kbd>
          </dt>
          <dd>{t('shortcuts.help')}</dd>
        </dl>
        <form method="dialog">
          <button type="submit" className="btn-secondary">
            {t('shortcuts.close')}
          </button>
        </form>
      </dialog>
    </div>
  );
}
