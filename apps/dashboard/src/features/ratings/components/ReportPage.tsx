import type { RatingDetailResponse } from '@dcfleet/contracts';
import { Link } from '../../../routing/router';
import { ErrorState, Loading, PageHeading } from '../../../components/ui';
import { displayName, displayValue } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { periodOf, periodSearch, type RatingPeriod, type ReportSearch } from '../api/ratings-search';
import { useRatingQuery } from '../hooks/use-ratings-query';
import { periodLabel } from './period-label';
import { ReportEvidence } from './ReportEvidence';
import { ReportFigures } from './ReportFigures';
import { ReportMonthly } from './ReportMonthly';

function Report({ r, period }: { r: RatingDetailResponse; period: RatingPeriod }) {
  const { t, fmt } = useI18n();
  const monthName = fmt.month;

  return (
    <>
      {r.meteringFault ? (
        <p className="error" role="alert">
          {t('report.fault', { reasons: (r.faultReasons ?? []).join('; ') || '—' })}
        </p>
      ) : null}
      <ReportFigures r={r} />
      <ReportMonthly r={r} period={period} monthName={monthName} />
      <ReportEvidence r={r} monthName={monthName} />
    </>
  );
}

export function ReportPage({ code, search }: { code: string; search: ReportSearch }) {
  const { t, fmt, language } = useI18n();
  const period = periodOf(search);
  const label = periodLabel(period, t);
  const q = useRatingQuery(code, period);
  const r = q.data;
  const title = t('report.title');

  return (
    <article className="page report" aria-labelledby="report-title">
      <div className="report-actions no-print">
        <Link to="/ratings" search={periodSearch(period)}>
          ← {t('report.back')}
        </Link>
        <button type="button" onClick={() => window.print()} disabled={!r}>
          {t('report.print')}
        </button>
      </div>
      <header className="report-head">
        <PageHeading id="report-title" title={`${title} · ${code} ${label}`}>
          {title}
        </PageHeading>
        <p className="report-subtitle">
          {t('report.subtitle', { name: r ? displayName(r, language) : code, code, year: label })}
        </p>
        {r ? (
          <p className="muted small">
            {r.hub ? `${displayValue(r.hub, r.hubZh, language)} · ` : ''}
            {r.scheme ? `${r.scheme.name} (${r.scheme.edition}) · ` : ''}
            {r.generatedAt ? t('report.generated', { time: fmt.dateTime(r.generatedAt) }) : ''}
          </p>
        ) : null}
      </header>
      {q.error ? (
        <ErrorState
          error={q.error}
          message={t('report.loadError', { message: q.error.message })}
          onRetry={() => void q.refetch()}
        />
      ) : null}
      {r ? <Report r={r} period={period} /> : q.error ? null : <Loading />}
    </article>
  );
}
