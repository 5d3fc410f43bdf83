import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { Empty, ErrorState, Loading } from '../../../components/ui';

/**
 * The shape every admin list shares: the query's error (with retry), loading and empty states, then the
 * table in a scrollable, focusable region labelled by the section's heading.
 */
export function AdminTable<T>({
  q,
  errorMessage,
  empty,
  labelledBy,
  children,
}: {
  q: UseQueryResult<T[]>;
  /** The error text, from the server's message. */
  errorMessage: (message: string) => string;
  /** Shown instead of the table when the list is empty; without it, an empty table is shown. */
  empty?: ReactNode;
  /** Id of the section heading. */
  labelledBy: string;
  children: ReactNode;
}) {
  return (
    <>
      {q.error ? (
        <ErrorState
          error={q.error}
          message={errorMessage(q.error.message)}
          onRetry={() => void q.refetch()}
        />
      ) : null}
      {!q.data ? (
        q.error ? null : (
          <Loading />
        )
      ) : empty !== undefined && q.data.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={labelledBy}>
          {children}
        </div>
      )}
    </>
  );
}
