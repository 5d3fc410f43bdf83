import { Injectable, Logger } from '@nestjs/common';
import type { RatingRevisedEvent } from '@dcfleet/contracts';
import type { RatingStatus } from '@dcfleet/green-metrics';

/**
 * A recorded rating revision, as the live layer receives it: the `rating:revised` payload without `seq`
 * (the live layer numbers its stream), plus the revision's details.
 */
export interface RatingRevised extends Omit<RatingRevisedEvent, 'seq'> {
  /** null: the annual rating; 1-12: a closed month of the current year. */
  month: number | null;
  previousStatus: RatingStatus;
  status: RatingStatus;
  reason: string;
  revisionId: number;
}

export type RatingRevisedListener = (event: RatingRevised) => void;

/** In-process fan-out of rating revisions (live push subscribes; emitted after the revision is committed). */
@Injectable()
export class RatingEvents {
  private readonly logger = new Logger('RatingEvents');
  private readonly listeners = new Set<RatingRevisedListener>();

  /** Subscribes; returns the unsubscribe function. Listeners run synchronously and must not block. */
  onRevised(listener: RatingRevisedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emitRevised(event: RatingRevised): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger.error(`rating:revised listener failed: ${(err as Error).message}`);
      }
    }
  }
}
