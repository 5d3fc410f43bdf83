import type { Grade, RatingStatus } from '@dcfleet/contracts';
import { useI18n } from '../../../i18n/i18n';
import { useRatingsFormat } from '../hooks/use-ratings-format';
import { gradeClass } from '../api/ratings-data';

/** `outOfScope`: why the site is outside the grading scheme (an edge data center); shown as its tooltip. */
export function GradeBadge({ grade, outOfScope }: { grade: Grade | null; outOfScope?: string | null }) {
  const { t } = useI18n();
  const text = outOfScope
    ? t('ratings.grade.outOfScope')
    : grade === null || grade === undefined
      ? t('ratings.grade.none')
      : grade === 'below-limit'
        ? t('ratings.grade.below-limit')
        : t('ratings.grade.n', { n: grade });
  return (
    <span
      className={`grade ${gradeClass(grade)}`}
      data-grade={grade ?? (outOfScope ? 'out-of-scope' : 'none')}
      title={outOfScope ?? undefined}
    >
      {text}
    </span>
  );
}

export function RatingStatusBadge({ status }: { status: RatingStatus }) {
  const { t } = useI18n();
  return <span className={`rstatus rstatus-${status}`}>{t(`ratings.status.${status}`)}</span>;
}

export function TargetMark({ meets }: { meets: boolean | null }) {
  const { t } = useI18n();
  if (meets === null || meets === undefined) return <span className="muted">—</span>;
  return meets ? (
    <span className="target target-met">
      <span aria-hidden="true">✓ </span>
      {t('ratings.target.met')}
    </span>
  ) : (
    <span className="target target-missed">
      <span aria-hidden="true">✗ </span>
      {t('ratings.target.missed')}
    </span>
  );
}

export function CoverageBar({ coverage }: { coverage: number }) {
  const rf = useRatingsFormat();
  const share = Math.max(0, Math.min(1, coverage || 0));
  const pct = share * 100;
  return (
    <span className="coverage">
      <span className="coverage-text">{rf.share(share)}</span>
      <span className="bar small-bar" aria-hidden="true">
        <span
          className={`bar-fill ${pct >= 95 ? 'bar-ok' : pct >= 25 ? 'bar-mid' : 'bar-low'}`}
          style={{ width: `${pct}%` }}
        />
      </span>
    </span>
  );
}
