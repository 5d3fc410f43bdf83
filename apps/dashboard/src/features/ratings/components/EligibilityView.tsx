import type { EligibilityExport } from '@dcfleet/contracts';
import { Link } from '../../../routing/router';
import { CaptionedTable, Empty } from '../../../components/ui';
import { displayName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { NO_VALUE } from '../../../lib/format';
import { useEligibilityQuery } from '../hooks/use-ratings-query';
import { Loaded } from './ExportLoaded';

/** National green data center eligibility of every site: each criterion met, failed or without data. */
export function EligibilityView({ year }: { year: number }) {
  const { t, language } = useI18n();
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
            <CaptionedTable
              id="eligibility"
              caption={t('exports.eligibilityCaption', { year })}
              testId="eligibility-table"
            >
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
                      <Link to="/ratings/$code" params={{ code: s.code }} search={{ year }} className="code">
                        {s.code}
                      </Link>
                      <span className="block small muted site-name">{displayName(s, language)}</span>
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
            </CaptionedTable>
            <p className="muted small">
              {t('exports.notAssessed', { list: data.sites[0]?.notAssessed.join(', ') ?? '' })}
            </p>
          </>
        )
      }
    </Loaded>
  );
}
