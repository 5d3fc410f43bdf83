import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SitesModule } from '../sites/sites.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { SparkplugMappingEntity } from './sparkplug-mapping.entity';
import { SparkplugMappingsController } from './sparkplug-mappings.controller';
import { SparkplugMappingsService } from './sparkplug-mappings.service';
import { SparkplugService } from './sparkplug.service';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { SPARKPLUG_TOPIC_PREFIX } from './sparkplug-topic';
export { SparkplugService } from './sparkplug.service';
export type { SparkplugHandleOptions, SparkplugOutcome } from './sparkplug.service';

/**
 * Sparkplug B (docs/contract.md, "Sparkplug B"): the admin-editable mappings of edge nodes and devices to sites and
 * metrics, and SparkplugService, which the MQTT transports hand Sparkplug messages to. Ingest, live and audit are
 * global modules.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SparkplugMappingEntity]), SitesModule, TelemetryModule],
  controllers: [SparkplugMappingsController],
  providers: [SparkplugMappingsService, SparkplugService],
  exports: [SparkplugService],
})
export class SparkplugModule {}
