import type { Translate } from '../../../i18n/i18n';
import type { RatingPeriod } from '../api/ratings-search';

/** A period as a heading says it: `2025` / `2025 年`, or `Trailing 12 months` / `近 12 个月`. */
export function periodLabel(period: RatingPeriod, t: Translate): string {
  return period === 'trailing12' ? t('ratings.trailing12') : t('ratings.periodYear', { year: period });
}
