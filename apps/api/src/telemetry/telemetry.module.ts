import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DbHandle } from '../database/db-handle';
import { SiteEntity } from '../datacenters/site.entity';
import { SitesService } from '../datacenters/sites.service';
import { PostgresTelemetryStore } from './postgres-telemetry.store';
import { RollupService } from './rollup.service';
import { SeriesQueryService } from './series-query.service';
import { SeriesRegistry } from './series-registry';
import { SnapshotService } from './snapshot.service';
import { SqliteTelemetryStore } from './sqlite-telemetry.store';
import { TELEMETRY_STORE, type TelemetryStore } from './telemetry-store';

@Module({
  imports: [TypeOrmModule.forFeature([SiteEntity])],
  providers: [
    {
      provide: TELEMETRY_STORE,
      inject: [DbHandle],
      useFactory: (db: DbHandle): TelemetryStore =>
        db.dialect === 'sqlite' ? new SqliteTelemetryStore(db.sqlite) : new PostgresTelemetryStore(db.pool),
    },
    SeriesRegistry,
    RollupService,
    SnapshotService,
    SeriesQueryService,
    SitesService,
  ],
  exports: [TELEMETRY_STORE, SeriesRegistry, RollupService, SnapshotService, SeriesQueryService, SitesService],
})
export class TelemetryModule implements OnApplicationBootstrap {
  constructor(
    private readonly rollups: RollupService,
    private readonly registry: SeriesRegistry,
    private readonly snapshots: SnapshotService,
    private readonly sites: SitesService,
    private readonly db: DbHandle,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
  ) {}

  /** Before serving: load series, repair rollups left pending by a crash, seed live snapshots. */
  async onApplicationBootstrap(): Promise<void> {
    for (const row of await this.store.loadSeries()) this.registry.add(row);
    for (const site of await this.sites.all()) this.rollups.setSiteZone(site.id, site.timezone);
    // SQLite has one writer, so everything pending at boot is ours to repair; PostgreSQL may have live peers.
    const grace = this.db.dialect === 'sqlite' ? -1 : this.rollups.recoveryGraceMs();
    await this.rollups.recover(grace);
    await this.snapshots.warmUp();
    this.rollups.start();
  }
}
