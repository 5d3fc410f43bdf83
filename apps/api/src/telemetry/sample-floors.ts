/**
 * Per series, the newest sample time this API instance knows to be stored: a batch whose every sample is
 * newer than its series' floor only appends, so it can skip the conflict check (a binary COPY instead of
 * `INSERT … ON CONFLICT`, which costs PostgreSQL about twice the CPU per row). Only a hint: the primary key still
 * refuses a duplicate (another instance wrote it, or a concurrent batch of this one), and the store then retries
 * with the checking insert after `forget`ting what it believed.
 */
export class SampleFloors {
  /** Indexed by series id (dense serial ids): newest stored ts, -Infinity for none, NaN for unknown. */
  private newest = new Float64Array(1024).fill(NaN);

  private at(id: number): number {
    return id < this.newest.length ? this.newest[id]! : NaN;
  }

  private set(id: number, ts: number): void {
    if (id >= this.newest.length) {
      const grown = new Float64Array(Math.max(id + 1, this.newest.length * 2)).fill(NaN);
      grown.set(this.newest);
      this.newest = grown;
    }
    this.newest[id] = ts;
  }

  /** Distinct series ids (ignoring negative refs to series not created yet) this instance knows nothing about. */
  unknown(seriesIds: readonly number[]): number[] {
    const out = new Set<number>();
    for (const id of seriesIds) if (id >= 0 && Number.isNaN(this.at(id))) out.add(id);
    return [...out];
  }

  /** What the database said: the newest stored ts of a series, or null when it has none. */
  learn(seriesId: number, newestTs: number | null): void {
    const cur = this.at(seriesId);
    const ts = newestTs ?? -Infinity;
    if (Number.isNaN(cur) || ts > cur) this.set(seriesId, ts);
  }

  /** True when `ts` is newer than everything known stored for the series (false when unknown). */
  isAppend(seriesId: number, ts: number): boolean {
    return ts > this.at(seriesId);
  }

  /** True when every sample is newer than everything known stored for its series (series ids, not refs). */
  appendsOnly(seriesIds: readonly number[], ts: readonly number[], fresh: ReadonlySet<number>): boolean {
    for (let i = 0; i < ts.length; i++) {
      const id = seriesIds[i]!;
      // NaN (unknown) fails the comparison too.
      if (!(ts[i]! > this.at(id)) && !fresh.has(id)) return false;
    }
    return true;
  }

  /** After a commit: these samples are stored. */
  record(seriesIds: readonly number[], ts: readonly number[]): void {
    for (let i = 0; i < ts.length; i++) {
      const id = seriesIds[i]!;
      const cur = this.at(id);
      if (Number.isNaN(cur) || ts[i]! > cur) this.set(id, ts[i]!);
    }
  }

  /** The database disagreed: ask again next time. */
  forget(seriesIds: readonly number[]): void {
    for (const id of seriesIds) if (id >= 0 && id < this.newest.length) this.newest[id] = NaN;
  }
}
