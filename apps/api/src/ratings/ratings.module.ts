import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReceiptsModule } from '../receipts/receipts.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
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
    TypeOrmModule.forFeature([RatingRevisionEntity, RatingBaselineEntity]),
    TelemetryModule,
    ReceiptsModule,
  ],
  controllers: [RatingsController],
  providers: [
    RatingsRepository,
    RatingsService,
    RatingRevisionsService,
    RatingEvents,
    RatingsWatcher,
    RegulatorExportsService,
  ],
  exports: [RatingEvents, RatingsService],
})
export class RatingsModule {}
