import { Injectable } from '@nestjs/common';
import { Listeners } from '../platform/common/listeners';

export interface AcceptedBatch {
  siteId: number;
  siteCode: string;
  /** Newest event time in the batch. */
  maxTs: number;
  /** Series whose newest value this batch set (SnapshotService.changedValues gives the keyed values). */
  changed: number[];
  seriesIds: number[];
  ts: number[];
  values: number[];
  status: Uint8Array;
}

export type BatchListener = (batch: AcceptedBatch) => void;

/**
 * In-process fan-out of committed batches to live push and alarm evaluation. Listeners run synchronously
 * after the commit and must not throw or block: a slow consumer never delays the 200.
 */
@Injectable()
export class IngestEvents {
  // A listener bug must never fail an ingest that already committed: its error is dropped.
  private readonly listeners = new Listeners<AcceptedBatch>(() => undefined);

  onBatch(listener: BatchListener): void {
    this.listeners.add(listener);
  }

  emitBatch(batch: AcceptedBatch): void {
    this.listeners.emit(batch);
  }
}
