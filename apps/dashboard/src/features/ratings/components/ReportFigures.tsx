import type { RatingDetailResponse } from '@dcfleet/contracts';
import { useI18n } from '../../../i18n/i18n';
import { useRatingsFormat } from '../hooks/use-ratings-format';
import { NO_VALUE } from '../../../lib/format';
import { CoverageBar, GradeBadge, RatingStatusBadge, TargetMark } from './badges';

/** The report's figures: PUE, grade, status and target, the other ratios, and the period's energy and water. */
export function ReportFigures({ r }: { r: RatingDetailResponse }) {
  const { t } = useI18n();
  const rf = useRatingsFormat();
  const e = r.energy ?? { facilityKwh: 0, itKwh: 0 };

  return (
    <section className="report-section" aria-labelledby="fig-title">
      <h2 id="fig-title">{t('report.figures')}</h2>
      <div className="report-hero">
        <div className="hero-pue">
          <span className="muted">{t('report.pue')}</span>
          <strong data-testid="report-pue">{rf.pue(r.pue)}</strong>
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
                facility: rf.share(r.coverageBy.facility),
                it: rf.share(r.coverageBy.it),
              })}
            </span>
          ) : null}
        </dd>
        <dt>{t('report.dcie')}</dt>
        <dd>{rf.share(r.dcie ?? null)}</dd>
        <dt>{t('report.wue')}</dt>
        <dd>
          {r.wue === null ? NO_VALUE : `${rf.wue(r.wue)} L/kWh`}
          {/* A part-period water meter: WUE is over its days only, so say how much of the period that is. */}
          {r.wue !== null && r.coverageBy?.water != null && r.coverageBy.water < 0.95 ? (
            <span className="block small muted" data-testid="report-water-span">
              {t('report.meterSpan', { share: rf.share(r.coverageBy.water) })}
            </span>
          ) : null}
        </dd>
        <dt>{t('report.cue')}</dt>
        <dd>
          {r.cue === null ? NO_VALUE : `${rf.cue(r.cue)} kgCO₂e/kWh`}
          {r.emissionFactor !== undefined ? (
            <span className="block small muted" data-testid="report-ef">
              {r.emissionFactor === null
                ? t('report.ef.none')
                : t('report.ef', {
                    factor: rf.factor(r.emissionFactor.factor),
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
            : `${rf.cue(r.cueLocation)} kgCO₂e/kWh`}
        </dd>
        <dt>{t('report.ref')}</dt>
        <dd>{rf.ratio(r.ref)}</dd>
        <dt>{t('report.erf')}</dt>
        <dd>{rf.ratio(r.erf)}</dd>
        <dt>{t('report.ere')}</dt>
        <dd>{rf.ratio(r.ere)}</dd>
      </dl>
      <h3>{t('report.energy')}</h3>
      <dl className="figures">
        <dt>{t('report.facilityKwh')}</dt>
        <dd>{rf.energy(e.facilityKwh)}</dd>
        <dt>{t('report.itKwh')}</dt>
        <dd>{rf.energy(e.itKwh)}</dd>
        <dt>{t('report.renewableKwh')}</dt>
        <dd>{rf.energy(e.renewableKwh)}</dd>
        <dt>{t('report.reusedKwh')}</dt>
        <dd>{rf.energy(e.reusedKwh)}</dd>
        <dt>{t('report.water')}</dt>
        <dd>{rf.water(e.waterM3)}</dd>
        <dt>{t('report.co2')}</dt>
        <dd>{rf.co2(e.co2Kg)}</dd>
      </dl>
    </section>
  );
}
