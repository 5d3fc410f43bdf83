import type { RatingDetailResponse } from '@dcfleet/contracts';
import { useMemo } from 'react';
import { Chart } from '../../../components/Chart';
import { useI18n } from '../../../i18n/i18n';
import { DEFAULT_GRADES, monthlyPueData, monthlyPueOptions } from '../api/ratings-data';

/** The report's monthly breakdown: PUE per month against the hub target as a chart, and as a table. */
export function ReportMonthly({
  r,
  year,
  monthName,
}: {
  r: RatingDetailResponse;
  year: number;
  monthName: (month: number) => string;
}) {
  const { t, fmt } = useI18n();
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
        targetLabel: `${t('report.target')} ≤ ${fmt.fixed(target, 2)}`,
        format: fmt.ratedPue,
        lowest: Math.min(...(r.monthly ?? []).map((m) => m.pue ?? Infinity)),
      }),
    [t, fmt, target, r.monthly],
  );
  const monthsWithPue = (r.monthly ?? []).filter((m) => m.pue !== null);
  const chartLabel = `${t('report.monthlyChart', { year })}: ${
    monthsWithPue.length
      ? monthsWithPue.map((m) => `${monthName(m.month)} ${fmt.ratedPue(m.pue)}`).join(', ')
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
          {[...(r.monthly ?? [])]
            .sort((a, b) => a.month - b.month)
            .map((m) => (
              <tr key={m.month}>
                <th scope="row">{monthName(m.month)}</th>
                <td className="num">{fmt.energy(m.facilityKwh)}</td>
                <td className="num">{fmt.energy(m.itKwh)}</td>
                <td className="num">{fmt.ratedPue(m.pue)}</td>
                <td className="num">{fmt.percent(m.coverage)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}
