import { Module } from '@nestjs/common';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { DatacentersController } from './datacenters.controller';
import { EmissionFactorsController } from './emission-factors.controller';
import { SitesModule } from './sites.module';

/** The sites' HTTP API: list and detail with live snapshots, series, admin, tokens, emission factors. */
@Module({
  imports: [SitesModule, TelemetryModule],
  controllers: [DatacentersController, EmissionFactorsController],
})
export class DatacentersModule {}
