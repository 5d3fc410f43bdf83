import type { RatingDetailResponse } from '@dcfleet/contracts';
import { useMemo } from 'react';
import { Chart } from '../../../components/Chart';
import { useI18n } from '../../../i18n/i18n';
import { useRatingsFormat } from '../hooks/use-ratings-format';
import type { RatingPeriod } from '../api/ratings-search';
import { periodLabel } from './period-label';
import { COLORS } from '../../../components/chart-options';
import {
  DEFAULT_GRADES,
  gradeLegend,
  inMonthOrder,
  monthlyPueData,
  monthlyPueOptions,
} from '../api/ratings-data';

/** The report's monthly breakdown: PUE per month against the hub target as a chart, and as a table. */
export function ReportMonthly({
  r,
  period,
  monthName,
}: {
  r: RatingDetailResponse;
  period: RatingPeriod;
  monthName: (month: number) => string;
}) {
  const { t, fmt } = useI18n();
  const rf = useRatingsFormat();
  const grades = r.scheme?.grades ?? DEFAULT_GRADES;
  const target = r.scheme
    ? (r.hub && r.scheme.hubTarget.overrides[r.hub]) || r.scheme.hubTarget.defaultMaxPue
    : 1.25;
  const data = useMemo(
    () => monthlyPueData(r.monthly ?? [], monthName, 'PUE', grades),
    [r.monthly, monthName, grades],
  );
  const options = useMemo(
    () =>
      monthlyPueOptions({
        xTitle: t('report.axisMonth'),
        yTitle: t('report.axisPue'),
        target,
        format: rf.pue,
        lowest: Math.min(...(r.monthly ?? []).map((m) => m.pue ?? Infinity)),
      }),
    [t, fmt, target, r.monthly],
  );
  const monthsWithPue = (r.monthly ?? []).filter((m) => m.pue !== null);
  const chartLabel = `${t('report.monthlyChart', { year: periodLabel(period, t) })}: ${
    monthsWithPue.length
      ? monthsWithPue.map((m) => `${monthName(m.month)} ${rf.pue(m.pue)}`).join(', ')
      : t('report.noPue')
  }`;

  return (
    <section className="report-section keep-together" aria-labelledby="monthly-title">
      <h2 id="monthly-title">{t('report.monthly')}</h2>
      <Chart
        type="bar"
        data={data}
        options={options}
        label={chartLabel}
        height={240}
        testId="monthly-chart"
      />
      <MonthlyLegend grades={grades} target={target} />
      {/* Scrolls sideways on a phone rather than widening the page; no frame, so the printed report is as before. */}
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="monthly-title">
        <table className="data compact monthly">
          <thead>
            <tr>
              <th scope="col">{t('report.month')}</th>
              <th scope="col" className="num">
                {t('report.facilityKwh')}
              </th>
              <th scope="col" className="num">
                {t('report.itKwh')}
              </th>
              <th scope="col" className="num">
                PUE
              </th>
              <th scope="col" className="num">
                {t('report.monthCoverage')}
              </th>
            </tr>
          </thead>
          <tbody>
            {inMonthOrder(r.monthly ?? []).map((m) => (
              <tr key={`${m.year}-${m.month}`}>
                <th scope="row">{monthName(m.month)}</th>
                <td className="num">{rf.energy(m.facilityKwh)}</td>
                <td className="num">{rf.energy(m.itKwh)}</td>
                <td className="num">{rf.pue(m.pue)}</td>
                <td className="num">{rf.share(m.coverage)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const SWATCH = {
  display: 'inline-block',
  width: '0.9em',
  height: '0.9em',
  marginRight: '0.3em',
  verticalAlign: '-0.1em',
};

/** What the bar colours mean, and the hub target line with its value (drawn on the canvas it sat behind the bars). */
function MonthlyLegend({
  grades,
  target,
}: {
  grades: readonly { grade: number; maxPue: number }[];
  target: number;
}) {
  const { t } = useI18n();
  const rf = useRatingsFormat();
  return (
    <div className="small" data-testid="monthly-legend">
      <span className="muted">{t('report.legend')}: </span>
      <ul className="inline-list" style={{ display: 'inline', padding: 0 }}>
        {gradeLegend(grades).map((g) => (
          <li key={g.kind === 'grade' ? g.grade : g.kind} style={{ display: 'inline', marginRight: '1em' }}>
            <span aria-hidden="true" style={{ ...SWATCH, background: g.color }} />
            {g.kind === 'grade'
              ? t('report.legendGrade', { grade: g.grade, max: rf.pue(g.maxPue) })
              : t(g.kind === 'below' ? 'report.legendBelow' : 'report.legendNone')}
          </li>
        ))}
        <li style={{ display: 'inline' }} data-testid="target-label">
          <span
            aria-hidden="true"
            style={{ ...SWATCH, height: 0, borderTop: `2px dashed ${COLORS.target}` }}
          />
          {t('report.target')} ≤ {rf.pue(target)}
        </li>
      </ul>
    </div>
  );
}
