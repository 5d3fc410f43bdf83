/**
 * Failed MQTT CONNECTs per client address in a sliding window (MQTT_MAX_AUTH_FAILURES per minute). Beyond the limit an
 * address is refused before its token is looked up, so a flood of guesses costs neither database reads nor hashing.
 * Only failures count (a gateway fleet behind one NAT reconnecting at once is not throttled), and a success does not
 * forgive them (an attacker behind the same NAT as a good gateway would otherwise reset the count at will).
 *
 * In memory per instance and bounded: beyond `maxAddresses` the least recently failing address is forgotten.
 */
export class AuthFailures {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Seconds until the address may try again, or 0 when it may try now. */
  blockedFor(address: string, now = Date.now()): number {
    const list = this.prune(address, now);
    if (list.length < this.limit) return 0;
    return Math.max(1, Math.ceil((list[list.length - this.limit]! + this.windowMs - now) / 1000));
  }

  fail(address: string, now = Date.now()): void {
    const list = this.prune(address, now);
    list.push(now);
    // Re-inserting moves the address to the end: the Map's first key is the least recently failing one.
    this.failures.delete(address);
    this.failures.set(address, list);
    if (this.failures.size > this.maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  private prune(address: string, now: number): number[] {
    const list = this.failures.get(address);
    if (!list) return [];
    while (list.length > 0 && list[0]! <= now - this.windowMs) list.shift();
    // Only the last `limit` failures decide anything.
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
    if (list.length === 0) this.failures.delete(address);
    return list;
  }
}
