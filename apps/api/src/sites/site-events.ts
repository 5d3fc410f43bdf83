import { Injectable, Logger } from '@nestjs/common';
import { Listeners } from '../platform/common/listeners';
import type { ReferenceChange } from './site-reference.service';

export type ReferenceListener = (change: ReferenceChange) => void;

/** A site that changed owner (committed): who may see it changed. */
export interface OwnerChange {
  siteId: number;
  code: string;
  from: number;
  to: number;
}

/**
 * In-process fan-out of committed site reference changes (the ratings re-check the closed periods they alter and
 * record revisions) and owner changes (live rooms follow the scope). Listeners run after the commit and must not throw.
 */
@Injectable()
export class SiteEvents {
  private readonly logger = new Logger('SiteEvents');
  private readonly listeners = new Listeners<ReferenceChange>((err) =>
    this.logger.error(`reference change listener: ${(err as Error).message}`),
  );

  private readonly owners = new Listeners<OwnerChange>((err) =>
    this.logger.error(`owner change listener: ${(err as Error).message}`),
  );

  onOwnerChanged(listener: (change: OwnerChange) => void): void {
    this.owners.add(listener);
  }

  emitOwnerChanged(change: OwnerChange): void {
    this.owners.emit(change);
  }

  onReferenceChanged(listener: ReferenceListener): void {
    this.listeners.add(listener);
  }

  emitReferenceChanged(change: ReferenceChange): void {
    this.listeners.emit(change);
  }
}
