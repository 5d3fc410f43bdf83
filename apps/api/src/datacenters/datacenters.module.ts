import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SitesModule } from '../sites/sites.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { DatacentersController } from './datacenters.controller';

/**
 * The sites' HTTP API (`/api/v1/datacenters`): list and detail with live snapshots, series, admin, tokens. It
 * composes sites and telemetry, which is why it is not part of the sites domain (telemetry depends on sites).
 */
@Module({
  imports: [SitesModule, TelemetryModule, OrganizationsModule],
  controllers: [DatacentersController],
})
export class DatacentersModule {}
