/**
 * One-dimensional PostgreSQL arrays in the binary wire format (what `array_send` writes and `array_recv` reads),
 * for UNNEST parameters: pg sends a Buffer parameter in binary format, and a `$n::float8[]` cast makes the server
 * read it as that array type. Text arrays cost a shortest-round-trip number-to-string per element on the event
 * loop (the largest item of a PostgreSQL rollup flush in bench:ingest's CPU profile) and a strtod per element on
 * the server; these are a few stores per element on each side.
 */
export type PgArrayElement = 'int4' | 'int8' | 'float8';

const OID: Record<PgArrayElement, number> = { int4: 23, int8: 20, float8: 701 };
const SIZE: Record<PgArrayElement, number> = { int4: 4, int8: 8, float8: 8 };
const HEADER = 20; // ndim, has-null flag, element oid, then length and lower bound of the one dimension
const TWO_32 = 2 ** 32;

export class PgBinaryArray {
  readonly buffer: Buffer;
  private readonly view: DataView;
  private readonly size: number;
  private pos = HEADER;

  /** An array of exactly `n` elements, filled by `push`. */
  constructor(
    private readonly type: PgArrayElement,
    private readonly n: number,
  ) {
    this.size = SIZE[type];
    this.buffer = withHeader(OID[type], n, n * (4 + this.size));
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
  }

  push(v: number): void {
    const view = this.view;
    view.setInt32(this.pos, this.size);
    const at = this.pos + 4;
    if (this.type === 'float8') view.setFloat64(at, v);
    else if (this.type === 'int4') view.setInt32(at, v);
    else {
      // Two's complement of an integer below 2^53 in two halves (no BigInt per element).
      const hi = Math.floor(v / TWO_32);
      view.setInt32(at, hi);
      view.setUint32(at + 4, v - hi * TWO_32);
    }
    this.pos = at + this.size;
  }

  /** The finished parameter; every element must have been pushed. */
  done(): Buffer {
    if (this.n && this.pos !== this.buffer.length)
      throw new Error(`binary ${this.type}[] of ${this.n} elements is not full`);
    return this.buffer;
  }
}

const BYTEA_OID = 17;

/**
 * A `bytea[]` parameter in the binary wire format: each element its length and its bytes. As text (what pg makes
 * of a JavaScript array) every payload went as a quoted hex string twice its size, built on the event loop; raw
 * compaction sends a slice of chunk payloads per statement.
 */
export function pgByteaArray(values: readonly Uint8Array[]): Buffer {
  let bytes = 0;
  for (const v of values) bytes += 4 + v.length;
  const out = withHeader(BYTEA_OID, values.length, bytes);
  let pos = HEADER;
  for (const v of values) {
    out.writeInt32BE(v.length, pos);
    out.set(v, pos + 4);
    pos += 4 + v.length;
  }
  return out;
}

/**
 * A buffer for a one-dimensional array of `n` elements of type `oid` taking `elementBytes` (each element's length
 * word included), its header written; the elements go from HEADER on.
 */
function withHeader(oid: number, n: number, elementBytes: number): Buffer {
  const out = Buffer.allocUnsafe(n ? HEADER + elementBytes : 12);
  out.writeInt32BE(n ? 1 : 0, 0); // an empty array has no dimensions
  out.writeInt32BE(0, 4);
  out.writeInt32BE(oid, 8);
  if (n) {
    out.writeInt32BE(n, 12);
    out.writeInt32BE(1, 16);
  }
  return out;
}
