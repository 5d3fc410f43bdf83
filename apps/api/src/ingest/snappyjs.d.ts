// snappyjs ships no types; only what dcfleet calls is declared (Prometheus remote-write bodies, snappy block format).
declare module 'snappyjs' {
  /**
   * Inflates a snappy block (not the framed stream format). Throws on a corrupt block, and when the length its
   * header declares exceeds `maxLength` — checked before anything is allocated.
   */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
}
