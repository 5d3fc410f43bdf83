import { CreateCoreSchema1764400000000 as PgCreateCoreSchema } from './postgres/1764400000000-CreateCoreSchema';
import { CreateCoreSchema1764400000000 as SqliteCreateCoreSchema } from './sqlite/1764400000000-CreateCoreSchema';
import { CreateRatingRevisions1795939018000 as PgCreateRatingRevisions } from './postgres/1795939018000-CreateRatingRevisions';
import { CreateRatingRevisions1795939018000 as SqliteCreateRatingRevisions } from './sqlite/1795939018000-CreateRatingRevisions';
import { CreateAlarms1795939530000 as PgCreateAlarms } from './postgres/1795939530000-CreateAlarms';
import { CreateAlarms1795939530000 as SqliteCreateAlarms } from './sqlite/1795939530000-CreateAlarms';
import { AddReceiptInstance1795941000000 as PgAddReceiptInstance } from './postgres/1795941000000-AddReceiptInstance';
import { AddReceiptInstance1795941000000 as SqliteAddReceiptInstance } from './sqlite/1795941000000-AddReceiptInstance';
import { AddSamplesSeriesIndex1795942000000 as PgAddSamplesSeriesIndex } from './postgres/1795942000000-AddSamplesSeriesIndex';
import { AddSamplesSeriesIndex1795942000000 as SqliteAddSamplesSeriesIndex } from './sqlite/1795942000000-AddSamplesSeriesIndex';
import { DropAlarmsRuleForeignKey1795944976000 as PgDropAlarmsRuleForeignKey } from './postgres/1795944976000-DropAlarmsRuleForeignKey';
import { DropAlarmsRuleForeignKey1795944976000 as SqliteDropAlarmsRuleForeignKey } from './sqlite/1795944976000-DropAlarmsRuleForeignKey';
import { DropSamplesSeriesIndex1795962741000 as PgDropSamplesSeriesIndex } from './postgres/1795962741000-DropSamplesSeriesIndex';
import { DropSamplesSeriesIndex1795962741000 as SqliteDropSamplesSeriesIndex } from './sqlite/1795962741000-DropSamplesSeriesIndex';
import { RollupFillfactor1795964879000 as PgRollupFillfactor } from './postgres/1795964879000-RollupFillfactor';
import { ChunkedRawStorage1796000000000 as PgChunkedRawStorage } from './postgres/1796000000000-ChunkedRawStorage';
import { ChunkedRawStorage1796000000000 as SqliteChunkedRawStorage } from './sqlite/1796000000000-ChunkedRawStorage';
import { AddUserTokenVersion1796100000000 as PgAddUserTokenVersion } from './postgres/1796100000000-AddUserTokenVersion';
import { AddUserTokenVersion1796100000000 as SqliteAddUserTokenVersion } from './sqlite/1796100000000-AddUserTokenVersion';
import { AddRollupGlitchDrop1796200000000 as PgAddRollupGlitchDrop } from './postgres/1796200000000-AddRollupGlitchDrop';
import { AddRollupGlitchDrop1796200000000 as SqliteAddRollupGlitchDrop } from './sqlite/1796200000000-AddRollupGlitchDrop';

import { SiteReferenceHistory1796300000000 as PgSiteReferenceHistory } from './postgres/1796300000000-SiteReferenceHistory';
import { SiteReferenceHistory1796300000000 as SqliteSiteReferenceHistory } from './sqlite/1796300000000-SiteReferenceHistory';

import { MeterExchanges1796400000000 as PgMeterExchanges } from './postgres/1796400000000-MeterExchanges';
import { MeterExchanges1796400000000 as SqliteMeterExchanges } from './sqlite/1796400000000-MeterExchanges';
import { Organizations1796500000000 as PgOrganizations } from './postgres/1796500000000-Organizations';
import { Organizations1796500000000 as SqliteOrganizations } from './sqlite/1796500000000-Organizations';
import { AuditOrganization1796600000000 as PgAuditOrganization } from './postgres/1796600000000-AuditOrganization';
import { AuditOrganization1796600000000 as SqliteAuditOrganization } from './sqlite/1796600000000-AuditOrganization';
import { SparkplugMappings1796750000000 as PgSparkplugMappings } from './postgres/1796750000000-SparkplugMappings';
import { SparkplugMappings1796750000000 as SqliteSparkplugMappings } from './sqlite/1796750000000-SparkplugMappings';
import { KioskSessions1796850000000 as PgKioskSessions } from './postgres/1796850000000-KioskSessions';
import { KioskSessions1796850000000 as SqliteKioskSessions } from './sqlite/1796850000000-KioskSessions';
import { ChineseNames1796900000000 as PgChineseNames } from './postgres/1796900000000-ChineseNames';
import { ChineseNames1796900000000 as SqliteChineseNames } from './sqlite/1796900000000-ChineseNames';

// Each dialect has its own migrations because their SQL differs (WITHOUT ROWID, SERIAL, …).
// Migrations are never edited after landing; add a new file per change.
export const SQLITE_MIGRATIONS = [
  SqliteCreateCoreSchema,
  SqliteCreateRatingRevisions,
  SqliteCreateAlarms,
  SqliteAddReceiptInstance,
  SqliteAddSamplesSeriesIndex,
  SqliteDropAlarmsRuleForeignKey,
  SqliteDropSamplesSeriesIndex,
  SqliteChunkedRawStorage,
  SqliteAddUserTokenVersion,
  SqliteAddRollupGlitchDrop,
  SqliteSiteReferenceHistory,
  SqliteMeterExchanges,
  SqliteOrganizations,
  SqliteAuditOrganization,
  SqliteSparkplugMappings,
  SqliteKioskSessions,
  SqliteChineseNames,
];
export const POSTGRES_MIGRATIONS = [
  PgCreateCoreSchema,
  PgCreateRatingRevisions,
  PgCreateAlarms,
  PgAddReceiptInstance,
  PgAddSamplesSeriesIndex,
  PgDropAlarmsRuleForeignKey,
  PgDropSamplesSeriesIndex,
  PgRollupFillfactor,
  PgChunkedRawStorage,
  PgAddUserTokenVersion,
  PgAddRollupGlitchDrop,
  PgSiteReferenceHistory,
  PgMeterExchanges,
  PgOrganizations,
  PgAuditOrganization,
  PgSparkplugMappings,
  PgKioskSessions,
  PgChineseNames,
];
