import { Column } from 'typeorm';
import { nullableNumber } from '../platform/common/columns';

/**
 * Reference fields that `sites` (the values in force now) and `site_reference` (an entry's, from its effectiveFrom)
 * both hold, declared once so the two tables cannot drift. pue_category stays with each entity: only the sites
 * column has a default.
 */
export abstract class SiteReferenceColumns {
  @Column({ name: 'racks', type: 'integer', nullable: true })
  racks: number | null;

  @Column({ name: 'grid_region', type: 'varchar', length: 32, nullable: true })
  gridRegion: string | null;

  @Column({
    name: 'grid_emission_factor',
    type: 'double precision',
    nullable: true,
    transformer: nullableNumber,
  })
  gridEmissionFactor: number | null;

  @Column({ name: 'green_certified_year', type: 'integer', nullable: true })
  greenCertifiedYear: number | null;
}
