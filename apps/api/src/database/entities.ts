import { AlarmRuleEntity } from '../alarms/alarm-rule.entity';
import { AlarmEntity } from '../alarms/alarm.entity';
import { AuditLogEntity } from '../audit/audit-log.entity';
import { IngestTokenEntity } from '../auth/ingest-token.entity';
import { EmissionFactorEntity } from '../datacenters/emission-factor.entity';
import { SiteReferenceEntity } from '../datacenters/site-reference.entity';
import { SiteEntity } from '../datacenters/site.entity';
import { ReceiptEntity } from '../ingest/receipt.entity';
import { MeterExchangeEntity } from '../ratings/meter-exchange.entity';
import { RatingBaselineEntity } from '../ratings/rating-baseline.entity';
import { RatingRevisionEntity } from '../ratings/rating-revision.entity';
import { Rollup1dEntity, Rollup1hEntity, Rollup1mEntity } from '../telemetry/rollup.entity';
import { SeriesEntity } from '../telemetry/series.entity';
import { UserEntity } from '../users/user.entity';

/**
 * Raw telemetry (`raw_batches`, `raw_chunks`) has no entity: binary payloads need a per-dialect column type and
 * only the telemetry stores' own SQL touches them; their schema is in the ChunkedRawStorage migrations.
 */
export const ENTITIES = [
  SiteEntity,
  SiteReferenceEntity,
  EmissionFactorEntity,
  SeriesEntity,
  Rollup1mEntity,
  Rollup1hEntity,
  Rollup1dEntity,
  ReceiptEntity,
  UserEntity,
  IngestTokenEntity,
  AuditLogEntity,
  RatingRevisionEntity,
  RatingBaselineEntity,
  MeterExchangeEntity,
  AlarmRuleEntity,
  AlarmEntity,
];
