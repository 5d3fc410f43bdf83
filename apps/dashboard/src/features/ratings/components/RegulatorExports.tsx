import type { EedExport, EligibilityExport } from '@dcfleet/contracts';
import { Link } from '@tanstack/react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { NO_VALUE } from '../../../lib/format';
import { useEedQuery, useEligibilityQuery } from '../hooks/use-ratings-query';

function Loaded<T>({ q, children }: { q: UseQueryResult<T>; children: (data: T) => ReactNode }) {
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

/** National green data center eligibility of every site: each criterion met, failed or without data. */
export function EligibilityView({ year }: { year: number }) {
  const { t } = useI18n();
  const q = useEligibilityQuery(year);
  return (
    <Loaded q={q}>
      {(data: EligibilityExport) =>
        data.sites.length === 0 ? (
          <Empty>{t('ratings.empty')}</Empty>
        ) : (
          <>
            <p className="muted small">
              {t('exports.eligibilityScheme', { name: data.scheme.name, edition: data.scheme.edition })}
            </p>
            <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="eligibility-caption">
              <table className="data" data-testid="eligibility-table">
                <caption id="eligibility-caption">{t('exports.eligibilityCaption', { year })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('ratings.col.site')}</th>
                    <th scope="col">{t('exports.eligible')}</th>
                    <th scope="col">{t('exports.failed')}</th>
                    <th scope="col">{t('exports.missing')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.sites.map((s) => (
                    <tr key={s.code} data-code={s.code}>
                      <th scope="row">
                        <Link
                          to="/ratings/$code"
                          params={{ code: s.code }}
                          search={{ year }}
                          className="code"
                        >
                          {s.code}
                        </Link>
                        <span className="block small muted site-name">{s.name}</span>
                      </th>
                      <td className={s.eligible ? 'ok-text' : 'muted'}>
                        {s.eligible ? t('exports.yes') : t('exports.no')}
                      </td>
                      <td>
                        {s.failed.length ? (
                          <ul className="plain small">
                            {s.criteria
                              .filter((c) => c.met === false)
                              .map((c) => (
                                <li key={c.criterion}>
                                  {t('exports.criterion', {
                                    criterion: c.criterion,
                                    value: c.value ?? NO_VALUE,
                                    required: c.required,
                                  })}
                                </li>
                              ))}
                          </ul>
                        ) : (
                          NO_VALUE
                        )}
                      </td>
                      <td className="small muted">{s.missing.length ? s.missing.join(', ') : NO_VALUE}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">
              {t('exports.notAssessed', { list: data.sites[0]?.notAssessed.join(', ') ?? '' })}
            </p>
          </>
        )
      }
    </Loaded>
  );
}

/** The EU EED annual report of every site: what dcfleet measures, and the Annex fields it cannot fill. */
export function EedView({ year }: { year: number }) {
  const { t, fmt } = useI18n();
  const q = useEedQuery(year);
  return (
    <Loaded q={q}>
      {(data: EedExport) =>
        data.sites.length === 0 ? (
          <Empty>{t('ratings.empty')}</Empty>
        ) : (
          <>
            <p className="muted small">
              {t('exports.eedScheme', {
                name: data.scheme.name,
                kw: data.scheme.minItPowerKw,
              })}
            </p>
            <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="eed-caption">
              <table className="data" data-testid="eed-table">
                <caption id="eed-caption">{t('exports.eedCaption', { year })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('ratings.col.site')}</th>
                    <th scope="col">{t('exports.applies')}</th>
                    <th scope="col" className="num">
                      {t('exports.totalEnergy')}
                    </th>
                    <th scope="col" className="num">
                      {t('ratings.col.pue')}
                    </th>
                    <th scope="col" className="num">
                      {t('ratings.col.wue')}
                    </th>
                    <th scope="col" className="num">
                      {t('ratings.col.erf')}
                    </th>
                    <th scope="col" className="num">
                      {t('ratings.col.ref')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.sites.map((s) => (
                    <tr key={s.code} data-code={s.code}>
                      <th scope="row">
                        <span className="code">{s.code}</span>
                        <span className="block small muted site-name">{s.name}</span>
                      </th>
                      <td>
                        {s.applies ? t('exports.yes') : t('exports.no')}
                        <span className="block small muted">
                          {s.installedItPowerKw === null
                            ? NO_VALUE
                            : `${fmt.number(s.installedItPowerKw)} kW`}
                        </span>
                      </td>
                      <td className="num">{fmt.energy(s.totalEnergyKwh)}</td>
                      <td className="num">{fmt.ratedPue(s.pue)}</td>
                      <td className="num">{fmt.fixed(s.wue, 2)}</td>
                      <td className="num">{fmt.fixed(s.erf, 3)}</td>
                      <td className="num">{fmt.fixed(s.ref, 3)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small" data-testid="eed-not-filled">
              {t('exports.notFilled', { list: data.notFilled.join(', ') })}
            </p>
          </>
        )
      }
    </Loaded>
  );
}
