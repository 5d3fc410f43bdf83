import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Binary encodings of raw telemetry (docs/architecture.md, "Raw storage"):
 *
 * - a **batch payload** is one committed ingest batch, columnar (series id, ts, value per sample), deflated at
 *   level 1: written on the hot path, so it must cost well under a microsecond per sample;
 * - a **chunk** is one series over one time window: timestamps as delta-of-delta, values as deltas of decimal-
 *   scaled integers (telemetry is decimal text: 23.41 °C is 2341 × 10⁻²) or raw doubles when no scale fits, and
 *   the batch sequence of each sample run-length encoded (last write wins across batches, see raw-layout.ts)
 *   with, per run, the size of that batch and each sample's position in it (version 2: the order of the receipt's
 *   content hash, so a deep receipt check can re-hash compacted samples); all varints, then deflated. Gorilla's XOR floats suit binary sensor doubles; decimal deltas compress better
 *   for the decimal readings gateways send and stay exact.
 */

const BATCH_VERSION = 1;
/** 2: seq runs carry batch size and positions. Version 1 chunks still decode (positions unknown: -1). */
const CHUNK_VERSION = 2;
const CHUNK_VERSION_1 = 1;
const RAW_DOUBLES = 255;
const MAX_SCALE = 6;

/**
 * One series' samples: ascending unique ts; `seqs` the per-site batch sequence that wrote each sample, `positions`
 * its index in that batch's payload (= its place in the receipt's content hash) and `sizes` that batch's sample
 * count; both -1 where unknown (samples of version 1 chunks and of the upgrade's legacy rows).
 */
export interface ChunkData {
  ts: Float64Array;
  values: Float64Array;
  seqs: Float64Array;
  positions: Int32Array;
  sizes: Int32Array;
}

export interface BatchColumns {
  seriesIds: Int32Array;
  ts: Float64Array;
  values: Float64Array;
}

export function encodeBatchPayload(
  seriesIds: ArrayLike<number>,
  ts: ArrayLike<number>,
  values: ArrayLike<number>,
): Buffer {
  const n = ts.length;
  // Header (8 bytes) keeps the Float64 columns 8-byte aligned: ids take 4n, padded to 8.
  const idBytes = Math.ceil((4 * n) / 8) * 8;
  const buf = Buffer.alloc(8 + idBytes + 16 * n);
  buf.writeUInt32LE(BATCH_VERSION, 0);
  buf.writeUInt32LE(n, 4);
  const ab = buf.buffer;
  const base = buf.byteOffset;
  const ids = new Int32Array(ab, base + 8, n);
  const t = new Float64Array(ab, base + 8 + idBytes, n);
  const v = new Float64Array(ab, base + 8 + idBytes + 8 * n, n);
  for (let i = 0; i < n; i++) {
    ids[i] = seriesIds[i]!;
    t[i] = ts[i]!;
    v[i] = values[i]!;
  }
  return deflateRawSync(buf, { level: 1 });
}

export function decodeBatchPayload(payload: Uint8Array): BatchColumns {
  const raw = inflateRawSync(payload);
  // Copy into an aligned buffer: inflate's output may start at any offset of a shared pool.
  const buf = new Uint8Array(raw.length);
  buf.set(raw);
  const view = new DataView(buf.buffer);
  if (view.getUint32(0, true) !== BATCH_VERSION) throw new Error('unknown raw batch payload version');
  const n = view.getUint32(4, true);
  const idBytes = Math.ceil((4 * n) / 8) * 8;
  return {
    seriesIds: new Int32Array(buf.buffer, 8, n),
    ts: new Float64Array(buf.buffer, 8 + idBytes, n),
    values: new Float64Array(buf.buffer, 8 + idBytes + 8 * n, n),
  };
}

/** Growable byte writer with unsigned/zig-zag varints for integers up to 2^53 (arithmetic, not 32-bit ops). */
class Writer {
  buf = new Uint8Array(256);
  len = 0;
  private room(k: number): void {
    if (this.len + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + k));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }
  uvar(x: number): void {
    this.room(8);
    while (x >= 128) {
      this.buf[this.len++] = (x % 128) | 128;
      x = Math.floor(x / 128);
    }
    this.buf[this.len++] = x;
  }
  svar(x: number): void {
    this.uvar(x < 0 ? -2 * x - 1 : 2 * x);
  }
  f64(x: number): void {
    this.room(8);
    new DataView(this.buf.buffer).setFloat64(this.len, x, true);
    this.len += 8;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('truncated raw chunk');
    return this.buf[this.pos++]!;
  }
  uvar(): number {
    let x = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      x += (b & 127) * mul;
      if (b < 128) return x;
      mul *= 128;
    }
  }
  svar(): number {
    const u = this.uvar();
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }
  f64(): number {
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }
}

/** The smallest decimal scale at which every value is an exact integer, or RAW_DOUBLES. */
function decimalScale(values: Float64Array): number {
  for (let k = 0; k <= MAX_SCALE; k++) {
    const p = 10 ** k;
    let ok = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const s = Math.round(v * p);
      if (Math.abs(s) > 2 ** 51 || s / p !== v || Object.is(v, -0)) {
        ok = false;
        break;
      }
    }
    if (ok) return k;
  }
  return RAW_DOUBLES;
}

/**
 * Deflate settings of a chunk. A chunk body is ~1.5 kB (an hour of a 10-second gauge, ~4 B per sample before
 * deflate), so the call's setup is most of its cost: level 1 with a 2 kB window and small hash tables took 16-20 µs
 * per chunk against 46 µs at zlib's defaults (level 6, 32 kB, memLevel 8), for 0.84 B/sample against 0.83.
 * Any window decodes with inflate's default one.
 */
const CHUNK_DEFLATE = { level: 1, windowBits: 11, memLevel: 4 };

/** `version` 1 writes the previous format (no positions): tests of old chunks only. */
export function encodeChunk(c: ChunkData, version: 1 | 2 = CHUNK_VERSION): Buffer {
  const n = c.ts.length;
  const v1 = version === CHUNK_VERSION_1;
  const w = new Writer();
  w.byte(version);
  w.uvar(n);
  if (n > 0) {
    w.uvar(c.ts[0]!);
    let prevDelta = 0;
    for (let i = 1; i < n; i++) {
      const d = c.ts[i]! - c.ts[i - 1]!;
      w.svar(d - prevDelta);
      prevDelta = d;
    }
    const scale = decimalScale(c.values);
    w.byte(scale);
    if (scale === RAW_DOUBLES) {
      for (let i = 0; i < n; i++) w.f64(c.values[i]!);
    } else {
      const p = 10 ** scale;
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const s = Math.round(c.values[i]! * p);
        w.svar(s - prev);
        prev = s;
      }
    }
    // Runs of equal (sequence, batch size): delta from the previous run's seq, run length, batch size + 1 (0:
    // unknown), then, for a known size, the positions as a first value and delta-of-deltas (a batch of K series ×
    // T ticks puts one series at s, s + K, s + 2K…: zeros).
    let prevSeq = 0;
    let i = 0;
    while (i < n) {
      const seq = c.seqs[i]!;
      const size = c.sizes[i]!;
      let j = i + 1;
      while (j < n && c.seqs[j] === seq && (v1 || c.sizes[j] === size)) j++;
      w.svar(seq - prevSeq);
      w.uvar(j - i);
      if (!v1) w.uvar(size + 1);
      if (!v1 && size >= 0) {
        w.uvar(c.positions[i]!);
        let prevDelta = 0;
        for (let k = i + 1; k < j; k++) {
          const d = c.positions[k]! - c.positions[k - 1]!;
          w.svar(d - prevDelta);
          prevDelta = d;
        }
      }
      prevSeq = seq;
      i = j;
    }
  }
  return deflateRawSync(w.bytes(), CHUNK_DEFLATE);
}

export function decodeChunk(payload: Uint8Array): ChunkData {
  const r = new Reader(inflateRawSync(payload));
  const version = r.byte();
  if (version !== CHUNK_VERSION && version !== CHUNK_VERSION_1) throw new Error('unknown raw chunk version');
  const n = r.uvar();
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  const seqs = new Float64Array(n);
  const positions = new Int32Array(n).fill(-1);
  const sizes = new Int32Array(n).fill(-1);
  if (n === 0) return { ts, values, seqs, positions, sizes };
  ts[0] = r.uvar();
  let delta = 0;
  for (let i = 1; i < n; i++) {
    delta += r.svar();
    ts[i] = ts[i - 1]! + delta;
  }
  const scale = r.byte();
  if (scale === RAW_DOUBLES) {
    for (let i = 0; i < n; i++) values[i] = r.f64();
  } else {
    const p = 10 ** scale;
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += r.svar();
      values[i] = s / p;
    }
  }
  let i = 0;
  let seq = 0;
  while (i < n) {
    seq += r.svar();
    const run = r.uvar();
    if (run < 1 || i + run > n) throw new Error('corrupt raw chunk sequence runs');
    seqs.fill(seq, i, i + run);
    if (version !== CHUNK_VERSION_1) {
      const size = r.uvar() - 1;
      if (size >= 0) {
        sizes.fill(size, i, i + run);
        let p = r.uvar();
        positions[i] = p;
        let delta = 0;
        for (let k = i + 1; k < i + run; k++) {
          delta += r.svar();
          p += delta;
          positions[k] = p;
        }
      }
    }
    i += run;
  }
  return { ts, values, seqs, positions, sizes };
}

/**
 * One sample with the per-site sequence of the batch that wrote it, its position in that batch's payload and the
 * batch's sample count (both -1 when unknown: version 1 chunks, legacy rows).
 */
export interface VersionedSample {
  ts: number;
  value: number;
  seq: number;
  pos: number;
  size: number;
}

/**
 * Last write wins per timestamp: `base` (a stored chunk) overlaid with `adds`; of two samples with one ts the
 * higher batch sequence wins, so merging batches in any order — or merging one twice after a crash — gives the same
 * chunk. Equal sequence means the same batch, which holds one value per (series, ts).
 */
export function mergeChunk(base: ChunkData | undefined, adds: readonly VersionedSample[]): ChunkData {
  const appended = appendOnly(base, adds);
  if (appended) return appended;
  const byTs = new Map<number, VersionedSample>();
  if (base) {
    for (let i = 0; i < base.ts.length; i++)
      byTs.set(base.ts[i]!, {
        ts: base.ts[i]!,
        value: base.values[i]!,
        seq: base.seqs[i]!,
        pos: base.positions[i]!,
        size: base.sizes[i]!,
      });
  }
  for (const s of adds) {
    const cur = byTs.get(s.ts);
    if (!cur || s.seq >= cur.seq) byTs.set(s.ts, s);
  }
  const all = [...byTs.values()].sort((a, b) => a.ts - b.ts);
  const out: ChunkData = {
    ts: new Float64Array(all.length),
    values: new Float64Array(all.length),
    seqs: new Float64Array(all.length),
    positions: new Int32Array(all.length),
    sizes: new Int32Array(all.length),
  };
  all.forEach((s, i) => {
    out.ts[i] = s.ts;
    out.values[i] = s.value;
    out.seqs[i] = s.seq;
    out.positions[i] = s.pos;
    out.sizes[i] = s.size;
  });
  return out;
}

/**
 * The common case of a merge, without a map: `adds` strictly ascending and all after `base` (a window compacted
 * once, from batches in time order). Undefined when that does not hold.
 */
function appendOnly(base: ChunkData | undefined, adds: readonly VersionedSample[]): ChunkData | undefined {
  const k = base ? base.ts.length : 0;
  let prev = k ? base!.ts[k - 1]! : -Infinity;
  for (const s of adds) {
    if (!(s.ts > prev)) return undefined;
    prev = s.ts;
  }
  const n = k + adds.length;
  const out: ChunkData = {
    ts: new Float64Array(n),
    values: new Float64Array(n),
    seqs: new Float64Array(n),
    positions: new Int32Array(n),
    sizes: new Int32Array(n),
  };
  if (base) {
    out.ts.set(base.ts);
    out.values.set(base.values);
    out.seqs.set(base.seqs);
    out.positions.set(base.positions);
    out.sizes.set(base.sizes);
  }
  for (let i = 0; i < adds.length; i++) {
    const s = adds[i]!;
    out.ts[k + i] = s.ts;
    out.values[k + i] = s.value;
    out.seqs[k + i] = s.seq;
    out.positions[k + i] = s.pos;
    out.sizes[k + i] = s.size;
  }
  return out;
}
