import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorState, Loading } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';

/** A regulator export's query: its error with a retry, loading, then the export. */
export function Loaded<T>({ q, children }: { q: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (q.error)
    return (
      <ErrorState
        error={q.error}
        message={t('ratings.loadError', { message: q.error.message })}
        onRetry={() => void q.refetch()}
      />
    );
  if (!q.data) return <Loading />;
  return <>{children(q.data)}</>;
}
