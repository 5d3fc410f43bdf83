/** The site page's URL state: the chart range (`#/sites/CODE?range=24h`, `?range=custom&from=…&to=…`). */
import { text } from '../../../routing/search';
import { parseRange, type RangeId } from './time-range';

export interface SiteSearch {
  range?: RangeId;
  /** custom only: ISO time or epoch ms, as written in the URL */
  from?: string;
  to?: string;
}

/**
 * The route's validateSearch: an unusable range (unknown, or a custom one without a valid span) is dropped.
 * Every key is returned, undefined when dropped, because the router lays the result over the raw search.
 */
export function siteSearch(raw: Record<string, unknown>): SiteSearch {
  const search = { range: text(raw.range), from: text(raw.from), to: text(raw.to) };
  const selection = parseRange(search);
  const none = { range: undefined, from: undefined, to: undefined };
  if (search.range === undefined || selection.range !== search.range) return none;
  return selection.range === 'custom'
    ? { range: 'custom', from: search.from, to: search.to }
    : { ...none, range: selection.range };
}
