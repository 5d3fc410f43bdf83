import { Global, Module } from '@nestjs/common';
import { SitesModule } from '../datacenters/sites.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { IngestEvents } from './ingest-events';
import { IngestController } from './ingest.controller';
import { IngestDecoder } from './ingest-decoder.service';
import { IngestService } from './ingest.service';

/** Gateways' write path. Global so that consumers of committed batches (live, alarms, ratings) can inject IngestEvents. */
@Global()
@Module({
  imports: [SitesModule, TelemetryModule],
  controllers: [IngestController],
  providers: [IngestService, IngestDecoder, IngestEvents],
  exports: [IngestEvents],
})
export class IngestModule {}
