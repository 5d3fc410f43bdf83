import { isPrecision, normalizePrecision, parseLineProtocol, scanLineProtocol } from './parser';
import type { LinePoint, LinePrefix, ParseResult, Precision } from './parser';

/** Parses a body that must contain exactly one valid line and returns its point. */
function one(line: string, precision: Precision = 'ns'): LinePoint {
  const result = parseLineProtocol(line, precision);
  expect(result.errors).toEqual([]);
  expect(result.points).toHaveLength(1);
  return result.points[0]!;
}

/** Parses a body that must contain exactly one malformed line and returns its reason. */
function reason(line: string, precision: Precision = 'ns'): string {
  const result = parseLineProtocol(line, precision);
  expect(result.points).toEqual([]);
  expect(result.errors).toHaveLength(1);
  expect(result.errors[0]!.line).toBe(1);
  return result.errors[0]!.reason;
}

/** Reference conversion with BigInt: floor(value / divisor) for any sign. */
function floorDiv(value: bigint, divisor: bigint): number {
  const q = value / divisor;
  return Number(value % divisor < 0n ? q - 1n : q);
}

/** Deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('precision helpers', () => {
  it('isPrecision accepts only canonical precisions', () => {
    for (const p of ['ns', 'u', 'ms', 's', 'm', 'h']) expect(isPrecision(p)).toBe(true);
    for (const p of ['n', 'us', 'µs', 'NS', '', 'd', undefined, null, 1, {}])
      expect(isPrecision(p)).toBe(false);
  });

  it('normalizePrecision maps every InfluxDB v1 spelling to its canonical form', () => {
    expect(normalizePrecision('n')).toBe('ns');
    expect(normalizePrecision('ns')).toBe('ns');
    expect(normalizePrecision('u')).toBe('u');
    expect(normalizePrecision('us')).toBe('u');
    expect(normalizePrecision('ms')).toBe('ms');
    expect(normalizePrecision('s')).toBe('s');
    expect(normalizePrecision('m')).toBe('m');
    expect(normalizePrecision('h')).toBe('h');
    for (const p of ['µs', 'NS', 'd', '', 'constructor', '__proto__', undefined, null, 0, ['ns']]) {
      expect(normalizePrecision(p)).toBeNull();
    }
  });

  it('parseLineProtocol rejects an unknown precision as a programming error', () => {
    expect(() => parseLineProtocol('m v=1', 'x' as Precision)).toThrow(RangeError);
  });
});

describe('parseLineProtocol: structure', () => {
  it('parses a Telegraf-style line', () => {
    const result = parseLineProtocol(
      'cpu,host=a,cpu=cpu0 usage_idle=98.5,usage_user=1.2 1700000000000000000\n',
      'ns',
    );
    expect(result).toEqual<ParseResult>({
      points: [
        {
          line: 1,
          measurement: 'cpu',
          tags: { host: 'a', cpu: 'cpu0' },
          fields: { usage_idle: 98.5, usage_user: 1.2 },
          timestampMs: 1700000000000,
        },
      ],
      errors: [],
    });
  });

  it('parses a multi-line Telegraf batch with several plugins', () => {
    const body = [
      'cpu,cpu=cpu-total,host=dc1-r01-n03 usage_guest=0,usage_idle=97.68528717545585,usage_iowait=0.050075112669003,usage_system=0.7511266900350526 1700000010000000000',
      'mem,host=dc1-r01-n03 active=4112318464i,available_percent=71.92,free=1234567u,total=16777216000i 1700000010000000000',
      'system,host=dc1-r01-n03 uptime_format="12 days,  3:04",n_users=2i,load1=0.42 1700000010000000000',
      'net,host=dc1-r01-n03,interface=eth0 err_in=0i,bytes_recv=918273645546i 1700000010000000000',
      '',
    ].join('\n');
    const { points, errors } = parseLineProtocol(body, 'ns');
    expect(errors).toEqual([]);
    expect(points.map((p) => [p.line, p.measurement])).toEqual([
      [1, 'cpu'],
      [2, 'mem'],
      [3, 'system'],
      [4, 'net'],
    ]);
    expect(points[0]!.fields['usage_idle']).toBe(97.68528717545585);
    expect(points[0]!.fields['usage_iowait']).toBe(0.050075112669003);
    expect(points[1]!.fields).toEqual({
      active: 4112318464,
      available_percent: 71.92,
      free: 1234567,
      total: 16777216000,
    });
    expect(points[2]!.fields).toEqual({ uptime_format: '12 days,  3:04', n_users: 2, load1: 0.42 });
    expect(points[3]!.tags).toEqual({ host: 'dc1-r01-n03', interface: 'eth0' });
    for (const p of points) expect(p.timestampMs).toBe(1700000010000);
  });

  it('accepts a line without tags and without timestamp (timestampMs null)', () => {
    expect(one('temperature value=21.5')).toEqual<LinePoint>({
      line: 1,
      measurement: 'temperature',
      tags: {},
      fields: { value: 21.5 },
      timestampMs: null,
    });
  });

  it('tolerates blanks around the field set and after the timestamp', () => {
    expect(one('m,t=1   v=1  ').timestampMs).toBeNull();
    const p = one('  m v=1 \t 1700000000000000000 \t');
    expect(p.measurement).toBe('m');
    expect(p.timestampMs).toBe(1700000000000);
  });

  it('keeps the last value of a duplicate field key (and of a duplicate tag key)', () => {
    const p = one('m,t=a,t=b v=1,w=2,v=3i');
    expect(p.fields).toEqual({ v: 3, w: 2 });
    expect(p.tags).toEqual({ t: 'b' });
  });

  it('stores a __proto__ key as an own property without touching the prototype', () => {
    const p = one('m,__proto__=x __proto__=1,ok=t');
    expect(Object.getPrototypeOf(p.tags)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(p.fields)).toBe(Object.prototype);
    expect(Object.keys(p.tags)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(p.fields, '__proto__')?.value).toBe(1);
    expect(p.fields['ok']).toBe(true);
  });
});

describe('parseLineProtocol: escapes', () => {
  it('unescapes comma and space in the measurement', () => {
    expect(one('disk\\ io\\,x v=1').measurement).toBe('disk io,x');
    expect(one('disk\\ io\\,x,t=1 v=1').measurement).toBe('disk io,x');
  });

  it('keeps "=" and other backslashes literal in the measurement', () => {
    expect(one('a=b v=1').measurement).toBe('a=b');
    expect(one('a\\=b v=1').measurement).toBe('a\\=b');
    expect(one('C:\\temp v=1').measurement).toBe('C:\\temp');
  });

  it('unescapes comma, equals sign and space in tag keys, tag values and field keys', () => {
    const p = one('m,path\\ key=/var\\ log,k\\=ey=v\\,al\\=ue used\\ pct=1,a\\,b=2,c\\=d=3');
    expect(p.tags).toEqual({ 'path key': '/var log', 'k=ey': 'v,al=ue' });
    expect(p.fields).toEqual({ 'used pct': 1, 'a,b': 2, 'c=d': 3 });
  });

  it('keeps a backslash that does not precede an escapable character', () => {
    const p = one('m,dir=C:\\Temp\\new,x=a\\"b f\\x=1');
    expect(p.tags).toEqual({ dir: 'C:\\Temp\\new', x: 'a\\"b' });
    expect(p.fields).toEqual({ 'f\\x': 1 });
  });

  it('accepts unicode in names and values', () => {
    const p = one('温度,机房=北京\\ 一号 值=21.5,说明="正常 ✓"');
    expect(p.measurement).toBe('温度');
    expect(p.tags).toEqual({ 机房: '北京 一号' });
    expect(p.fields).toEqual({ 值: 21.5, 说明: '正常 ✓' });
  });
});

describe('parseLineProtocol: field values', () => {
  it.each<[string, number]>([
    ['1', 1],
    ['1.5', 1.5],
    ['-1.5', -1.5],
    ['-2e3', -2000],
    ['1.', 1],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['1E+2', 100],
    ['2.5e-3', 0.0025],
    ['007.50', 7.5],
    ['0', 0],
    ['123456789012345', 123456789012345],
    ['0.1', 0.1],
    ['98.49246231155779', 98.49246231155779],
    ['1.7976931348623157e308', Number.MAX_VALUE],
    ['5e-324', Number.MIN_VALUE],
  ])('float %s', (raw, expected) => {
    expect(one(`m v=${raw}`).fields['v']).toBe(expected);
  });

  it('parses floats exactly like Number() (randomised against the engine)', () => {
    const next = rng(42);
    const samples: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const x = (next() - 0.5) * 10 ** Math.floor(next() * 30 - 10);
      samples.push(String(x), x.toFixed(Math.floor(next() * 12)), x.toPrecision(1 + Math.floor(next() * 17)));
    }
    const body = samples.map((s) => `m v=${s}`).join('\n');
    const { points, errors } = parseLineProtocol(body, 'ns');
    expect(errors).toEqual([]);
    expect(points.map((p) => p.fields['v'])).toEqual(samples.map((s) => Number(s)));
  });

  it.each<[string, number]>([
    ['12i', 12],
    ['-7i', -7],
    ['0i', 0],
    ['-0i', 0],
    ['0012i', 12],
    ['9223372036854775807i', 9223372036854775807],
    ['-9223372036854775808i', -9223372036854775808],
    ['12u', 12],
    ['0u', 0],
    ['18446744073709551615u', 18446744073709551615],
  ])('integer %s', (raw, expected) => {
    expect(one(`m v=${raw}`).fields['v']).toBe(expected);
  });

  it('returns +0 for a negative integer zero', () => {
    expect(Object.is(one('m v=-0i').fields['v'], 0)).toBe(true);
  });

  it.each([
    '9223372036854775808i',
    '-9223372036854775809i',
    '18446744073709551616u',
    '99999999999999999999i',
  ])('integer %s is out of range', (raw) => {
    expect(reason(`m v=${raw}`)).toBe('field value out of range for "v"');
  });

  it.each<[string, boolean]>([
    ['t', true],
    ['T', true],
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['f', false],
    ['F', false],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('boolean %s', (raw, expected) => {
    expect(one(`m v=${raw}`).fields['v']).toBe(expected);
  });

  it.each([
    'NaN',
    'nan',
    'Inf',
    '-Inf',
    '+Inf',
    'inf',
    'Infinity',
    'abc',
    'tru',
    'tRUE',
    'falsey',
    'yes',
    '1x',
    '1.2.3',
    '1e',
    '1e+',
    '1e5.5',
    '--1',
    '+1',
    '-',
    '.',
    '1,5i',
    '1.5i',
    '1e3i',
    'i',
    'u',
    '-1u',
    '-i',
    '12I',
    '0x10',
    "'quoted'",
    '1\t2',
  ])('invalid field value %s', (raw) => {
    const line = `m v=${raw}`;
    const expected = raw === '1,5i' ? 'missing field value for "5i"' : 'invalid field value for "v"';
    expect(reason(line)).toBe(expected);
  });

  it('rejects a float that overflows to Infinity', () => {
    expect(reason('m v=1e999')).toBe('field value out of range for "v"');
  });

  it('parses quoted strings with commas, spaces, equals signs and escapes', () => {
    const p = one(
      'm s="hello, world = yes",q="say \\"hi\\"",b="back\\\\slash",e="",o="a\\nb\\\\",n=1i 1700000000000000000',
    );
    expect(p.fields).toEqual({
      s: 'hello, world = yes',
      q: 'say "hi"',
      b: 'back\\slash',
      e: '',
      o: 'a\\nb\\',
      n: 1,
    });
    expect(p.timestampMs).toBe(1700000000000);
  });

  it('a string may contain what looks like a timestamp or a comment', () => {
    expect(one('m s=" 123 # x"').fields).toEqual({ s: ' 123 # x' });
  });

  it('rejects text glued to the closing quote', () => {
    expect(reason('m s="x"y')).toBe('invalid field value for "s"');
  });

  it('reports an unterminated string, and a newline ends it', () => {
    expect(reason('m s="abc')).toBe('unterminated string field value');
    expect(reason('m s="abc\\"')).toBe('unterminated string field value');
    const { points, errors } = parseLineProtocol('m s="abc\ndef" 1\nm v=1', 'ns');
    expect(errors).toEqual([
      { line: 1, reason: 'unterminated string field value' },
      { line: 2, reason: 'missing field value for "1"' }, // measurement 'def"', then '1' has no '='
    ]);
    expect(points).toHaveLength(1);
    expect(points[0]!.line).toBe(3);
  });
});

describe('parseLineProtocol: timestamps', () => {
  it('converts a 19-digit nanosecond timestamp exactly', () => {
    expect(one('m v=1 1700000000123456789', 'ns').timestampMs).toBe(1700000000123);
    expect(one('m v=1 9223372036854775806', 'ns').timestampMs).toBe(9223372036854);
  });

  it.each<[Precision, string, number]>([
    ['ns', '1700000000123456789', 1700000000123],
    ['u', '1700000000123456', 1700000000123],
    ['ms', '1700000000123', 1700000000123],
    ['s', '1700000000', 1700000000000],
    ['m', '28333333', 1699999980000],
    ['h', '472222', 1699999200000],
  ])('precision %s: %s', (precision, raw, expected) => {
    expect(one(`m v=1 ${raw}`, precision).timestampMs).toBe(expected);
  });

  it('accepts aliases once normalized', () => {
    expect(one('m v=1 1700000000123456789', normalizePrecision('n')!).timestampMs).toBe(1700000000123);
    expect(one('m v=1 1700000000123456', normalizePrecision('us')!).timestampMs).toBe(1700000000123);
  });

  it('floors negative and sub-millisecond timestamps', () => {
    expect(one('m v=1 -1', 'ns').timestampMs).toBe(-1);
    expect(one('m v=1 -1000000', 'ns').timestampMs).toBe(-1);
    expect(one('m v=1 -1000001', 'ns').timestampMs).toBe(-2);
    expect(one('m v=1 999999', 'ns').timestampMs).toBe(0);
    expect(one('m v=1 1999', 'u').timestampMs).toBe(1);
    expect(one('m v=1 -1999', 'u').timestampMs).toBe(-2);
    expect(one('m v=1 -5', 's').timestampMs).toBe(-5000);
    expect(one('m v=1 -0', 'ns').timestampMs).toBe(0);
    expect(one('m v=1 0000000000000000000', 'ns').timestampMs).toBe(0);
    expect(one('m v=1 -9223372036854775806', 'ns').timestampMs).toBe(-9223372036855);
  });

  it('matches a BigInt reference for random ns and us timestamps', () => {
    const next = rng(7);
    const cases: [string, Precision, number][] = [];
    for (let k = 0; k < 3000; k++) {
      const digits = 1 + Math.floor(next() * 19);
      let raw = String(1 + Math.floor(next() * 9));
      while (raw.length < digits) raw += String(Math.floor(next() * 10));
      if (raw.length === 19 && raw > '9223372036854775806') raw = `1${raw.slice(1)}`;
      if (next() < 0.3) raw = `-${raw}`;
      const precision: Precision = next() < 0.5 ? 'ns' : 'u';
      const divisor = precision === 'ns' ? 1_000_000n : 1_000n;
      const expected = floorDiv(BigInt(raw), divisor);
      if (Math.abs(expected) > 9223372036854) continue;
      cases.push([raw, precision, expected]);
    }
    for (const precision of ['ns', 'u'] as const) {
      const subset = cases.filter((c) => c[1] === precision);
      const { points, errors } = parseLineProtocol(subset.map((c) => `m v=1 ${c[0]}`).join('\n'), precision);
      expect(errors).toEqual([]);
      expect(points.map((p) => p.timestampMs)).toEqual(subset.map((c) => c[2]));
    }
  });

  it.each(['abc', '1.5', '+5', '-', '1e9', '0x10', '12a', '1_000', '--1'])('invalid timestamp %s', (raw) => {
    expect(reason(`m v=1 ${raw}`)).toBe(`invalid timestamp ${JSON.stringify(raw)}`);
  });

  it('quotes a long invalid timestamp shortened', () => {
    const r = reason(`m v=1 ${'x'.repeat(200)}`);
    expect(r).toBe(`invalid timestamp "${'x'.repeat(64)}…"`);
  });

  it.each<[Precision, string]>([
    ['ns', '10000000000000000000'],
    ['ns', '-10000000000000000000'],
    ['u', '9223372036854776000'],
    ['ms', '9223372036855'],
    ['ms', '-9223372036856'],
    ['s', '9223372037'],
    ['h', '9999999999'],
  ])('timestamp out of range (%s %s)', (precision, raw) => {
    expect(reason(`m v=1 ${raw}`, precision)).toBe(`timestamp out of range "${raw}"`);
  });

  it('rejects trailing text after the timestamp', () => {
    expect(reason('m v=1 1700000000000000000 extra')).toBe('unexpected text after timestamp');
    expect(reason('m v=1 1 2')).toBe('unexpected text after timestamp');
  });
});

describe('parseLineProtocol: lines, comments and errors', () => {
  it('skips empty, blank and comment lines but keeps the original line numbers', () => {
    const body = ['# Telegraf batch', '', 'a v=1', '   ', '\t# indented comment', 'b v=2', '#c v=3', ''].join(
      '\n',
    );
    const { points, errors } = parseLineProtocol(body, 'ns');
    expect(errors).toEqual([]);
    expect(points.map((p) => [p.line, p.measurement])).toEqual([
      [3, 'a'],
      [6, 'b'],
    ]);
  });

  it('returns nothing for an empty body', () => {
    expect(parseLineProtocol('', 'ns')).toEqual({ points: [], errors: [] });
    expect(parseLineProtocol('\n\r\n\n', 'ns')).toEqual({ points: [], errors: [] });
  });

  it('tolerates CRLF line endings', () => {
    const body = 'cpu,host=a v=1 1700000000000000000\r\n\r\n# c\r\nmem,host=b s="x" 1700000001000000000\r\n';
    const { points, errors } = parseLineProtocol(body, 'ns');
    expect(errors).toEqual([]);
    expect(points).toEqual<LinePoint[]>([
      { line: 1, measurement: 'cpu', tags: { host: 'a' }, fields: { v: 1 }, timestampMs: 1700000000000 },
      { line: 4, measurement: 'mem', tags: { host: 'b' }, fields: { s: 'x' }, timestampMs: 1700000001000 },
    ]);
    expect(one('m v=1\r\n').timestampMs).toBeNull();
    expect(one('m v=true\r').fields).toEqual({ v: true });
  });

  it('skips a leading byte-order mark', () => {
    expect(one('\ufeffm v=1').measurement).toBe('m');
  });

  it.each<[string, string]>([
    ['m', 'missing fields'],
    ['m   ', 'missing fields'],
    ['m,host=a', 'missing fields'],
    ['m,host=a ', 'missing fields'],
    [',host=a v=1', 'missing measurement'],
    [' ,host=a v=1', 'missing measurement'],
    ['m,=a v=1', 'missing tag key'],
    ['m, v=1', 'missing tag key'],
    ['m,host v=1', 'missing tag value for "host"'],
    ['m,host= v=1', 'missing tag value for "host"'],
    ['m,host=,dc=x v=1', 'missing tag value for "host"'],
    ['m,host=a=b v=1', 'invalid tag value for "host"'],
    ['m v=1,', 'missing field key'],
    ['m =1', 'missing field key'],
    ['m v=1,,w=2', 'missing field key'],
    ['m v=1, w=2', 'missing field key'],
    ['m v', 'missing field value for "v"'],
    ['m v=', 'missing field value for "v"'],
    ['m v= 1', 'missing field value for "v"'],
    ['m v=,w=1', 'missing field value for "v"'],
    ['m v=1 2 3', 'unexpected text after timestamp'],
  ])('malformed line %j', (line, expected) => {
    expect(reason(line)).toBe(expected);
  });

  it('reports each malformed line with its line number and still parses the valid ones', () => {
    const body = [
      'cpu,host=a usage=1 1700000000000000000', // 1 ok
      'cpu,host=a', // 2 no fields
      'cpu,host=a usage=abc 1700000000000000000', // 3 bad value
      'cpu,host=a usage=2 17000000000000000x0', // 4 bad timestamp
      '# comment', // 5
      'cpu,host=a note="never closed', // 6 unterminated quote
      'cpu,host=a usage=3 1700000000000000000 trailing', // 7 trailing garbage
      ',host=a usage=4', // 8 empty measurement
      'cpu,host=b usage=NaN', // 9 NaN
      '', // 10
      'cpu,host=b usage=5i 1700000002000000000', // 11 ok
    ].join('\r\n');
    const { points, errors } = parseLineProtocol(body, 'ns');
    expect(errors).toEqual([
      { line: 2, reason: 'missing fields' },
      { line: 3, reason: 'invalid field value for "usage"' },
      { line: 4, reason: 'invalid timestamp "17000000000000000x0"' },
      { line: 6, reason: 'unterminated string field value' },
      { line: 7, reason: 'unexpected text after timestamp' },
      { line: 8, reason: 'missing measurement' },
      { line: 9, reason: 'invalid field value for "usage"' },
    ]);
    expect(points).toEqual<LinePoint[]>([
      { line: 1, measurement: 'cpu', tags: { host: 'a' }, fields: { usage: 1 }, timestampMs: 1700000000000 },
      { line: 11, measurement: 'cpu', tags: { host: 'b' }, fields: { usage: 5 }, timestampMs: 1700000002000 },
    ]);
  });

  it('parses a 5,000-line batch', () => {
    const lines: string[] = [];
    for (let k = 0; k < 5000; k++) {
      lines.push(
        `cpu,host=node${k % 50},cpu=cpu${k % 8} usage_idle=${(k % 1000) / 10},usage_user=1.2,up=t,n=${k}i ${1700000000000000000n + BigInt(k) * 1_000_000n}`,
      );
    }
    const { points, errors } = parseLineProtocol(`${lines.join('\n')}\n`, 'ns');
    expect(errors).toEqual([]);
    expect(points).toHaveLength(5000);
    expect(points[4999]).toEqual<LinePoint>({
      line: 5000,
      measurement: 'cpu',
      tags: { host: 'node49', cpu: 'cpu7' },
      fields: { usage_idle: 99.9, usage_user: 1.2, up: true, n: 4999 },
      timestampMs: 1700000004999,
    });
  });
});

describe('scanLineProtocol', () => {
  it('hands over each line in one reused view, with one prefix object and id per distinct prefix', () => {
    const seen: { line: number; prefix: LinePrefix; fields: [string, unknown][]; ts: number }[] = [];
    const errors: [number, string][] = [];
    let view: unknown;
    scanLineProtocol('m,t=a v=1,s="x",b=t,v=2 5\nm,t=b v=3\nbad\nm,t=a w=4i 6', 'ms', {
      line(l) {
        view ??= l;
        expect(l).toBe(view);
        const fields: [string, unknown][] = [];
        for (let f = 0; f < l.fieldCount; f++) fields.push([l.fieldKeys[f]!, l.others[f] ?? l.numbers[f]]);
        seen.push({ line: l.line, prefix: l.prefix, fields, ts: l.timestampMs });
      },
      error(line, reason) {
        errors.push([line, reason]);
      },
    });
    expect(seen.map((l) => [l.line, l.prefix.id, l.prefix.tags, l.fields, l.ts])).toEqual([
      // A repeated field keeps its first place and takes its last value.
      [
        1,
        0,
        { t: 'a' },
        [
          ['v', 2],
          ['s', 'x'],
          ['b', true],
        ],
        5,
      ],
      [2, 1, { t: 'b' }, [['v', 3]], NaN],
      [4, 0, { t: 'a' }, [['w', 4]], 6],
    ]);
    expect(seen[2]!.prefix).toBe(seen[0]!.prefix);
    expect(errors).toEqual([[3, 'missing fields']]);
  });

  it('tells thousands of prefixes apart, escaped ones included, and keeps each one its id', () => {
    const prefixes = Array.from({ length: 3000 }, (_, i) => `rack,dc=A,rack=R${i}`);
    prefixes.push('rack,dc=A\\ B', 'rack,dc=A\\,B', 'rack,dc=A\\=B', 'rack\\ x,dc=A');
    const body = [...prefixes, ...prefixes].map((p, i) => `${p} v=${i}`).join('\n');
    const ids: number[] = [];
    const tags: Record<string, string>[] = [];
    scanLineProtocol(body, 'ms', {
      line(l) {
        ids.push(l.prefix.id);
        tags.push(l.prefix.tags);
      },
      error(line, reason) {
        throw new Error(`line ${line}: ${reason}`);
      },
    });
    const n = prefixes.length;
    expect(ids).toEqual([
      ...Array.from({ length: n }, (_, i) => i),
      ...Array.from({ length: n }, (_, i) => i),
    ]);
    expect(tags.slice(n - 4, n)).toEqual([{ dc: 'A B' }, { dc: 'A,B' }, { dc: 'A=B' }, { dc: 'A' }]);
    for (let i = 0; i < n; i++) expect(tags[n + i]).toBe(tags[i]);
  });
});
