import type { RatingDetailResponse } from '@dcfleet/contracts';
import { useI18n } from '../../../i18n/i18n';
import { formatEnergy, formatFixed, formatPercent, formatRatedPue, NO_VALUE } from '../../../lib/format';
import { CoverageBar, GradeBadge, RatingStatusBadge, TargetMark } from './badges';

/** The report's figures: PUE, grade, status and target, the other ratios, and the period's energy and water. */
export function ReportFigures({ r }: { r: RatingDetailResponse }) {
  const { t, locale } = useI18n();
  const e = r.energy ?? { facilityKwh: 0, itKwh: 0 };

  return (
    <section className="report-section" aria-labelledby="fig-title">
      <h2 id="fig-title">{t('report.figures')}</h2>
      <div className="report-hero">
        <div className="hero-pue">
          <span className="muted">{t('report.pue')}</span>
          <strong data-testid="report-pue">{formatRatedPue(r.pue)}</strong>
        </div>
        <div>
          <span className="muted">{t('report.grade')}</span>
          <GradeBadge grade={r.grade} outOfScope={r.outOfScope} />
        </div>
        <div>
          <span className="muted">{t('report.status')}</span>
          <RatingStatusBadge status={r.status} />
        </div>
        <div>
          <span className="muted">{t('report.target')}</span>
          <TargetMark meets={r.meetsHubTarget} />
        </div>
      </div>
      <dl className="figures">
        <dt>{t('report.coverage')}</dt>
        <dd>
          <CoverageBar coverage={r.coverage} />
          {r.coverageBy ? (
            <span className="block small muted">
              {t('report.coverageBy', {
                facility: formatPercent(r.coverageBy.facility),
                it: formatPercent(r.coverageBy.it),
              })}
            </span>
          ) : null}
        </dd>
        <dt>{t('report.dcie')}</dt>
        <dd>{formatPercent(r.dcie ?? null)}</dd>
        <dt>{t('report.wue')}</dt>
        <dd>
          {r.wue === null ? NO_VALUE : `${formatFixed(r.wue, 3)} L/kWh`}
          {/* A part-period water meter: WUE is over its days only, so say how much of the period that is. */}
          {r.wue !== null && r.coverageBy?.water != null && r.coverageBy.water < 0.95 ? (
            <span className="block small muted" data-testid="report-water-span">
              {t('report.meterSpan', { share: formatPercent(r.coverageBy.water) })}
            </span>
          ) : null}
        </dd>
        <dt>{t('report.cue')}</dt>
        <dd>
          {r.cue === null ? NO_VALUE : `${formatFixed(r.cue, 3)} kgCO₂e/kWh`}
          {r.emissionFactor !== undefined ? (
            <span className="block small muted" data-testid="report-ef">
              {r.emissionFactor === null
                ? t('report.ef.none')
                : t('report.ef', {
                    factor: formatFixed(r.emissionFactor.factor, 4),
                    origin:
                      r.emissionFactor.kind === 'site'
                        ? t('ratings.ef.site')
                        : [r.emissionFactor.region, r.emissionFactor.year]
                            .filter((x) => x !== null)
                            .join(' '),
                    source: r.emissionFactor.source,
                  })}
            </span>
          ) : null}
        </dd>
        <dt>{t('report.cueLocation')}</dt>
        <dd>
          {r.cueLocation === null || r.cueLocation === undefined
            ? NO_VALUE
            : `${formatFixed(r.cueLocation, 3)} kgCO₂e/kWh`}
        </dd>
        <dt>{t('report.ref')}</dt>
        <dd>{formatFixed(r.ref, 3)}</dd>
        <dt>{t('report.erf')}</dt>
        <dd>{formatFixed(r.erf, 3)}</dd>
        <dt>{t('report.ere')}</dt>
        <dd>{formatFixed(r.ere, 3)}</dd>
      </dl>
      <h3>{t('report.energy')}</h3>
      <dl className="figures">
        <dt>{t('report.facilityKwh')}</dt>
        <dd>{formatEnergy(e.facilityKwh)}</dd>
        <dt>{t('report.itKwh')}</dt>
        <dd>{formatEnergy(e.itKwh)}</dd>
        <dt>{t('report.renewableKwh')}</dt>
        <dd>{formatEnergy(e.renewableKwh)}</dd>
        <dt>{t('report.reusedKwh')}</dt>
        <dd>{formatEnergy(e.reusedKwh)}</dd>
        <dt>{t('report.water')}</dt>
        <dd>
          {e.waterM3 === null || e.waterM3 === undefined
            ? NO_VALUE
            : `${e.waterM3.toLocaleString(locale, { maximumFractionDigits: 0 })} m³`}
        </dd>
        <dt>{t('report.co2')}</dt>
        <dd>
          {e.co2Kg === null || e.co2Kg === undefined
            ? NO_VALUE
            : `${(e.co2Kg / 1000).toLocaleString(locale, { maximumFractionDigits: 1 })} tCO₂e`}
        </dd>
      </dl>
    </section>
  );
}
