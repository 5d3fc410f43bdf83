import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmissionFactorEntity } from './emission-factor.entity';
import { EmissionFactorsController } from './emission-factors.controller';
import { LocalizedNameEntity } from './localized-name.entity';
import { LocalizedNamesService } from './localized-names.service';
import { NamesController } from './names.controller';
import { SiteEvents } from './site-events';
import { SiteReferenceEntity } from './site-reference.entity';
import { SiteReferenceService } from './site-reference.service';
import { SiteEntity } from './site.entity';
import { SitesService } from './sites.service';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { LocalizedNamesService, NO_NAMES, type NameBook } from './localized-names.service';
export { SiteEvents, type OwnerChange } from './site-events';
export { SiteReferenceService } from './site-reference.service';
export type { ReferenceChange } from './site-reference.service';
export { SiteEntity } from './site.entity';
export { SitesService } from './sites.service';

/**
 * The sites (data centers), their reference data and the emission factors' admin API: what every other domain reads
 * about a site. No dependency on telemetry, so telemetry, ingest, ratings, alarms and live can all import it.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SiteEntity, SiteReferenceEntity, EmissionFactorEntity, LocalizedNameEntity]),
  ],
  controllers: [EmissionFactorsController, NamesController],
  providers: [SitesService, SiteReferenceService, SiteEvents, LocalizedNamesService],
  exports: [SitesService, SiteReferenceService, SiteEvents, LocalizedNamesService],
})
export class SitesModule {}
