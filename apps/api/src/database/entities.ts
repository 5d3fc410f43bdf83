import { AuditLogEntity } from '../audit/audit-log.entity';
import { IngestTokenEntity } from '../auth/ingest-token.entity';
import { SiteEntity } from '../datacenters/site.entity';
import { ReceiptEntity } from '../ingest/receipt.entity';
import { Rollup1dEntity, Rollup1hEntity, Rollup1mEntity } from '../telemetry/rollup.entity';
import { SampleEntity } from '../telemetry/sample.entity';
import { SeriesEntity } from '../telemetry/series.entity';
import { UserEntity } from '../users/user.entity';

export const ENTITIES = [
  SiteEntity,
  SeriesEntity,
  SampleEntity,
  Rollup1mEntity,
  Rollup1hEntity,
  Rollup1dEntity,
  ReceiptEntity,
  UserEntity,
  IngestTokenEntity,
  AuditLogEntity,
];
