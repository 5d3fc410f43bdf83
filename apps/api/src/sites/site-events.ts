import { Injectable, Logger } from '@nestjs/common';
import { Listeners } from '../platform/common/listeners';
import type { ReferenceChange } from './site-reference.service';

export type ReferenceListener = (change: ReferenceChange) => void;

/**
 * In-process fan-out of committed site reference changes (the ratings re-check the closed periods they alter and
 * record revisions). Listeners run after the commit and must not throw.
 */
@Injectable()
export class SiteEvents {
  private readonly logger = new Logger('SiteEvents');
  private readonly listeners = new Listeners<ReferenceChange>((err) =>
    this.logger.error(`reference change listener: ${(err as Error).message}`),
  );

  onReferenceChanged(listener: ReferenceListener): void {
    this.listeners.add(listener);
  }

  emitReferenceChanged(change: ReferenceChange): void {
    this.listeners.emit(change);
  }
}
