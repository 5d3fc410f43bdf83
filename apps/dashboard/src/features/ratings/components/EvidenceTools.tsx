import type { ChainVerification, RatingDetailResponse } from '@dcfleet/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { CaptionedTable } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { shortHash } from '../../../lib/format';
import { downloadEvidenceBundle, receiptsQuery, verifyChain } from '../api/evidence-api';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A button's async action: pending while it runs, its failure as a message (`failed` with the error's text). */
function useAction(
  action: () => Promise<void>,
  failed: 'report.verifyFailed' | 'report.bundleFailed',
): { pending: boolean; error: string | null; run: () => void } {
  const { t } = useI18n();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = () => {
    setPending(true);
    setError(null);
    action()
      .catch((err: unknown) => setError(t(failed, { message: message(err) })))
      .finally(() => setPending(false));
  };
  return { pending, error, run };
}

/** A button running `action`, its failure shown under it. */
function ActionButton({
  label,
  busyLabel,
  action,
  failed,
  testId,
}: {
  label: string;
  busyLabel?: string;
  action: () => Promise<void>;
  failed: 'report.verifyFailed' | 'report.bundleFailed';
  testId: string;
}) {
  const { pending, error, run } = useAction(action, failed);
  return (
    <span className="block no-print">
      <button type="button" onClick={run} disabled={pending} aria-busy={pending} data-testid={testId}>
        {pending && busyLabel ? busyLabel : label}
      </button>
      {error ? (
        <span className="block error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** "Verify again": recomputes the chain now; the report shows the fresh answer through `onVerified`. */
export function VerifyAgain({
  code,
  onVerified,
}: {
  code: string;
  onVerified: (v: ChainVerification) => void;
}) {
  const { t } = useI18n();
  return (
    <ActionButton
      label={t('report.verifyAgain')}
      busyLabel={t('report.verifying')}
      action={async () => onVerified(await verifyChain(code))}
      failed="report.verifyFailed"
      testId="verify-again"
    />
  );
}

/** Downloads the evidence bundle (JSON) of the report's site and period. */
export function BundleDownload({ r }: { r: RatingDetailResponse }) {
  const { t } = useI18n();
  return (
    <ActionButton
      label={t('report.bundle')}
      action={() => downloadEvidenceBundle(r)}
      failed="report.bundleFailed"
      testId="evidence-bundle"
    />
  );
}

/** The site's ingest receipts, newest first, a page at a time (older pages by the API's `before` cursor). */
export function ReceiptList({ code, timeZone }: { code: string; timeZone: string | undefined }) {
  const { t, fmt } = useI18n();
  // Cursors of the pages shown so far: [null] is the newest page; Older pushes, Newer pops.
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const before = cursors.at(-1) ?? null;
  const q = useQuery(receiptsQuery(code, before));
  const page = q.data;
  return (
    <div data-testid="receipt-list">
      <h3>{t('report.receiptList')}</h3>
      {page && page.receipts.length === 0 ? (
        <p className="muted">{t('report.receiptsNone')}</p>
      ) : page ? (
        <CaptionedTable
          id="receipts"
          caption={t('report.receiptsPage', { page: cursors.length })}
          testId="receipts-table"
        >
          <thead>
            <tr>
              <th scope="col" className="num">
                {t('report.receiptSeq')}
              </th>
              <th scope="col">{t('report.receiptReceived')}</th>
              <th scope="col">{t('report.receiptData')}</th>
              <th scope="col" className="num">
                {t('report.receiptSamples')}
              </th>
              <th scope="col">{t('report.receiptHash')}</th>
            </tr>
          </thead>
          <tbody>
            {page.receipts.map((x) => (
              <tr key={x.id}>
                <td className="num">{x.seq}</td>
                <td>{fmt.dateTime(x.receivedAt, timeZone)}</td>
                <td>
                  {fmt.dateTime(x.minTs, timeZone)} – {fmt.dateTime(x.maxTs, timeZone)}
                </td>
                <td className="num">
                  {fmt.number(x.accepted)} / {fmt.number(x.rejected)}
                </td>
                <td>
                  <code className="hash" title={x.hash}>
                    {shortHash(x.hash)}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </CaptionedTable>
      ) : q.error ? (
        <p className="error" role="alert">
          {message(q.error)}
        </p>
      ) : null}
      <p className="no-print">
        <button
          type="button"
          onClick={() => setCursors((c) => c.slice(0, -1))}
          disabled={cursors.length <= 1}
          data-testid="receipts-newer"
        >
          {t('report.receiptsNewer')}
        </button>{' '}
        <button
          type="button"
          onClick={() => page?.nextBefore != null && setCursors((c) => [...c, page.nextBefore])}
          disabled={!page || page.nextBefore === null || q.isFetching}
          data-testid="receipts-older"
        >
          {t('report.receiptsOlder')}
        </button>
      </p>
    </div>
  );
}
