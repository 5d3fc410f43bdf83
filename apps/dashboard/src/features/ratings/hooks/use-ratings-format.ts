import { useMemo } from 'react';
import { useI18n } from '../../../i18n/i18n';
import { ratingsFormat, type RatingsFormat } from '../ratings-format';

/** The ratings pages' number formats in the current language. */
export function useRatingsFormat(): RatingsFormat {
  const { fmt } = useI18n();
  return useMemo(() => ratingsFormat(fmt), [fmt]);
}
