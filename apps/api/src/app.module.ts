import { Module, type DynamicModule } from '@nestjs/common';
import { AlarmsModule } from './alarms/alarms.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './platform/config/app-config';
import { ConfigModule } from './platform/config/config.module';
import { DatabaseModule } from './platform/database/database.module';
import { DatacentersModule } from './datacenters/datacenters.module';
import { DemoService } from './demo/demo.service';
import { HealthController } from './health/health.controller';
import { IngestModule } from './ingest/ingest.module';
import { LiveModule } from './live/live.module';
import { MqttModule } from './mqtt/mqtt.module';
import { ObservabilityModule } from './platform/observability/observability.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { AccountsModule } from './accounts/accounts.module';
import { RatingsModule } from './ratings/ratings.module';
import { ReceiptsModule } from './receipts/receipts.module';
import { SparkplugModule } from './sparkplug/sparkplug.module';
import { TelemetryModule } from './telemetry/telemetry.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule,
        DatabaseModule,
        AuditModule,
        AuthModule,
        TelemetryModule,
        IngestModule,
        MqttModule,
        LiveModule,
        RatingsModule,
        ReceiptsModule,
        AlarmsModule,
        DatacentersModule,
        OrganizationsModule,
        AccountsModule,
        SparkplugModule,
      ],
      controllers: [HealthController],
      providers: [DemoService],
    };
  }
}
