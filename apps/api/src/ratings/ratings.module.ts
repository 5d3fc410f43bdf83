import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReceiptsModule } from '../receipts/receipts.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SitesModule } from '../sites/sites.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { MeterExchangeEntity } from './meter-exchange.entity';
import { MeterExchangesController } from './meter-exchanges.controller';
import { MeterExchangesService } from './meter-exchanges.service';
import { RatingBaselineEntity } from './rating-baseline.entity';
import { RatingEvents } from './rating-events';
import { RatingRevisionEntity } from './rating-revision.entity';
import { RatingRevisionsService } from './rating-revisions.service';
import { RatingsController } from './ratings.controller';
import { RatingsRepository } from './ratings.repository';
import { RatingsService } from './ratings.service';
import { RatingsWatcher } from './ratings.watcher';
import { RegulatorExportsService } from './regulator-exports.service';

/** Green ratings: computation, cache, revisions. Exports RatingEvents for the live push (`rating:revised`). */
@Module({
  imports: [
    TypeOrmModule.forFeature([RatingRevisionEntity, RatingBaselineEntity, MeterExchangeEntity]),
    SitesModule,
    TelemetryModule,
    ReceiptsModule,
    OrganizationsModule,
  ],
  controllers: [RatingsController, MeterExchangesController],
  providers: [
    RatingsRepository,
    RatingsService,
    RatingRevisionsService,
    RatingEvents,
    RatingsWatcher,
    RegulatorExportsService,
    MeterExchangesService,
  ],
  exports: [RatingEvents, RatingsService],
})
export class RatingsModule {}
