import { Injectable } from '@nestjs/common';

type Listener = (userId: number) => void;

/**
 * "This user's sessions just ended" (password reset, role change, disable, log out everywhere). The live gateway
 * listens: it disconnects the user's sockets on every instance and tells the other instances to drop their cached
 * copy of the user, so an ended session stops working everywhere at once, not when a cache expires.
 */
@Injectable()
export class UserSessions {
  private readonly listeners = new Set<Listener>();

  onEnded(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ended(userId: number): void {
    for (const l of this.listeners) l(userId);
  }
}
