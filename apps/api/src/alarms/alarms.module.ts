import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SitesModule } from '../sites/sites.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { AlarmRuleEntity } from './alarm-rule.entity';
import { AlarmEntity } from './alarm.entity';
import { ReceiptsModule } from '../receipts/receipts.module';
import { AlarmAnnouncer } from './alarm-announcer';
import { AlarmStaleCheck } from './alarm-stale';
import { AlarmEngine } from './alarm-engine';
import { AlarmRulesService } from './alarm-rules.service';
import { AlarmStore } from './alarm-store';
import { AlarmWebhooks } from './alarm-webhooks';
import { AlarmMetrics } from './alarm.metrics';
import { AlarmsController } from './alarms.controller';
import { AlarmsService } from './alarms.service';

/**
 * Alarms (docs/contract.md "Alarms"): rules, event-time evaluation of committed ingest batches (IngestEvents, global),
 * stale-site timer, lifecycle with acknowledgement, live push (LivePublisher, global, optional) and webhooks.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([AlarmRuleEntity, AlarmEntity]),
    SitesModule,
    TelemetryModule,
    ReceiptsModule,
  ],
  controllers: [AlarmsController],
  providers: [
    AlarmMetrics,
    AlarmRulesService,
    AlarmStore,
    AlarmWebhooks,
    AlarmAnnouncer,
    AlarmStaleCheck,
    AlarmEngine,
    AlarmsService,
  ],
  exports: [AlarmEngine],
})
export class AlarmsModule {}
