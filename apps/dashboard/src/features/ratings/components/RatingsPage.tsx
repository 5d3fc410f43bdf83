import type { RatingRow } from '@dcfleet/contracts';
import { Link, useNavigate } from '../../../routing/router';
import { useMemo, useState } from 'react';
import { CaptionedTable, Empty, ErrorState, Loading, PageHeading, RefreshBar } from '../../../components/ui';
import { displayName } from '../../../i18n/display-name';
import { useI18n, type MessageId } from '../../../i18n/i18n';
import { useRatingsFormat } from '../hooks/use-ratings-format';
import { downloadRatingsCsv, type RatingsDownload } from '../api/ratings-api';
import { factorOrigin, meterFlags, sortRatings, type RatingSortKey } from '../api/ratings-data';
import {
  parsePeriodChoice,
  defaultYear,
  periodOf,
  periodSearch,
  RATINGS_VIEWS,
  ratingsSearch,
  sortOf,
  toggleSort,
  type RatingsSearch,
} from '../api/ratings-search';
import { useRatingsQuery, useYearsWithData } from '../hooks/use-ratings-query';
import { CoverageBar, GradeBadge, RatingStatusBadge, TargetMark } from './badges';
import { EedView } from './EedView';
import { EligibilityView } from './EligibilityView';
import { fleetScopeLabel, type UserScope } from '../../../routing/scope';
import { useRegionNames } from '../../fleet/hooks/use-fleet-query';

const COLUMNS: { key: RatingSortKey; label: MessageId; unit?: string; num?: boolean }[] = [
  { key: 'code', label: 'ratings.col.site' },
  { key: 'pue', label: 'ratings.col.pue', num: true },
  { key: 'grade', label: 'ratings.col.grade' },
  { key: 'status', label: 'ratings.col.status' },
  { key: 'coverage', label: 'ratings.col.coverage', num: true },
  { key: 'target', label: 'ratings.col.target' },
  { key: 'wue', label: 'ratings.col.wue', unit: 'L/kWh', num: true },
  { key: 'cue', label: 'ratings.col.cue', unit: 'kgCO₂e/kWh', num: true },
  { key: 'ref', label: 'ratings.col.ref', num: true },
  { key: 'erf', label: 'ratings.col.erf', num: true },
  { key: 'energy', label: 'ratings.col.energy', num: true },
];

/** Category, energy source and meter data-quality flags of a row, small under its status. */
function RowFacts({ row }: { row: RatingRow }) {
  const { t } = useI18n();
  const flags = meterFlags(row);
  const sources = [...new Set([row.sources?.facility, row.sources?.it].filter((s) => s != null))];
  return (
    <span className="block small muted" data-testid="row-facts">
      {t('ratings.category', { n: row.pueCategory })}
      {sources.length ? ` · ${sources.map((s) => t(`ratings.source.${s}`)).join(' / ')}` : ''}
      {flags && (flags.glitches || flags.replacements) ? (
        <span className="block warn-text" data-testid="row-meter-flags">
          {[
            flags.replacements ? t('ratings.flag.replacements', { n: flags.replacements }) : null,
            flags.glitches ? t('ratings.flag.glitches', { n: flags.glitches }) : null,
          ]
            .filter(Boolean)
            .join(', ')}
        </span>
      ) : null}
    </span>
  );
}

/** The emission factor CUE used, with its origin; its source on hover. */
function FactorNote({ row }: { row: RatingRow }) {
  const { t } = useI18n();
  const rf = useRatingsFormat();
  const ef = row.emissionFactor;
  if (ef === undefined) return null;
  if (ef === null) return <span className="block small muted">{t('ratings.ef.none')}</span>;
  const o = factorOrigin(ef);
  return (
    <span className="block small muted" title={ef.source} data-testid="row-ef">
      {t('ratings.ef', {
        factor: rf.factor(ef.factor),
        origin: o.kind === 'site' ? t('ratings.ef.site') : o.where,
      })}
    </span>
  );
}

/** The year, the view (ratings table or a regulator export) and the table's sort come from the URL. */
export function RatingsPage({ search, scope }: { search: RatingsSearch; scope: UserScope }) {
  const { t, intl, language } = useI18n();
  // Rating rows carry no region: a regional regulator's regions are named in Chinese from the fleet list.
  const regionNames = useRegionNames(scope);
  const rf = useRatingsFormat();
  const navigate = useNavigate();
  const period = periodOf(search);
  // The eligibility and EED exports are annual: with the trailing 12 months they show the last complete year.
  const year = typeof period === 'number' ? period : defaultYear();
  const years = useYearsWithData();
  const view = search.view ?? 'ratings';
  const sort = sortOf(search);
  const q = useRatingsQuery(period);
  const show = (next: RatingsSearch) =>
    navigate({ to: '/ratings', search: next, replace: true, resetScroll: false });
  const [csvError, setCsvError] = useState<string | null>(null);
  const [csvPending, setCsvPending] = useState(false);
  const rows = useMemo(() => (q.data ? sortRatings(q.data.sites, sort.key, sort.dir) : []), [q.data, sort]);
  const fleet = q.data?.fleet ?? null;
  const scheme = q.data?.scheme;

  function toggle(key: RatingSortKey) {
    show(toggleSort(search, key));
  }

  async function csv(what: RatingsDownload = 'ratings') {
    setCsvError(null);
    setCsvPending(true);
    try {
      await downloadRatingsCsv(what === 'ratings' ? period : year, what);
    } catch (err) {
      setCsvError(t('ratings.csvFailed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setCsvPending(false);
    }
  }

  return (
    <section className="page" aria-labelledby="ratings-title">
      <div className="page-head">
        <PageHeading id="ratings-title" title={t('ratings.title')}>
          {t('ratings.title')}
        </PageHeading>
        <div className="page-actions">
          <label className="inline-field">
            <span>{t('ratings.period')}</span>
            <select
              value={String(period)}
              onChange={(e) =>
                show(ratingsSearch({ ...search, year: undefined, ...parsePeriodChoice(e.target.value) }))
              }
              data-testid="year-select"
            >
              <option value="trailing12">{t('ratings.trailing12')}</option>
              {/* Only years with data; the shown year stays listed while they load (or if it has none). */}
              {[...new Set([...(years ?? []), ...(typeof period === 'number' ? [period] : [])])]
                .sort((a, b) => b - a)
                .map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
            </select>
          </label>
          <button type="button" onClick={() => csv()} disabled={csvPending || !q.data} aria-busy={csvPending}>
            {t('ratings.csv')}
          </button>
          <button
            type="button"
            onClick={() => csv('eligibility')}
            disabled={csvPending || !q.data}
            title={t('ratings.eligibilityHint')}
          >
            {t('ratings.eligibilityCsv')}
          </button>
          <button
            type="button"
            onClick={() => csv('eed')}
            disabled={csvPending || !q.data}
            title={t('ratings.eedHint')}
          >
            {t('ratings.eedCsv')}
          </button>
        </div>
      </div>
      <nav className="subnav" aria-label={t('exports.views')}>
        <ul>
          {RATINGS_VIEWS.map((v) => (
            <li key={v}>
              <Link
                to="/ratings"
                search={{ ...search, view: v === 'ratings' ? undefined : v }}
                aria-current={view === v ? 'page' : undefined}
              >
                {t(`exports.view.${v}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {view !== 'ratings' && period === 'trailing12' ? (
        <p className="muted small">{t('ratings.annualOnly', { year })}</p>
      ) : null}
      {csvError ? (
        <p className="error" role="alert">
          {csvError}
        </p>
      ) : null}
      {scheme && view === 'ratings' ? (
        <p className="muted small">
          {t('ratings.scheme', {
            name: scheme.name,
            edition: scheme.edition,
            target: rf.pue(scheme.hubTarget.defaultMaxPue),
          })}
        </p>
      ) : null}
      {view === 'eligibility' ? (
        <EligibilityView year={year} />
      ) : view === 'eed' ? (
        <EedView year={year} />
      ) : q.error ? (
        <ErrorState
          error={q.error}
          message={t('ratings.loadError', { message: q.error.message })}
          onRetry={() => void q.refetch()}
        />
      ) : null}
      {view !== 'ratings' ? null : !q.data ? (
        q.error ? null : (
          <Loading />
        )
      ) : rows.length === 0 ? (
        <Empty>{t('ratings.empty')}</Empty>
      ) : (
        <>
          <CaptionedTable
            id="ratings"
            caption={
              period === 'trailing12' ? t('ratings.captionTrailing12') : t('ratings.caption', { year })
            }
            className="ratings"
            testId="ratings-table"
          >
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c.key}
                    scope="col"
                    className={c.num ? 'num' : undefined}
                    aria-sort={
                      sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined
                    }
                  >
                    <button type="button" className="sort" onClick={() => toggle(c.key)}>
                      <span>
                        {t(c.label)}
                        {c.unit ? <span className="unit">{c.unit}</span> : null}
                      </span>
                      <span aria-hidden="true" className="sort-mark">
                        {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.code} data-code={r.code}>
                  <th scope="row">
                    <Link
                      to="/ratings/$code"
                      params={{ code: r.code }}
                      search={periodSearch(period)}
                      className="code"
                      title={t('ratings.openReport')}
                    >
                      {r.code}
                    </Link>
                    <span className="block small muted site-name" title={displayName(r, language)}>
                      {displayName(r, language)}
                    </span>
                  </th>
                  <td className="num strong">{rf.pue(r.pue)}</td>
                  <td>
                    <GradeBadge grade={r.grade} outOfScope={r.outOfScope} />
                  </td>
                  <td>
                    <RatingStatusBadge status={r.status} />
                    {r.meteringFault ? <span className="fault block small">{t('ratings.fault')}</span> : null}
                    <RowFacts row={r} />
                  </td>
                  <td className="num">
                    <CoverageBar coverage={r.coverage} />
                  </td>
                  <td>
                    <TargetMark meets={r.meetsHubTarget} />
                  </td>
                  <td className="num">{rf.wue(r.wue)}</td>
                  <td className="num">
                    {rf.cue(r.cue)}
                    <FactorNote row={r} />
                  </td>
                  <td className="num">{rf.ratio(r.ref)}</td>
                  <td className="num">{rf.ratio(r.erf)}</td>
                  <td className="num">{rf.energy(r.energy?.facilityKwh)}</td>
                </tr>
              ))}
            </tbody>
            {fleet ? (
              <tfoot>
                <tr className="fleet-row" data-testid="fleet-row">
                  <th scope="row">
                    {t('ratings.fleet')}
                    {/* The API rates the fleet over the caller's sites only: say which. */}
                    <span className="block small" data-testid="fleet-row-scope">
                      {fleetScopeLabel(scope, t, intl, regionNames)}
                    </span>
                    <span className="block small muted">
                      {t('ratings.fleetSites', { n: fleet.sites, excluded: fleet.excluded })}
                    </span>
                  </th>
                  <td className="num strong">{rf.pue(fleet.pue)}</td>
                  <td colSpan={4} />
                  <td className="num">{rf.wue(fleet.wue)}</td>
                  <td className="num">{rf.cue(fleet.cue)}</td>
                  <td className="num">{rf.ratio(fleet.ref)}</td>
                  <td className="num">{rf.ratio(fleet.erf)}</td>
                  <td className="num">{rf.energy(fleet.energy?.facilityKwh)}</td>
                </tr>
              </tfoot>
            ) : null}
          </CaptionedTable>
          <RefreshBar loading={q.isFetching} updatedAt={q.dataUpdatedAt} onRefresh={() => void q.refetch()} />
        </>
      )}
    </section>
  );
}
