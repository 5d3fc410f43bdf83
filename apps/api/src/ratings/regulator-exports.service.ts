import { Injectable } from '@nestjs/common';
import type { EedExport, EligibilityExport } from '@dcfleet/contracts';
import { SitesService } from '../sites/sites.module';
import { RatingsService } from './ratings.service';
import { eedExport, eligibilityExport } from './regulator-exports';

/** The regulator exports of a year (regulator-exports.ts), from the same ratings the table shows. */
@Injectable()
export class RegulatorExportsService {
  constructor(
    private readonly ratings: RatingsService,
    private readonly sites: SitesService,
  ) {}

  async eligibility(year: number): Promise<EligibilityExport> {
    const ratings = await this.ratings.list({ kind: 'year', year });
    return eligibilityExport(ratings, await this.sites.all());
  }

  async eed(year: number): Promise<EedExport> {
    const ratings = await this.ratings.list({ kind: 'year', year });
    return eedExport(ratings, await this.sites.all());
  }
}
