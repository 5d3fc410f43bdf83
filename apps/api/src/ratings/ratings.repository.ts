import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DailyBucket } from '@dcfleet/green-metrics';
import type { Repository } from 'typeorm';
import { DbHandle } from '../platform/database/db-handle';
import { RatingBaselineEntity } from './rating-baseline.entity';
import { RatingRevisionEntity } from './rating-revision.entity';

/**
 * One stored daily rollup bucket (rollup_1d) in green-metrics' DailyBucket shape; `end` (the next local
 * midnight) is filled in by the caller, which knows the site's time zone.
 */
export interface DailyRow extends DailyBucket {
  seriesId: number;
}

/** Columns in the order the row arrays come back (raw/array row mode: about half the cost of row objects). */
const DAILY_COLS =
  'series_id, bucket, count, sum, min, max, first, first_ts, last, last_ts, increase, resets, glitch_drop';
/** Counters' energy needs no sum/min/max: a quarter fewer values to convert (the read is most of a cold rating). */
const COUNTER_COLS =
  'series_id, bucket, count, 0, 0, 0, first, first_ts, last, last_ts, increase, resets, glitch_drop';
const ID_CHUNK = 500;

type RawDaily = (number | string)[];

function toDaily(r: RawDaily): DailyRow {
  return {
    seriesId: Number(r[0]),
    bucket: Number(r[1]),
    end: 0,
    count: Number(r[2]),
    sum: Number(r[3]),
    min: Number(r[4]),
    max: Number(r[5]),
    first: Number(r[6]),
    firstTs: Number(r[7]),
    last: Number(r[8]),
    lastTs: Number(r[9]),
    increase: Number(r[10]),
    resets: Number(r[11]),
    glitchDrop: Number(r[12]),
  };
}

/**
 * The ratings' reads of the telemetry tables (daily rollups, pending receipts) in raw SQL through DbHandle:
 * a year of daily buckets for a whole fleet is one indexed range scan per chunk of series, which TypeORM
 * entities would only slow down. Baselines and revisions are ordinary TypeORM repositories.
 */
@Injectable()
export class RatingsRepository {
  constructor(
    private readonly db: DbHandle,
    @InjectRepository(RatingRevisionEntity) readonly revisions: Repository<RatingRevisionEntity>,
    @InjectRepository(RatingBaselineEntity) readonly baselines: Repository<RatingBaselineEntity>,
  ) {}

  /** Stores a first baseline unless another instance stored one first (then that one stands). */
  async insertBaselineIfAbsent(row: RatingBaselineEntity): Promise<void> {
    await this.baselines.createQueryBuilder().insert().values(row).orIgnore().execute();
  }

  /**
   * Moves a baseline from `prev` to `figures` and records the revision, in one transaction, only if the baseline is
   * still `prev` (status and PUE): null when another instance recorded this change first.
   */
  reviseBaseline(
    key: { siteId: number; year: number; month: number },
    prev: Pick<RatingBaselineEntity, 'status' | 'pue'>,
    figures: Partial<RatingBaselineEntity>,
    revision: Omit<RatingRevisionEntity, 'id'>,
  ): Promise<RatingRevisionEntity | null> {
    return this.baselines.manager.transaction(async (m) => {
      const qb = m
        .createQueryBuilder()
        .update(RatingBaselineEntity)
        .set(figures)
        .where('site_id = :siteId AND year = :year AND month = :month AND status = :status', {
          ...key,
          status: prev.status,
        });
      if (prev.pue === null) qb.andWhere('pue IS NULL');
      else qb.andWhere('pue = :pue', { pue: prev.pue });
      const res = await qb.execute();
      if (res.affected !== 1) return null;
      return m.save(m.create(RatingRevisionEntity, revision));
    });
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  /**
   * Daily buckets of these series with from <= bucket < to, ordered by series and bucket. `counters`: the
   * series are energy counters, whose sum, min and max are not needed (returned as 0).
   */
  async dailyBuckets(
    seriesIds: readonly number[],
    from: number,
    to: number,
    counters = false,
  ): Promise<DailyRow[]> {
    const cols = counters ? COUNTER_COLS : DAILY_COLS;
    const out: DailyRow[] = [];
    for (let i = 0; i < seriesIds.length; i += ID_CHUNK) {
      const ids = seriesIds.slice(i, i + ID_CHUNK);
      const rows =
        this.db.dialect === 'sqlite'
          ? await this.db.queryArrays<RawDaily>(
              `SELECT ${cols} FROM rollup_1d WHERE series_id IN (${ids.map(() => '?').join(',')})
                 AND bucket >= ? AND bucket < ? ORDER BY series_id, bucket`,
              [...ids, from, to],
            )
          : await this.db.queryArrays<RawDaily>(
              `SELECT ${cols} FROM rollup_1d WHERE series_id = ANY(?::int[]) AND bucket >= ? AND bucket < ?
                 ORDER BY series_id, bucket`,
              [ids, from, to],
            );
      for (const r of rows) out.push(toDaily(r));
    }
    return out;
  }

  /** The series' last daily bucket starting before `before`, if any (the reading a period's energy starts from). */
  async lastBucketBefore(seriesId: number, before: number): Promise<DailyRow | undefined> {
    const [row] = await this.db.queryArrays<RawDaily>(
      `SELECT ${DAILY_COLS} FROM rollup_1d WHERE series_id = ? AND bucket < ? ORDER BY bucket DESC LIMIT 1`,
      [seriesId, before],
    );
    return row ? toDaily(row) : undefined;
  }

  /**
   * Sites with committed batches that are not folded into the rollups yet and carry samples in [from, to):
   * a rating computed now would miss them, so it is served but not cached or recorded. Served by the
   * ix_receipts_pending (rolled_up, id) index: pending receipts are few.
   */
  async sitesWithPendingSamples(siteIds: readonly number[], from: number, to: number): Promise<Set<number>> {
    if (siteIds.length === 0) return new Set();
    const pending = this.db.dialect === 'sqlite' ? 'rolled_up = 0' : 'NOT rolled_up';
    const rows = await this.db.query<{ site_id: number | string }>(
      `SELECT DISTINCT site_id FROM receipts WHERE ${pending} AND max_ts >= ? AND min_ts < ?`,
      [from, to],
    );
    const wanted = new Set(siteIds);
    return new Set(rows.map((r) => Number(r.site_id)).filter((id) => wanted.has(id)));
  }
}
