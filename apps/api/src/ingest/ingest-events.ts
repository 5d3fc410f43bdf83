import { Injectable } from '@nestjs/common';

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
  private readonly listeners: BatchListener[] = [];

  onBatch(listener: BatchListener): void {
    this.listeners.push(listener);
  }

  emitBatch(batch: AcceptedBatch): void {
    for (const l of this.listeners) {
      try {
        l(batch);
      } catch {
        /* a listener bug must never fail an ingest that already committed */
      }
    }
  }
}
