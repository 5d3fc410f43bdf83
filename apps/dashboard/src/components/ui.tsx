import type { SiteStatus } from '@dcfleet/contracts';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, isNotAvailable } from '../api/client';
import { hasNavigated } from '../routing/navigation';
import { useI18n } from '../i18n/i18n';

export function StatusBadge({ status }: { status: SiteStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <span aria-hidden="true" className="dot" />
      {t(`status.${status}`)}
    </span>
  );
}

export function Loading({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <p className="muted loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {children ?? t('app.loading')}
    </p>
  );
}

/** An error with a retry button; a 404 of a whole endpoint reads as "not available yet". */
export function ErrorState({
  error,
  message,
  onRetry,
}: {
  error: Error;
  message: string;
  onRetry?: () => void;
}) {
  const { t } = useI18n();
  if (isNotAvailable(error)) {
    return (
      <p className="notice" role="status">
        {t('app.notAvailable', { status: (error as ApiError).status })}
      </p>
    );
  }
  return (
    <div className="error" role="alert">
      <span>{message}</span>
      {onRetry ? (
        <button type="button" className="btn-secondary" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted empty">{children}</p>;
}

/** Copies text to the clipboard and says so; falls back to selecting the text when the API is missing. */
export function CopyButton({ text, label, targetId }: { text: string; label?: string; targetId?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      const el = targetId ? document.getElementById(targetId) : null;
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
        el.focus();
        el.select();
      }
      setCopied(false);
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(false), 2500);
  }
  return (
    <button type="button" onClick={copy} aria-live="polite">
      {copied ? t('app.copied') : (label ?? t('app.copy'))}
    </button>
  );
}

/** "Updated 08:03:41" / "Refreshing…" with a refresh button. */
export function RefreshBar({
  loading,
  updatedAt,
  onRefresh,
}: {
  loading: boolean;
  /** When the data last changed (epoch ms; 0: never). */
  updatedAt: number;
  onRefresh: () => void;
}) {
  const { t, fmt } = useI18n();
  return (
    <div className="page-actions">
      <span className="muted" role="status" aria-live="polite">
        {loading ? t('app.refreshing') : updatedAt ? t('app.updated', { time: fmt.time(updatedAt) }) : ''}
      </span>
      <button type="button" className="btn-secondary" onClick={onRefresh} disabled={loading}>
        {t('app.refresh')}
      </button>
    </div>
  );
}

/** Re-renders every `ms` (for "N min ago" texts). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * A page's h1: sets the document title and takes the focus when the page opens, so keyboard and screen
 * reader users land on the new content (WCAG 2.4.3).
 */
export function PageHeading({ id, children, title }: { id: string; children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · dcfleet`;
  }, [title]);
  useEffect(() => {
    if (hasNavigated()) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 id={id} ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/**
 * A data table in a region that scrolls sideways and takes keyboard focus (wide tables on a phone), named for
 * screen readers by the table's caption.
 */
export function CaptionedTable({
  id,
  caption,
  className,
  testId,
  children,
}: {
  id: string;
  caption: ReactNode;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={`${id}-caption`}>
      <table className={className ? `data ${className}` : 'data'} data-testid={testId}>
        <caption id={`${id}-caption`}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}
