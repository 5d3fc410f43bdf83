import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DbHandle } from '../platform/database/db-handle';
import { SitesModule, SitesService } from '../sites/sites.module';
import { CatalogController } from './catalog.controller';
import { InstanceLease } from './instance-lease';
import { PostgresTelemetryStore } from './postgres-telemetry.store';
import { RawMaintenanceService } from './raw-maintenance.service';
import { RollupService } from './rollup.service';
import { SeriesQueryService } from './series-query.service';
import { SeriesRegistry } from './series-registry';
import { SnapshotService } from './snapshot.service';
import { SparklineQueryService } from './sparkline-query.service';
import { SqliteTelemetryStore } from './sqlite-telemetry.store';
import { SqliteWorkerStore } from './sqlite-worker.store';
import { AppConfig } from '../platform/config/app-config';
import { TELEMETRY_STORE, type TelemetryStore } from './telemetry-store';

// The domain's public surface: other domains import these from this file only (eslint.config.mjs).
export { InstanceLease } from './instance-lease';
export { decodeBatchPayload, decodeChunk } from './raw-codec';
export { RAW_WINDOW_MS, windowOf } from './raw-layout';
export { RawMaintenanceService } from './raw-maintenance.service';
export { receiptHash } from './receipt-hash';
export { RollupService } from './rollup.service';
export { SeriesQueryService } from './series-query.service';
export { SeriesRegistry } from './series-registry';
export { SnapshotService } from './snapshot.service';
export { SparklineQueryService } from './sparkline-query.service';
export { SAMPLE_REPLACED, SAMPLE_UNCHANGED, TELEMETRY_STORE } from './telemetry-store';
export type { NewSeries, SeriesRow, TelemetryStore } from './telemetry-store';

@Module({
  imports: [SitesModule],
  controllers: [CatalogController],
  providers: [
    {
      provide: TELEMETRY_STORE,
      inject: [DbHandle, AppConfig],
      useFactory: (db: DbHandle, config: AppConfig): TelemetryStore => {
        if (db.dialect === 'postgres') return new PostgresTelemetryStore(db.pool);
        const path = config.database.type === 'sqlite' ? config.database.path : ':memory:';
        // An in-memory database exists only on TypeORM's connection; files get their own writer thread.
        return path === ':memory:' ? new SqliteTelemetryStore(db.sqlite) : new SqliteWorkerStore(path);
      },
    },
    SeriesRegistry,
    InstanceLease,
    RollupService,
    RawMaintenanceService,
    SnapshotService,
    SeriesQueryService,
    SparklineQueryService,
  ],
  exports: [
    TELEMETRY_STORE,
    InstanceLease,
    SeriesRegistry,
    RollupService,
    RawMaintenanceService,
    SnapshotService,
    SeriesQueryService,
    SparklineQueryService,
  ],
})
export class TelemetryModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly rollups: RollupService,
    private readonly registry: SeriesRegistry,
    private readonly snapshots: SnapshotService,
    private readonly sites: SitesService,
    private readonly lease: InstanceLease,
    private readonly raw: RawMaintenanceService,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
  ) {}

  /** Before serving: load series, repair rollups left pending by a crash, seed live snapshots. */
  async onApplicationBootstrap(): Promise<void> {
    for (const row of await this.store.loadSeries()) this.registry.add(row);
    for (const site of await this.sites.all()) this.rollups.setSiteZone(site.id, site.timezone);
    // Batches of crashed instances are repaired now (InstanceLease); live peers' batches are left alone.
    await this.lease.start();
    await this.rollups.recover(this.rollups.recoveryGraceMs());
    await this.snapshots.warmUp();
    this.rollups.start();
    this.raw.start();
  }

  /** Last flush first (idempotent), then the writer thread goes. */
  async onApplicationShutdown(): Promise<void> {
    await this.raw.onApplicationShutdown();
    await this.rollups.onApplicationShutdown();
    await this.store.close?.();
    await this.lease.stop();
  }
}
