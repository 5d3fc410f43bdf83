import type { RatingRow } from '@dcfleet/contracts';
import type { NameBook, SiteEntity } from '../sites/sites.module';

/**
 * A row with the site's names as they are now: a cached row keeps the names it was computed with, and a rename is
 * no reason to rate again.
 */
export function withNames(row: RatingRow, site: SiteEntity, names: NameBook): RatingRow {
  return {
    ...row,
    name: site.name,
    nameZh: site.nameZh ?? null,
    hub: site.hub,
    hubZh: names.zh('hub', site.hub),
  };
}
