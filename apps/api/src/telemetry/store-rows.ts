import type { MetricKind } from '@dcfleet/contracts';
import type { RawSample } from './raw-layout';
import { rowToAgg, type AggRow } from './rollup-row';
import type { PendingReceipt, RollupRow, SeriesRow } from './telemetry-store';

/** A `series` row as both drivers return it. */
export interface SeriesDbRow {
  id: number;
  site_id: number;
  metric: string;
  labels: string;
  kind: string;
}

export function seriesRow(r: SeriesDbRow): SeriesRow {
  return {
    id: r.id,
    siteId: r.site_id,
    metric: r.metric,
    labels: r.labels,
    kind: r.kind as MetricKind,
  };
}

/** The `receipts` columns of a pending receipt as both drivers return them. */
export interface PendingReceiptDbRow {
  id: number;
  instance_id: string | null;
  site_id: number;
  min_ts: number | null;
  max_ts: number | null;
  received_at: number;
}

export function pendingReceipt(r: PendingReceiptDbRow): PendingReceipt {
  return {
    id: r.id,
    instanceId: r.instance_id,
    siteId: r.site_id,
    minTs: r.min_ts,
    maxTs: r.max_ts,
    receivedAt: r.received_at,
  };
}

export function rollupRow(r: AggRow & { series_id: number; bucket: number }): RollupRow {
  return { seriesId: r.series_id, bucket: r.bucket, ...rowToAgg(r) };
}

/** A row of the upgrade's one-row-per-sample table, at sequence 0 (anything written since the upgrade is newer). */
export function legacySample(r: { series_id: number; ts: number; value: number }): RawSample {
  return { seriesId: r.series_id, ts: r.ts, value: r.value, seq: 0 };
}
