import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { ReceiptDeepCheck } from './receipt-deep-check';
import { ReceiptsController } from './receipts.controller';
import { ReceiptsRepository } from './receipts.repository';
import { ReceiptsService } from './receipts.service';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { ReceiptsService } from './receipts.service';

/** Receipt listing, hash-chain verification and the deep check of stored samples. Exports the verifier for the ratings evidence. */
@Module({
  imports: [SitesModule, TelemetryModule],
  controllers: [ReceiptsController],
  providers: [ReceiptsRepository, ReceiptDeepCheck, ReceiptsService],
  exports: [ReceiptsService],
})
export class ReceiptsModule {}
