import { useId, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * A page's filters, behind a "Filters (n active)" toggle on phones (collapsed at first, so the list starts on the
 * first screen); on wider screens the toggle is hidden and the filters always show (styles.css, ≤ 700 px).
 */
export function FiltersDisclosure({ active, children }: { active: number; children: ReactNode }) {
  const { t } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <div className="filters-disclosure" data-open={open}>
      <button
        type="button"
        className="btn-secondary filters-toggle"
        aria-expanded={open}
        aria-controls={id}
        data-testid="filters-toggle"
        data-active={active}
        onClick={() => setOpen((o) => !o)}
      >
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" fill="currentColor">
          <path d="M1.5 2.5h13l-5 6v5l-3-1.5V8.5z" />
        </svg>
        {t('app.filters', { n: active })}
        <span className="filters-chevron" aria-hidden="true" />
      </button>
      <div id={id} className="filters-body">
        {children}
      </div>
    </div>
  );
}
