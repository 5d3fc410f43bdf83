import { Injectable } from '@nestjs/common';
import type { EedExport, EligibilityExport } from '@dcfleet/contracts';
import type { Scope } from '../platform/access/scope';
import { LocalizedNamesService, SitesService } from '../sites/sites.module';
import { RatingsService } from './ratings.service';
import { eedExport, eligibilityExport } from './regulator-exports';

/** The regulator exports of a year (regulator-exports.ts), from the same ratings the table shows. */
@Injectable()
export class RegulatorExportsService {
  constructor(
    private readonly ratings: RatingsService,
    private readonly sites: SitesService,
    private readonly names: LocalizedNamesService,
  ) {}

  /** Over the sites `scope` sees, like the ratings table. */
  async eligibility(year: number, scope: Scope): Promise<EligibilityExport> {
    const ratings = await this.ratings.list({ kind: 'year', year }, scope);
    return eligibilityExport(ratings, await this.sites.visible(scope));
  }

  async eed(year: number, scope: Scope): Promise<EedExport> {
    const ratings = await this.ratings.list({ kind: 'year', year }, scope);
    return eedExport(ratings, await this.sites.visible(scope), await this.names.names());
  }
}
