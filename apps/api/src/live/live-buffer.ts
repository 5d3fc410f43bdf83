/** An event of a live stream with its per-room sequence number. */
export interface Sequenced {
  seq: number;
}

/**
 * Bounded ring buffer of the most recent events of one room, in sequence order. Sequence numbers are
 * contiguous (every appended event has the previous seq + 1), so "what came after lastSeq" is index
 * arithmetic. Memory is bounded whatever the clients do: at most `capacity` events and, beyond the newest
 * event, at most `maxBytes` of them (the caller passes each event's serialized size).
 */
export class LiveBuffer<T extends Sequenced = Sequenced> {
  private readonly items: (T | undefined)[];
  private readonly sizes: number[];
  private start = 0;
  private count = 0;
  private total = 0;
  /** lastSeq while empty (after skip). */
  private base = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes = Infinity,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error('LiveBuffer capacity must be a positive integer');
    this.items = new Array<T | undefined>(capacity);
    this.sizes = new Array<number>(capacity).fill(0);
  }

  /** Events held. */
  get size(): number {
    return this.count;
  }

  /** Sum of the sizes passed to push() for the events held. */
  get bytes(): number {
    return this.total;
  }

  /** Seq of the newest event (buffered or skipped; 0 before the first). */
  get lastSeq(): number {
    return this.count ? this.items[(this.start + this.count - 1) % this.capacity]!.seq : this.base;
  }

  /**
   * Counts an event without keeping it (nobody can want it: see LivePublisher). The seq moves on and the
   * buffer empties, so a client behind it is told to resync rather than handed a list with a hole.
   */
  skip(): void {
    const next = this.lastSeq + 1;
    while (this.count) this.dropOldest();
    this.base = next;
  }

  /** Seq of the oldest buffered event (0 when empty). */
  get firstSeq(): number {
    return this.count ? this.items[this.start]!.seq : 0;
  }

  push(event: T, bytes = 0): void {
    if (this.count && event.seq !== this.lastSeq + 1) {
      throw new Error(`LiveBuffer: seq ${event.seq} does not follow ${this.lastSeq}`);
    }
    if (this.count === this.capacity) this.dropOldest();
    const i = (this.start + this.count) % this.capacity;
    this.items[i] = event;
    this.sizes[i] = bytes;
    this.count++;
    this.total += bytes;
    // The newest event always stays, so lastSeq survives any eviction.
    while (this.total > this.maxBytes && this.count > 1) this.dropOldest();
  }

  private dropOldest(): void {
    this.total -= this.sizes[this.start]!;
    this.items[this.start] = undefined;
    this.sizes[this.start] = 0;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }

  /**
   * The events after `lastSeq`, oldest first; `[]` when nothing was missed; `null` when some of them were
   * already dropped (or `lastSeq` is ahead of this buffer) so the caller must resync from a snapshot.
   */
  since(lastSeq: number): T[] | null {
    const last = this.lastSeq;
    if (lastSeq === last) return [];
    if (lastSeq > last || !this.count || lastSeq + 1 < this.firstSeq) return null;
    const out: T[] = [];
    for (let i = lastSeq + 1 - this.firstSeq; i < this.count; i++)
      out.push(this.items[(this.start + i) % this.capacity]!);
    return out;
  }
}
