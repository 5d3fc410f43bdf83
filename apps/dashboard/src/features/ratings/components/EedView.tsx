import type { EedExport } from '@dcfleet/contracts';
import { CaptionedTable, Empty } from '../../../components/ui';
import { displayName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { useRatingsFormat } from '../hooks/use-ratings-format';
import { NO_VALUE } from '../../../lib/format';
import { useEedQuery } from '../hooks/use-ratings-query';
import { Loaded } from './ExportLoaded';

/** The EU EED annual report of every site: what dcfleet measures, and the Annex fields it cannot fill. */
export function EedView({ year }: { year: number }) {
  const { t, fmt, language } = useI18n();
  const rf = useRatingsFormat();
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
            <CaptionedTable id="eed" caption={t('exports.eedCaption', { year })} testId="eed-table">
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
                      <span className="block small muted site-name">{displayName(s, language)}</span>
                    </th>
                    <td>
                      {s.applies ? t('exports.yes') : t('exports.no')}
                      <span className="block small muted">
                        {s.installedItPowerKw === null ? NO_VALUE : `${fmt.number(s.installedItPowerKw)} kW`}
                      </span>
                    </td>
                    <td className="num">{rf.energy(s.totalEnergyKwh)}</td>
                    <td className="num">{rf.pue(s.pue)}</td>
                    <td className="num">{rf.wue(s.wue)}</td>
                    <td className="num">{rf.ratio(s.erf)}</td>
                    <td className="num">{rf.ratio(s.ref)}</td>
                  </tr>
                ))}
              </tbody>
            </CaptionedTable>
            <p className="muted small" data-testid="eed-not-filled">
              {t('exports.notFilled', { list: data.notFilled.join(', ') })}
            </p>
          </>
        )
      }
    </Loaded>
  );
}
