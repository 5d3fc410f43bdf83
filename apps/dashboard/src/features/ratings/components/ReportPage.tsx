import type { DataGap, EnergySource, MeterQuality, RatingDetailResponse } from '@dcfleet/contracts';
import { useMemo } from 'react';
import { hrefFor } from '../../../app/routes';
import { Chart } from '../../../components/Chart';
import { ErrorState, Loading, PageHeading } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import {
  formatDate,
  formatDateTime,
  formatEnergy,
  formatFixed,
  formatPercent,
  formatRatedPue,
  NO_VALUE,
} from '../../../lib/format';
import { DEFAULT_GRADES, gapHours, monthlyPueData, monthlyPueOptions, parseYear } from '../api/ratings-data';
import { useRatingQuery } from '../hooks/use-ratings-query';
import { CoverageBar, GradeBadge, RatingStatusBadge, TargetMark } from './badges';

const MAX_GAPS = 8;

function GapList({ title, gaps, timeZone }: { title: string; gaps: DataGap[]; timeZone?: string }) {
  const { t, locale } = useI18n();
  return (
    <div className="gap-list">
      <h4>
        {title}: {gaps.length} ({gapHours(gaps).toFixed(1)} h)
      </h4>
      {gaps.length === 0 ? (
        <p className="muted">{t('report.gapsNone')}</p>
      ) : (
        <ul>
          {gaps.slice(0, MAX_GAPS).map((g) => (
            <li key={`${g.from}-${g.to}`}>
              {formatDateTime(g.from, locale, timeZone)} – {formatDateTime(g.to, locale, timeZone)}
              {g.bridged ? <span className="muted"> · {t('report.gapBridged')}</span> : null}
            </li>
          ))}
          {gaps.length > MAX_GAPS ? (
            <li className="muted">{t('report.gapsMore', { n: gaps.length - MAX_GAPS })}</li>
          ) : null}
        </ul>
      )}
    </div>
  );
}

const MAX_EVENTS = 8;

/** A meter's source, replacements and glitches (docs/contract.md, "Counters that fall"), for the data-quality section. */
function MeterQualityList({
  title,
  source,
  quality,
  timeZone,
}: {
  title: string;
  source: EnergySource;
  quality: MeterQuality | null | undefined;
  timeZone?: string;
}) {
  const { t, locale } = useI18n();
  return (
    <div className="gap-list" data-testid="meter-quality">
      <h4>
        {title}: {source ? t(`report.source.${source}`) : NO_VALUE}
      </h4>
      {quality ? (
        <>
          <p>
            {t('report.meterEvents', {
              replacements: quality.replacements,
              glitches: quality.glitches,
              drop: formatEnergy(quality.glitchDropKwh),
            })}
          </p>
          {quality.events.length ? (
            <ul>
              {quality.events.slice(0, MAX_EVENTS).map((e) => (
                <li key={`${e.kind}-${e.at}`}>
                  {e.withinDay ? formatDate(e.at, locale, timeZone) : formatDateTime(e.at, locale, timeZone)}{' '}
                  ·{' '}
                  {e.kind === 'glitch'
                    ? t('report.glitch', { size: formatEnergy(e.size ?? 0) })
                    : e.kind === 'exchange'
                      ? t('report.exchange')
                      : t('report.replacement')}
                </li>
              ))}
              {quality.events.length > MAX_EVENTS ? (
                <li className="muted">{t('report.gapsMore', { n: quality.events.length - MAX_EVENTS })}</li>
              ) : null}
            </ul>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function Report({ r, year }: { r: RatingDetailResponse; year: number }) {
  const { t, locale } = useI18n();
  const gaps = r.evidence.dataGaps;
  const grades = r.scheme?.grades ?? DEFAULT_GRADES;
  const target = r.scheme
    ? (r.hub && r.scheme.hubTarget.overrides[r.hub]) || r.scheme.hubTarget.defaultMaxPue
    : 1.25;
  const monthName = (m: number) => new Date(2001, m - 1, 1).toLocaleString(locale, { month: 'short' });
  const data = useMemo(
    () => monthlyPueData(r.monthly ?? [], monthName, 'PUE', grades),
    [r.monthly, locale, grades],
  );
  const options = useMemo(
    () =>
      monthlyPueOptions({
        xTitle: t('report.axisMonth'),
        yTitle: t('report.axisPue'),
        target,
        targetLabel: `${t('report.target')} ≤ ${target.toFixed(2)}`,
        lowest: Math.min(...(r.monthly ?? []).map((m) => m.pue ?? Infinity)),
      }),
    [t, target, r.monthly],
  );
  const monthsWithPue = (r.monthly ?? []).filter((m) => m.pue !== null);
  const chartLabel = `${t('report.monthlyChart', { year })}: ${
    monthsWithPue.length
      ? monthsWithPue.map((m) => `${monthName(m.month)} ${formatRatedPue(m.pue)}`).join(', ')
      : t('report.noPue')
  }`;
  const v = r.evidence?.chainVerification;
  const e = r.energy ?? { facilityKwh: 0, itKwh: 0 };

  return (
    <>
      {r.meteringFault ? (
        <p className="error" role="alert">
          {t('report.fault', { reasons: (r.faultReasons ?? []).join('; ') || '—' })}
        </p>
      ) : null}
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
                  <td className="num">{formatEnergy(m.facilityKwh)}</td>
                  <td className="num">{formatEnergy(m.itKwh)}</td>
                  <td className="num">{formatRatedPue(m.pue)}</td>
                  <td className="num">{formatPercent(m.coverage)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>

      <section className="report-section keep-together" aria-labelledby="evidence-title">
        <h2 id="evidence-title">{t('report.evidence')}</h2>
        <dl className="figures wide">
          <dt>{t('report.receipts')}</dt>
          <dd data-testid="receipt-count">{r.evidence?.receiptCount ?? NO_VALUE}</dd>
          <dt>{t('report.chainHead')}</dt>
          <dd>
            {r.evidence?.chainHead ? (
              <code className="hash">
                {t('report.chainHeadValue', {
                  seq: r.evidence.chainHead.seq,
                  hash: r.evidence.chainHead.hash,
                })}
              </code>
            ) : (
              NO_VALUE
            )}
          </dd>
          <dt>{t('report.verification')}</dt>
          <dd>
            {v ? (
              <>
                <span
                  className={v.valid ? 'ok-text' : 'bad-text'}
                  data-testid="chain-valid"
                  data-valid={String(v.valid)}
                >
                  <span aria-hidden="true">{v.valid ? '✓ ' : '✗ '}</span>
                  {v.valid
                    ? t('report.valid')
                    : t('report.broken', {
                        seq: v.firstBroken?.seq ?? '?',
                        reason: v.firstBroken?.reason ?? '?',
                      })}
                </span>
                {v.verifiedAt ? (
                  <span className="block small muted">
                    {t('report.verifiedAt', { time: formatDateTime(v.verifiedAt, locale) })}
                  </span>
                ) : null}
              </>
            ) : (
              NO_VALUE
            )}
          </dd>
        </dl>
        {r.evidence.meterExchanges?.length ? (
          <>
            <h3>{t('report.exchanges')}</h3>
            <ul className="gap-list" data-testid="meter-exchanges">
              {r.evidence.meterExchanges.map((x) => (
                <li key={x.id}>
                  {formatDateTime(x.at, locale, r.timeZone)} · {x.metric} ·{' '}
                  {t('report.exchangeReadings', { old: x.oldFinal, new: x.newInitial })} ·{' '}
                  {t(`report.exchangeStatus.${x.status ?? 'applied'}`)} · {x.recordedBy}
                  {x.note ? ` · ${x.note}` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h3>{t('report.gaps')}</h3>
        {r.timeZone ? <p className="muted small">{t('report.timesIn', { zone: r.timeZone })}</p> : null}
        <div className="gaps">
          <GapList title={t('report.gapsFacility')} gaps={gaps.facility} timeZone={r.timeZone} />
          <GapList title={t('report.gapsIt')} gaps={gaps.it} timeZone={r.timeZone} />
        </div>
        <h3>{t('report.dataQuality')}</h3>
        <div className="gaps">
          <MeterQualityList
            title={t('report.gapsFacility')}
            source={r.sources.facility}
            quality={r.meters?.facility}
            timeZone={r.timeZone}
          />
          <MeterQualityList
            title={t('report.gapsIt')}
            source={r.sources.it}
            quality={r.meters?.it}
            timeZone={r.timeZone}
          />
        </div>
        <h3>{t('report.revisions')}</h3>
        {r.revisions?.length ? (
          <ul>
            {r.revisions.map((rev) => (
              <li key={rev.id}>
                {t('report.revisionRow', {
                  time: formatDateTime(rev.revisedAt, locale),
                  from: formatRatedPue(rev.previousPue),
                  to: formatRatedPue(rev.pue),
                  reason: rev.month ? `${monthName(rev.month)}: ${rev.reason}` : rev.reason,
                })}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('report.revisionsNone')}</p>
        )}
      </section>
    </>
  );
}

export function ReportPage({ code, query }: { code: string; query: Record<string, string> }) {
  const { t, locale } = useI18n();
  const year = parseYear(query.year);
  const q = useRatingQuery(code, year);
  const r = q.data;
  const title = t('report.title');

  return (
    <article className="page report" aria-labelledby="report-title">
      <div className="report-actions no-print">
        <a href={hrefFor({ name: 'ratings' }, { year })}>← {t('report.back')}</a>
        <button type="button" onClick={() => window.print()} disabled={!r}>
          {t('report.print')}
        </button>
      </div>
      <header className="report-head">
        <PageHeading id="report-title" title={`${title} · ${code} ${year}`}>
          {title}
        </PageHeading>
        <p className="report-subtitle">{t('report.subtitle', { name: r?.name ?? code, code, year })}</p>
        {r ? (
          <p className="muted small">
            {r.hub ? `${r.hub} · ` : ''}
            {r.scheme ? `${r.scheme.name} (${r.scheme.edition}) · ` : ''}
            {r.generatedAt ? t('report.generated', { time: formatDateTime(r.generatedAt, locale) }) : ''}
          </p>
        ) : null}
      </header>
      {q.error ? (
        <ErrorState
          error={q.error}
          message={t('report.loadError', { message: q.error.message })}
          onRetry={q.refetch}
        />
      ) : null}
      {r ? <Report r={r} year={year} /> : q.error ? null : <Loading />}
    </article>
  );
}
