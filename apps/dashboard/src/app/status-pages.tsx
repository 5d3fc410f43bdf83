/** The shell's own pages: not found, not allowed, a page that crashed, and a page still loading. */
import { useEffect } from 'react';
import { Loading } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { Link, type CrashProps } from '../routing/router';

function Message({ title, body, testId }: { title: string; body: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <section className="page" aria-labelledby="msg-title" data-testid={testId}>
      <h1 id="msg-title" tabIndex={-1}>
        {title}
      </h1>
      <p>{body}</p>
      <p>
        <Link to="/fleet">{t('app.backToFleet')}</Link>
      </p>
    </section>
  );
}

export function NotFoundPage() {
  const { t } = useI18n();
  return <Message title={t('app.notFound.title')} body={t('app.notFound.body')} />;
}

export function ForbiddenPage({ role }: { role: string }) {
  const { t } = useI18n();
  return (
    <Message title={t('app.forbidden.title')} body={t('app.forbidden.body', { role })} testId="forbidden" />
  );
}

/** A page that failed to render: the shell (navigation, sign-out) keeps working around it. */
export function CrashPage({ error, reset }: CrashProps) {
  const { t } = useI18n();
  useEffect(() => {
    // Kept as a warning: the page shows the error to the user already.
    console.warn('dcfleet: page crashed', error);
  }, [error]);
  return (
    <section className="page" role="alert">
      <h1>{t('app.crash.title')}</h1>
      <p>{t('app.crash.body', { message: error instanceof Error ? error.message : String(error) })}</p>
      <p className="page-actions">
        <button type="button" onClick={reset}>
          {t('app.retry')}
        </button>
        <Link to="/fleet">{t('app.backToFleet')}</Link>
      </p>
    </section>
  );
}

export function PendingPage() {
  return (
    <div className="page">
      <Loading />
    </div>
  );
}
