/**
 * Per-room sequence bookkeeping for gap-free live streams (docs/contract.md "Live updates"). Pure: no socket, no timers.
 *
 * Every event of a room carries the room's seq (1, 2, 3 … without gaps). The client remembers the last seq
 * it applied; on (re)subscribe it sends it back and gets the missed events, or `resync` when the server no
 * longer has them. Events that arrive while a subscribe is pending are buffered and applied after the ack;
 * a jump in seq (n → n+2) means something was lost and the caller must resubscribe to fetch it.
 */

export interface Sequenced {
  seq: number;
}

export interface AckLike<E extends Sequenced> {
  seq: number;
  epoch?: string;
  resync: boolean;
  missed?: E[];
}

export interface EventResult<E> {
  /** Apply these, in order. */
  apply: E[];
  /** A gap was detected: resubscribe with `resumeFrom()` to fetch the missing events. */
  resume: boolean;
}

export interface AckResult<E> extends EventResult<E> {
  /** initial: first subscribe (use the snapshot); resume: missed events were delivered; resync: start over. */
  kind: 'initial' | 'resume' | 'resync';
}

export class RoomSequence<E extends Sequenced> {
  lastSeq: number | undefined = undefined;
  epoch: string | undefined = undefined;
  pending = false;
  private requestedFrom: number | undefined = undefined;
  private buffer: E[] = [];

  /** Marks a subscribe as sent; returns what to add to the request (`lastSeq`, `epoch`) to resume. */
  begin(): { lastSeq?: number; epoch?: string } {
    this.pending = true;
    this.requestedFrom = this.lastSeq;
    if (this.lastSeq === undefined) return {};
    return this.epoch === undefined
      ? { lastSeq: this.lastSeq }
      : { lastSeq: this.lastSeq, epoch: this.epoch };
  }

  /** A live event of this room arrived. */
  offer(event: E): EventResult<E> {
    if (this.pending || this.lastSeq === undefined) {
      this.buffer.push(event);
      return { apply: [], resume: false };
    }
    if (event.seq <= this.lastSeq) return { apply: [], resume: false };
    if (event.seq === this.lastSeq + 1) {
      this.lastSeq = event.seq;
      return { apply: [event], resume: false };
    }
    this.buffer.push(event);
    return { apply: [], resume: true };
  }

  /** The subscribe was acknowledged. */
  acknowledge(ack: AckLike<E>): AckResult<E> {
    this.pending = false;
    this.epoch = ack.epoch ?? this.epoch;
    const apply: E[] = [];
    let kind: AckResult<E>['kind'];
    if (this.requestedFrom === undefined) {
      kind = 'initial';
      this.lastSeq = ack.seq;
    } else if (ack.resync) {
      kind = 'resync';
      this.lastSeq = ack.seq;
    } else {
      kind = 'resume';
      let last = this.lastSeq ?? this.requestedFrom;
      for (const e of [...(ack.missed ?? [])].sort((a, b) => a.seq - b.seq)) {
        if (e.seq <= last) continue;
        apply.push(e);
        last = e.seq;
      }
      this.lastSeq = Math.max(last, ack.seq);
    }
    this.requestedFrom = undefined;
    const drained = this.drain();
    return { kind, apply: [...apply, ...drained.apply], resume: drained.resume };
  }

  /** The subscribe failed or the connection dropped before the ack: forget the pending state. */
  abort(): void {
    this.pending = false;
    this.requestedFrom = undefined;
    this.buffer = [];
  }

  /** Forget everything (the room was left). */
  reset(): void {
    this.abort();
    this.lastSeq = undefined;
    this.epoch = undefined;
  }

  private drain(): EventResult<E> {
    const events = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    const apply: E[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const last = this.lastSeq ?? 0;
      if (e.seq <= last) continue;
      if (e.seq === last + 1) {
        apply.push(e);
        this.lastSeq = e.seq;
        continue;
      }
      // Still a hole: keep the rest and ask for what is missing.
      this.buffer = events.slice(i);
      return { apply, resume: true };
    }
    return { apply, resume: false };
  }
}
