import { createHash } from 'node:crypto';

/** Bytes hashed per update(): big enough that update() calls are few, small enough to stay in the CPU cache. */
const HASH_SLICE = 64 * 1024;
/** Longest text of a number (17 significant digits, sign, point, exponent) plus the separators around it. */
const MAX_NUMBER_TEXT = 32;

/**
 * canonicalSampleLine's bytes (`series key \t ts \t value \n`) written straight into one reused buffer and hashed
 * slice by slice. Building them as strings cost several string objects per sample, all alive until the slice was
 * hashed: the decoder thread's largest source of garbage collection after the parse (issue #13).
 */
export class HashLines {
  private readonly hash = createHash('sha256');
  private readonly buf = Buffer.allocUnsafe(HASH_SLICE);
  private pos = 0;
  /** Every series key's UTF-8 bytes, back to back; key k is [keyStart[k], keyStart[k + 1]). */
  private readonly keys: Buffer;
  private readonly keyStart: Int32Array;
  private lastT = NaN;
  /** `\t ts \t` of the last time: samples share a few ticks, so its digits are converted once per tick. */
  private tText = Buffer.alloc(0);

  constructor(seriesKeys: readonly string[]) {
    const joined = seriesKeys.join('');
    this.keys = Buffer.from(joined, 'utf8');
    this.keyStart = new Int32Array(seriesKeys.length + 1);
    const ascii = this.keys.length === joined.length;
    let at = 0;
    for (let k = 0; k < seriesKeys.length; k++) {
      this.keyStart[k] = at;
      at += ascii ? seriesKeys[k]!.length : Buffer.byteLength(seriesKeys[k]!, 'utf8');
    }
    this.keyStart[seriesKeys.length] = at;
  }

  add(k: number, t: number, v: number): void {
    if (t !== this.lastT) {
      this.lastT = t;
      this.tText = Buffer.from(`\t${t}\t`, 'latin1');
    }
    const from = this.keyStart[k]!;
    const to = this.keyStart[k + 1]!;
    const tText = this.tText;
    if (this.pos + (to - from) + tText.length + MAX_NUMBER_TEXT > HASH_SLICE) this.spill();
    const buf = this.buf;
    const keys = this.keys;
    let p = this.pos;
    // Byte loops: keys and times are tens of bytes, where a native copy call costs more than it saves.
    if (to - from > HASH_SLICE - tText.length - MAX_NUMBER_TEXT) {
      this.hash.update(keys.subarray(from, to)); // a key longer than a slice (never in practice)
    } else for (let j = from; j < to; j++) buf[p++] = keys[j]!;
    for (let j = 0; j < tText.length; j++) buf[p++] = tText[j]!;
    const text = String(v); // digits, '.', '-', 'e', '+': ASCII
    for (let j = 0; j < text.length; j++) buf[p++] = text.charCodeAt(j);
    buf[p++] = 10;
    this.pos = p;
  }

  digest(): string {
    this.spill();
    return this.hash.digest('hex');
  }

  private spill(): void {
    if (this.pos > 0) this.hash.update(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}
