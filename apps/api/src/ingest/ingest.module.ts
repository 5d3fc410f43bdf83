import { Global, Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { IngestEvents } from './ingest-events';
import { IngestController } from './ingest.controller';
import { IngestDecoder } from './ingest-decoder.service';
import { IngestRequests } from './ingest-request';
import { IngestService } from './ingest.service';
import { PromWriteController } from './prom-write.controller';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { IngestEvents } from './ingest-events';
export type { AcceptedBatch } from './ingest-events';
export { IngestService } from './ingest.service';
export { IngestDecoder } from './ingest-decoder.service';
export { decodeEntries } from './batch-decode';

/** Gateways' write path. Global so that consumers of committed batches (live, alarms, ratings) can inject IngestEvents. */
@Global()
@Module({
  imports: [SitesModule, TelemetryModule],
  controllers: [IngestController, PromWriteController],
  providers: [IngestService, IngestDecoder, IngestEvents, IngestRequests],
  exports: [IngestEvents, IngestService, IngestDecoder],
})
export class IngestModule {}
