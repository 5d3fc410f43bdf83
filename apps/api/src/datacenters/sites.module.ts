import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmissionFactorEntity } from './emission-factor.entity';
import { SiteEvents } from './site-events';
import { SiteReferenceEntity } from './site-reference.entity';
import { SiteReferenceService } from './site-reference.service';
import { SiteEntity } from './site.entity';
import { SitesService } from './sites.service';

/**
 * The sites (data centers) and their reference data: what every other domain reads about a site. No controllers and
 * no dependency on telemetry, so telemetry, ingest, ratings, alarms and live can all import it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SiteEntity, SiteReferenceEntity, EmissionFactorEntity])],
  providers: [SitesService, SiteReferenceService, SiteEvents],
  exports: [SitesService, SiteReferenceService, SiteEvents],
})
export class SitesModule {}
