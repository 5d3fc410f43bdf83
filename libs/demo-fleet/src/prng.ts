/**
 * Deterministic randomness. Two kinds:
 * - `mulberry32(seed)`: a sequential PRNG for choices made once (fault schedule, picks);
 * - `noise(seed, channel, x)`: smooth value noise that is a pure function of its inputs, so the physics at an
 *   instant is the same whether it is generated as history, as a live tick, or after a restart.
 */

// Module-level aliases: these run millions of times per history, and a global lookup per call is slow in
// sandboxed contexts (Jest's vm).
const imul = Math.imul;
const floor = Math.floor;

function mix(h: number, p: number): number {
  let k = imul(p | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 32-bit integer hash (murmur3-style) of up to five 32-bit inputs; missing inputs count as 0, so
 * hash32(a, b) === hash32(a, b, 0). Fixed arity on purpose: this runs millions of times per history.
 */
export function hash32(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return finish(mix(mix(mix(mix(mix(0x9e3779b9, a), b), c), d), e));
}

/** Hash of a string (site codes, channel names) to a 32-bit integer. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniform in [0, 1) from the hash of the inputs. */
export function unit(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return hash32(a, b, c, d, e) / 4_294_967_296;
}

/** A seeded sequential PRNG (mulberry32): returns a function giving uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Knot value in [-1, 1] for integer lattice point `i` (any safe integer). */
function knot(seed: number, channel: number, i: number): number {
  const hi = floor(i / 4_294_967_296);
  return (hash32(seed, channel, i >>> 0, hi) / 4_294_967_296) * 2 - 1;
}

/**
 * Smooth 1-D value noise in [-1, 1]: random values at the integers, joined with a smoothstep. Mean 0,
 * continuous, and a pure function of (seed, channel, x). Use `x = t / period` for a given time scale.
 */
export function noise(seed: number, channel: number, x: number): number {
  const i = floor(x);
  const f = x - i;
  const s = f * f * (3 - 2 * f);
  const a = knot(seed, channel, i);
  const b = knot(seed, channel, i + 1);
  return a + (b - a) * s;
}
