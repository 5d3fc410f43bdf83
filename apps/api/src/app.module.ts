import { Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DatacentersController } from './datacenters/datacenters.controller';
import { DemoService } from './demo/demo.service';
import { HealthController } from './health/health.controller';
import { IngestEvents } from './ingest/ingest-events';
import { IngestController } from './ingest/ingest.controller';
import { IngestService } from './ingest/ingest.service';
import { ObservabilityModule } from './observability/observability.module';
import { TelemetryModule } from './telemetry/telemetry.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), ObservabilityModule, DatabaseModule, AuditModule, AuthModule, TelemetryModule],
      controllers: [IngestController, DatacentersController, HealthController],
      providers: [IngestService, IngestEvents, DemoService],
    };
  }
}
