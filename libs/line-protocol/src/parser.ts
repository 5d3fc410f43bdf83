/**
 * InfluxDB line protocol (v1 write API) parser, as sent by Telegraf to `POST /api/v1/write`.
 *
 *   measurement[,tag=value...] field=value[,field=value...] [timestamp]
 *
 * One pass per line with index scanning over the original body: no per-line substrings, no regular
 * expressions; a substring is only cut for a value that ends up in the result. A malformed line yields
 * one `LineError` and parsing continues with the next line.
 */

/** Canonical timestamp precisions (the `precision` query parameter of the v1 write API). */
export type Precision = 'ns' | 'u' | 'ms' | 's' | 'm' | 'h';

export interface LinePoint {
  /** 1-based line number in the body. */
  line: number;
  measurement: string;
  /** Shared by the points of one body with the same series prefix: read-only. */
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  /** Epoch milliseconds (floored), or null when the line has no timestamp. */
  timestampMs: number | null;
}

export interface LineError {
  /** 1-based line number in the body. */
  line: number;
  reason: string;
}

export interface ParseResult {
  points: LinePoint[];
  errors: LineError[];
}

/** A series prefix (measurement and tags): one object for every line of a body that starts with the same text. */
export interface LinePrefix {
  /** 0, 1, 2… in order of first appearance in the body, for per-prefix state kept in an array. */
  readonly id: number;
  readonly measurement: string;
  /** Read-only: shared by the lines of the prefix. */
  readonly tags: Record<string, string>;
}

/**
 * One parsed line as `scanLineProtocol` hands it over. The same object (and its arrays) is refilled for the next
 * line: read it inside the callback and copy what you keep. Fields [0, fieldCount) are in order of first appearance;
 * a repeated key keeps its first place and takes its last value.
 */
export interface ScannedLine {
  /** 1-based line number in the body. */
  line: number;
  prefix: LinePrefix;
  fieldCount: number;
  fieldKeys: string[];
  /** Numeric field values (floats, `i` and `u` integers); only meaningful where `others` holds undefined. */
  numbers: Float64Array;
  /** String and boolean field values; undefined for a numeric field. */
  others: (string | boolean | undefined)[];
  /** Epoch milliseconds (floored), or NaN when the line has no timestamp (a number field, never boxed). */
  timestampMs: number;
}

/** What `scanLineProtocol` calls, in body order: each well-formed line, and each malformed one with its reason. */
export interface LineVisitor {
  line(scanned: ScannedLine): void;
  error(line: number, reason: string): void;
}

/** True for a canonical precision: 'ns', 'u', 'ms', 's', 'm' or 'h' (aliases are not accepted here). */
export function isPrecision(v: unknown): v is Precision {
  return v === 'ns' || v === 'u' || v === 'ms' || v === 's' || v === 'm' || v === 'h';
}

/**
 * Maps every precision InfluxDB v1 accepts to its canonical form: 'n'|'ns' -> 'ns', 'u'|'us' -> 'u',
 * 'ms', 's', 'm', 'h'. Anything else (including undefined) -> null; the caller picks the default
 * (InfluxDB's is 'ns').
 */
export function normalizePrecision(v: unknown): Precision | null {
  switch (v) {
    case 'n':
    case 'ns':
      return 'ns';
    case 'u':
    case 'us':
      return 'u';
    case 'ms':
    case 's':
    case 'm':
    case 'h':
      return v;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------

const TAB = 9;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const EQUALS = 61;
const UPPER_E = 69;
const UPPER_F = 70;
const UPPER_T = 84;
const BACKSLASH = 92;
const LOWER_E = 101;
const LOWER_F = 102;
const LOWER_I = 105;
const LOWER_T = 116;
const LOWER_U = 117;
const BOM = 0xfeff;

/** Valid time range of InfluxDB (int64 nanoseconds), in epoch milliseconds. */
const MIN_MS = -9223372036855;
const MAX_MS = 9223372036854;
/** More significant digits than this cannot be a valid timestamp in any precision. */
const MAX_TIMESTAMP_DIGITS = 19;

const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';
const UINT64_MAX = '18446744073709551615';

/** Exact powers of ten (10^0 .. 10^22 are exactly representable doubles). */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Reasons and quoted names are cut to this many characters. */
const MAX_QUOTED = 64;

interface TimeScale {
  /** Trailing digits dropped (floor division by 10^dropDigits) to reach milliseconds. */
  dropDigits: number;
  /** Multiplier to reach milliseconds (1 when dropDigits > 0). */
  multiplier: number;
}

function timeScale(precision: Precision): TimeScale {
  switch (normalizePrecision(precision)) {
    case 'ns':
      return { dropDigits: 6, multiplier: 1 };
    case 'u':
      return { dropDigits: 3, multiplier: 1 };
    case 'ms':
      return { dropDigits: 0, multiplier: 1 };
    case 's':
      return { dropDigits: 0, multiplier: 1_000 };
    case 'm':
      return { dropDigits: 0, multiplier: 60_000 };
    case 'h':
      return { dropDigits: 0, multiplier: 3_600_000 };
    default:
      throw new RangeError(`unknown precision ${JSON.stringify(precision)}`);
  }
}

/** Measurement: backslash escapes comma and space. */
function isMeasurementEscapable(c: number): boolean {
  return c === COMMA || c === SPACE;
}

/** Tag keys, tag values, field keys: backslash escapes comma, equals sign and space. */
function isKeyEscapable(c: number): boolean {
  return c === COMMA || c === EQUALS || c === SPACE;
}

/** String field values: backslash escapes double quote and backslash. */
function isStringEscapable(c: number): boolean {
  return c === QUOTE || c === BACKSLASH;
}

/** Assigns without letting a `__proto__` key touch the prototype. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > MAX_QUOTED ? `${s.slice(0, MAX_QUOTED)}…` : s);
}

/** Distinct series prefixes remembered per body. */
const MAX_PREFIXES = 100_000;

/** Parses one body. Holds the body and the per-line error; all positions index into `s`. */
class LineParser {
  /** Reason of the first problem found on the current line. */
  private reason = '';
  /** Whether the last `scanKey` passed over an escape sequence. */
  private keyEscaped = false;
  /**
   * Parsed series prefixes of this body (see parseLine), found by a hash of their text taken while scanning it:
   * looking the text up in a Map took a substring per line. Open addressing, slot = 1 + index into `known`.
   */
  private slots = new Int32Array(1_024);
  private readonly known: { text: string; hash: number; prefix: LinePrefix }[] = [];
  private nextPrefixId = 0;
  /** Field keys by position in the line, as last seen: lines repeat them, and reusing one saves a substring. */
  private readonly fieldKeys: string[] = [];
  /** The line being parsed, refilled for each one: no object per line or field (issue #13, decoder garbage). */
  readonly out: ScannedLine = {
    line: 0,
    prefix: { id: -1, measurement: '', tags: {} },
    fieldCount: 0,
    fieldKeys: [],
    numbers: new Float64Array(16),
    others: [],
    timestampMs: NaN,
  };

  constructor(
    private readonly s: string,
    private readonly scale: TimeScale,
  ) {}

  /** Parses the line [start, end) (no line terminator) into `out`; false, with `reason` set, when malformed. */
  parseLine(start: number, end: number, line: number): boolean {
    const s = this.s;
    let i = start;

    // Series prefix (measurement and tags, up to the first unescaped space): a gateway repeats the same prefixes
    // line after line, so a prefix seen before in this body reuses its parsed measurement and tags object.
    let prefixEnd = start;
    let hash = 0;
    while (prefixEnd < end) {
      const c = s.charCodeAt(prefixEnd);
      if (c === SPACE) break;
      hash = (Math.imul(hash, 31) + c) | 0;
      if (c === BACKSLASH && prefixEnd + 1 < end) {
        hash = (Math.imul(hash, 31) + s.charCodeAt(prefixEnd + 1)) | 0;
        prefixEnd += 2;
        continue;
      }
      prefixEnd++;
    }
    let prefix = this.findPrefix(start, prefixEnd, hash);
    if (prefix) {
      i = prefixEnd;
    } else {
      const head = this.parseHead(start, end);
      if (!head) return false;
      prefix = { id: this.nextPrefixId++, measurement: head.measurement, tags: head.tags };
      i = head.i;
      if (i === prefixEnd && this.known.length < MAX_PREFIXES)
        this.addPrefix(s.slice(start, prefixEnd), hash, prefix);
    }

    // Field set (at least one field).
    i = skipBlanks(s, i, end);
    if (i >= end) return this.fail('missing fields');
    const out = this.out;
    out.fieldCount = 0;
    for (let f = 0; ; f++) {
      const keyStart = i;
      i = this.scanKey(keyStart, end);
      if (i === keyStart) return this.fail('missing field key');
      const seen = this.fieldKeys[f];
      const key =
        !this.keyEscaped && seen !== undefined && seen.length === i - keyStart && s.startsWith(seen, keyStart)
          ? seen
          : (this.fieldKeys[f] = this.key(keyStart, i));
      if (i >= end || s.charCodeAt(i) !== EQUALS) return this.fail(`missing field value for ${quote(key)}`);
      i++;
      if (i >= end) return this.fail(`missing field value for ${quote(key)}`);

      if (s.charCodeAt(i) === QUOTE) {
        const valueStart = i + 1;
        let j = valueStart;
        let stringEscaped = false;
        for (;;) {
          if (j >= end) return this.fail('unterminated string field value');
          const c = s.charCodeAt(j);
          if (c === BACKSLASH && j + 1 < end && isStringEscapable(s.charCodeAt(j + 1))) {
            stringEscaped = true;
            j += 2;
            continue;
          }
          if (c === QUOTE) break;
          j++;
        }
        this.setField(
          key,
          0,
          stringEscaped ? this.unescape(valueStart, j, isStringEscapable) : s.slice(valueStart, j),
        );
        i = j + 1;
        if (i < end) {
          const c = s.charCodeAt(i);
          if (c !== COMMA && c !== SPACE) return this.fail(`invalid field value for ${quote(key)}`);
        }
      } else {
        const valueStart = i;
        while (i < end) {
          const c = s.charCodeAt(i);
          if (c === COMMA || c === SPACE) break;
          i++;
        }
        if (i === valueStart) return this.fail(`missing field value for ${quote(key)}`);
        const value = this.scalar(valueStart, i, key);
        if (value === undefined) return false;
        if (typeof value === 'number') this.setField(key, value, undefined);
        else this.setField(key, 0, value);
      }

      if (i < end && s.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }

    // Optional timestamp, then only blanks.
    i = skipBlanks(s, i, end);
    let timestampMs = NaN;
    if (i < end) {
      const tsStart = i;
      while (i < end) {
        const c = s.charCodeAt(i);
        if (c === SPACE || c === TAB) break;
        i++;
      }
      const ts = this.timestamp(tsStart, i);
      if (ts === undefined) return false;
      timestampMs = ts;
      if (skipBlanks(s, i, end) < end) return this.fail('unexpected text after timestamp');
    }

    out.line = line;
    out.prefix = prefix;
    out.timestampMs = timestampMs;
    return true;
  }

  private findPrefix(start: number, end: number, hash: number): LinePrefix | undefined {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = mix(hash) & mask; slots[i] !== 0; i = (i + 1) & mask) {
      const k = this.known[slots[i]! - 1]!;
      if (k.hash === hash && k.text.length === end - start && this.s.startsWith(k.text, start))
        return k.prefix;
    }
    return undefined;
  }

  private addPrefix(text: string, hash: number, prefix: LinePrefix): void {
    this.known.push({ text, hash, prefix });
    if (this.known.length * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let k = 0; k < this.known.length; k++) this.slot(this.known[k]!.hash, k);
    } else this.slot(hash, this.known.length - 1);
  }

  private slot(hash: number, k: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = mix(hash) & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = k + 1;
  }

  /** Sets a field of `out`: a repeated key keeps its place and takes the new value. */
  private setField(key: string, number: number, other: string | boolean | undefined): void {
    const out = this.out;
    let f = 0;
    while (f < out.fieldCount && out.fieldKeys[f] !== key) f++;
    if (f === out.fieldCount) {
      if (f === out.numbers.length) {
        const grown = new Float64Array(f * 2);
        grown.set(out.numbers);
        out.numbers = grown;
      }
      out.fieldKeys[f] = key;
      out.fieldCount++;
    }
    out.numbers[f] = number;
    out.others[f] = other;
  }

  /** Measurement and tag set of the line starting at `start`; `i` is where they end. */
  private parseHead(
    start: number,
    end: number,
  ): { measurement: string; tags: Record<string, string>; i: number } | false {
    const s = this.s;
    let i = start;
    let escaped = false;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < end && isMeasurementEscapable(s.charCodeAt(i + 1))) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === COMMA || c === SPACE) break;
      i++;
    }
    if (i === start) return this.fail('missing measurement');
    const measurement = escaped ? this.unescape(start, i, isMeasurementEscapable) : s.slice(start, i);

    // Tag set.
    const tags: Record<string, string> = {};
    while (i < end && s.charCodeAt(i) === COMMA) {
      const keyStart = i + 1;
      i = this.scanKey(keyStart, end);
      if (i === keyStart) return this.fail('missing tag key');
      const key = this.key(keyStart, i);
      if (i >= end || s.charCodeAt(i) !== EQUALS) return this.fail(`missing tag value for ${quote(key)}`);
      const valueStart = i + 1;
      i = this.scanKey(valueStart, end);
      if (i === valueStart) return this.fail(`missing tag value for ${quote(key)}`);
      if (i < end && s.charCodeAt(i) === EQUALS) return this.fail(`invalid tag value for ${quote(key)}`);
      setOwn(tags, key, this.key(valueStart, i));
    }
    return { measurement, tags, i };
  }

  /** The error reason set by the last failed `parseLine`. */
  lastReason(): string {
    return this.reason;
  }

  private fail(reason: string): false {
    this.reason = reason;
    return false;
  }

  /** End of a tag key, tag value or field key starting at `i`: first unescaped `,`, `=` or space. */
  private scanKey(i: number, end: number): number {
    const s = this.s;
    this.keyEscaped = false;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < end && isKeyEscapable(s.charCodeAt(i + 1))) {
        this.keyEscaped = true;
        i += 2;
        continue;
      }
      if (c === COMMA || c === EQUALS || c === SPACE) break;
      i++;
    }
    return i;
  }

  /** The tag key, tag value or field key just scanned by `scanKey`, unescaped only when needed. */
  private key(start: number, end: number): string {
    return this.keyEscaped ? this.unescape(start, end, isKeyEscapable) : this.s.slice(start, end);
  }

  /** Copies [start, end) dropping each backslash that precedes an escapable character. */
  private unescape(start: number, end: number, escapable: (c: number) => boolean): string {
    const s = this.s;
    let out = '';
    let chunk = start;
    for (let j = start; j < end - 1; j++) {
      if (s.charCodeAt(j) === BACKSLASH && escapable(s.charCodeAt(j + 1))) {
        out += s.slice(chunk, j);
        chunk = j + 1;
        j++; // the escaped character is copied literally with the next chunk
      }
    }
    return out + s.slice(chunk, end);
  }

  /** A non-string field value [start, end): float, `i` integer, `u` unsigned or boolean. */
  private scalar(start: number, end: number, key: string): number | boolean | undefined {
    const s = this.s;
    const first = s.charCodeAt(start);
    const len = end - start;

    if (first === LOWER_T || first === UPPER_T || first === LOWER_F || first === UPPER_F) {
      if (len === 1) return first === LOWER_T || first === UPPER_T;
      if (
        len === 4 &&
        (s.startsWith('true', start) || s.startsWith('True', start) || s.startsWith('TRUE', start))
      ) {
        return true;
      }
      if (
        len === 5 &&
        (s.startsWith('false', start) || s.startsWith('False', start) || s.startsWith('FALSE', start))
      ) {
        return false;
      }
      return this.invalidValue(key);
    }

    const last = s.charCodeAt(end - 1);
    if (last === LOWER_I || last === LOWER_U) return this.integer(start, end - 1, last === LOWER_U, key);
    return this.float(start, end, key);
  }

  /** Digits [start, end) with an optional leading minus (signed only); range-checked against int64/uint64. */
  private integer(start: number, end: number, unsigned: boolean, key: string): number | undefined {
    const s = this.s;
    let i = start;
    const negative = i < end && s.charCodeAt(i) === MINUS;
    if (negative) {
      if (unsigned) return this.invalidValue(key);
      i++;
    }
    if (i >= end) return this.invalidValue(key);
    let significant = -1; // index of the first non-zero digit
    let value = 0;
    for (let j = i; j < end; j++) {
      const c = s.charCodeAt(j);
      if (c < ZERO || c > NINE) return this.invalidValue(key);
      if (significant < 0 && c !== ZERO) significant = j;
      value = value * 10 + (c - ZERO);
    }
    if (significant < 0) return 0;
    const digits = end - significant;
    if (digits > 15) {
      const limit = unsigned ? UINT64_MAX : negative ? INT64_MIN_ABS : INT64_MAX;
      if (digits > limit.length || (digits === limit.length && s.slice(significant, end) > limit)) {
        return this.outOfRange(key);
      }
      // Beyond 15 digits the running sum may have rounded: let the engine round the literal correctly.
      value = Number(s.slice(significant, end));
    }
    return negative ? -value : value;
  }

  /**
   * A decimal float [start, end): `-`? digits `.`? digits (at least one digit), optional exponent.
   * NaN, Inf and anything else are invalid, as in InfluxDB.
   */
  private float(start: number, end: number, key: string): number | undefined {
    const s = this.s;
    let i = start;
    const negative = s.charCodeAt(i) === MINUS;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let fractionDigits = 0;
    let seenDot = false;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        if (seenDot) fractionDigits++;
      } else if (c === DOT && !seenDot) {
        seenDot = true;
      } else {
        break;
      }
    }
    if (digits === 0) return this.invalidValue(key);
    let exponent = false;
    if (i < end) {
      const c = s.charCodeAt(i);
      if (c !== LOWER_E && c !== UPPER_E) return this.invalidValue(key);
      i++;
      if (i < end && (s.charCodeAt(i) === PLUS || s.charCodeAt(i) === MINUS)) i++;
      if (i >= end) return this.invalidValue(key);
      for (; i < end; i++) {
        const c = s.charCodeAt(i);
        if (c < ZERO || c > NINE) return this.invalidValue(key);
      }
      exponent = true;
    }
    // Fast path: an integer mantissa below 10^15 divided by an exact power of ten is correctly rounded.
    if (!exponent && digits <= 15) {
      const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
      return negative ? -value : value;
    }
    const value = Number(s.slice(start, end));
    if (!Number.isFinite(value)) return this.outOfRange(key);
    return value;
  }

  private outOfRange(key: string): undefined {
    this.reason = `field value out of range for ${quote(key)}`;
    return undefined;
  }

  private invalidValue(key: string): undefined {
    this.reason = `invalid field value for ${quote(key)}`;
    return undefined;
  }

  /**
   * An integer timestamp [start, end) in the parser's precision, as epoch milliseconds (floored). Exact
   * for every representable input: the digits dropped by the precision are never part of a float.
   */
  private timestamp(start: number, end: number): number | undefined {
    const s = this.s;
    let i = start;
    const negative = s.charCodeAt(i) === MINUS;
    if (negative) i++;
    if (i >= end) return this.invalidTimestamp(start, end);
    for (let j = i; j < end; j++) {
      const c = s.charCodeAt(j);
      if (c < ZERO || c > NINE) return this.invalidTimestamp(start, end);
    }
    while (i < end - 1 && s.charCodeAt(i) === ZERO) i++; // leading zeros
    if (end - i > MAX_TIMESTAMP_DIGITS) return this.timestampOutOfRange(start, end);

    const { dropDigits, multiplier } = this.scale;
    const keptEnd = Math.max(i, end - dropDigits);
    let kept = 0; // at most 19 digits; only values far outside the valid range can exceed 2^53
    for (let j = i; j < keptEnd; j++) kept = kept * 10 + (s.charCodeAt(j) - ZERO);
    let droppedNonZero = false;
    for (let j = keptEnd; j < end; j++) {
      if (s.charCodeAt(j) !== ZERO) {
        droppedNonZero = true;
        break;
      }
    }
    let ms = kept * multiplier;
    if (negative) ms = droppedNonZero ? -ms - 1 : ms === 0 ? 0 : -ms;
    if (ms < MIN_MS || ms > MAX_MS) return this.timestampOutOfRange(start, end);
    return ms;
  }

  private invalidTimestamp(start: number, end: number): undefined {
    this.reason = `invalid timestamp ${quote(this.s.slice(start, end))}`;
    return undefined;
  }

  private timestampOutOfRange(start: number, end: number): undefined {
    this.reason = `timestamp out of range ${quote(this.s.slice(start, end))}`;
    return undefined;
  }
}

/** Spreads a string hash's bits over the table index (the low bits of a multiply-add hash cluster). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

function skipBlanks(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  return i;
}

/**
 * Scans a line-protocol body line by line, handing each well-formed line to `visitor.line` (as one reused
 * `ScannedLine`) and each malformed one to `visitor.error`, in body order. Same syntax and numbering as
 * `parseLineProtocol`, without an object per line or field: what the ingest decoder runs.
 *
 * @throws RangeError when `precision` is not a precision (see `normalizePrecision`).
 */
export function scanLineProtocol(body: string, precision: Precision, visitor: LineVisitor): void {
  const parser = new LineParser(body, timeScale(precision));
  const length = body.length;
  let start = length > 0 && body.charCodeAt(0) === BOM ? 1 : 0;
  let line = 0;
  while (start <= length) {
    line++;
    let next = body.indexOf('\n', start);
    if (next < 0) next = length;
    let end = next;
    if (end > start && body.charCodeAt(end - 1) === CR) end--;
    const first = skipBlanks(body, start, end);
    if (first < end && body.charCodeAt(first) !== HASH) {
      if (parser.parseLine(first, end, line)) visitor.line(parser.out);
      else visitor.error(line, parser.lastReason());
    }
    start = next + 1;
  }
}

/**
 * Parses a line-protocol body. Lines are separated by `\n` (a trailing `\r` is dropped); empty lines,
 * blank lines and `#` comments are skipped but still counted, so `line` always refers to the original
 * body. Field values: floats, `i` integers and `u` unsigned integers become numbers, `t`/`true`/`f`/
 * `false` (any of the InfluxDB spellings) booleans, double-quoted values strings. Duplicate tag or
 * field keys: the last one wins. Timestamps are converted from `precision` to epoch milliseconds
 * (floored); a line without one gets `timestampMs: null`.
 *
 * @throws RangeError when `precision` is not a precision (see `normalizePrecision`).
 */
export function parseLineProtocol(body: string, precision: Precision): ParseResult {
  const points: LinePoint[] = [];
  const errors: LineError[] = [];
  scanLineProtocol(body, precision, {
    line(l) {
      const fields: Record<string, number | string | boolean> = {};
      for (let f = 0; f < l.fieldCount; f++) setOwn(fields, l.fieldKeys[f]!, l.others[f] ?? l.numbers[f]!);
      const { measurement, tags } = l.prefix;
      const timestampMs = Number.isNaN(l.timestampMs) ? null : l.timestampMs;
      points.push({ line: l.line, measurement, tags, fields, timestampMs });
    },
    error(line, reason) {
      errors.push({ line, reason });
    },
  });
  return { points, errors };
}
