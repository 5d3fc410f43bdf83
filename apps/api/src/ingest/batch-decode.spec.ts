import { createHash } from 'node:crypto';
import { canonicalSampleLine, isCatalogMetric } from '@dcfleet/contracts';
import { parseLineProtocol } from '@dcfleet/line-protocol';
import { decodeEntries, decodeJsonBody, decodeLineBody, seriesOf, type DecodeLimits } from './batch-decode';

const NOW = Date.UTC(2026, 10, 29, 12);
const limits: DecodeLimits = { now: NOW, maxAgeMs: 30 * 86_400_000, maxSamples: 5 };

describe('decodeEntries', () => {
  it('groups series, keeps the last sample of a (series, ts) and hashes the kept samples in order', () => {
    const out = decodeEntries(
      [
        { metric: 'it_power_kw', ts: NOW - 2000, value: 800 },
        { metric: 'inlet_temp_c', ts: NOW - 2000, value: 24, labels: { zone: 'B', row: '1' } },
        { metric: 'it_power_kw', ts: NOW - 2000, value: 805 },
        { metric: 'it_power_kw', ts: NOW - 1000, value: 'x' },
      ],
      limits,
    );
    if (!('batch' in out)) throw new Error('refused');
    const b = out.batch;
    expect(b.seriesKeys).toEqual(['it_power_kw', 'inlet_temp_c{"row":"1","zone":"B"}']);
    expect(seriesOf(b, 1)).toEqual({
      metric: 'inlet_temp_c',
      labelKey: '{"row":"1","zone":"B"}',
      kind: 'gauge',
    });
    expect(seriesOf(b, 0)).toEqual({ metric: 'it_power_kw', labelKey: '', kind: 'gauge' });
    expect([...b.seriesIndex]).toEqual([1, 0]);
    expect([...b.values]).toEqual([24, 805]);
    expect(b.accepted).toBe(3);
    expect(b.rejected.map((r) => r.index)).toEqual([3]);
    expect([b.minTs, b.maxTs]).toEqual([NOW - 2000, NOW - 2000]);
    const lines =
      canonicalSampleLine('inlet_temp_c', '{"row":"1","zone":"B"}', NOW - 2000, 24) +
      canonicalSampleLine('it_power_kw', '', NOW - 2000, 805);
    expect(b.contentHash).toBe(createHash('sha256').update(lines).digest('hex'));
  });

  it('keeps every sample of series sent over several ticks, in or out of time order, and drops only repeats', () => {
    const tick = (t: number, v: number, metric = 'it_power_kw') => ({ metric, ts: NOW - t, value: v });
    const kept = (entries: ReturnType<typeof tick>[]) => {
      const out = decodeEntries(entries, limits);
      if (!('batch' in out)) throw new Error('refused');
      return [...out.batch.values];
    };
    // In time order per series (the common multi-tick batch): nothing is a repeat.
    expect(
      kept([tick(3000, 1), tick(3000, 10, 'x_a'), tick(2000, 2), tick(2000, 20, 'x_a'), tick(1000, 3)]),
    ).toEqual([1, 10, 2, 20, 3]);
    // Out of order but no repeat: still everything.
    expect(kept([tick(1000, 3), tick(3000, 1), tick(2000, 2)])).toEqual([3, 1, 2]);
    // Out of order with a repeat: the later sample of that (series, ts) wins, in its place.
    expect(kept([tick(1000, 3), tick(3000, 1), tick(1000, 4), tick(2000, 2)])).toEqual([1, 4, 2]);
  });

  it('hashes a batch larger than one hashing slice exactly like the whole text at once', () => {
    const entries = Array.from({ length: 3000 }, (_, i) => ({
      metric: 'inlet_temp_c',
      labels: { zone: `Zone-${i}` },
      ts: NOW - 1000,
      value: 20 + i / 1000,
    }));
    const out = decodeEntries(entries, { ...limits, maxSamples: 5000 });
    if (!('batch' in out)) throw new Error('refused');
    const text = entries
      .map((e) => canonicalSampleLine(e.metric, `{"zone":"${e.labels.zone}"}`, e.ts, e.value))
      .join('');
    expect(text.length).toBeGreaterThan(65_536);
    expect(out.batch.contentHash).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('hashes non-ASCII label values and every spelling of a number exactly like canonicalSampleLine', () => {
    const values = [0, -0, 1e-7, 0.1 + 0.2, -273.15, 1e21, 123456789012345680000, 5e-324, 42];
    const entries = values.map((value, i) => ({
      metric: 'x_reading',
      labels: { site: i % 2 ? '贵州-数据中心' : 'zone é 🌡' },
      ts: NOW - 1000 * (i + 1),
      value,
    }));
    const out = decodeEntries(entries, { ...limits, maxSamples: 100 });
    if (!('batch' in out)) throw new Error('refused');
    const text = entries
      .map((e) => canonicalSampleLine(e.metric, JSON.stringify(e.labels), e.ts, e.value))
      .join('');
    expect(out.batch.contentHash).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('refuses with 413 past maxSamples (entries or expanded values) and 400 with reasons when nothing is valid', () => {
    const one = { metric: 'it_power_kw', ts: NOW, value: 1 };
    expect(decodeEntries(Array(6).fill(one), limits)).toEqual({
      refusal: { status: 413, message: expect.stringMatching(/INGEST_MAX_SAMPLES \(5\)/) as string },
    });
    const wide = { ts: NOW, values: { it_power_kw: 1, facility_power_kw: 2, ups_load_pct: 3 } };
    expect(decodeEntries([wide, wide], limits)).toMatchObject({ refusal: { status: 413 } });
    expect(decodeEntries([{ metric: 'nope', ts: NOW, value: 1 }], limits)).toMatchObject({
      refusal: { status: 400, message: 'no valid sample in the batch', rejected: [{ index: 0 }] },
    });
  });
});

describe('decodeJsonBody', () => {
  it('reports malformed bodies, and passes the site claim along with the decoded samples', () => {
    expect(decodeJsonBody('{"samples": [', limits)).toEqual({
      malformed: expect.stringMatching(/^body is not valid JSON/) as string,
    });
    expect(decodeJsonBody('{"samples": {}}', limits)).toEqual({
      malformed: 'body must be an object with a "samples" array',
    });
    expect(decodeJsonBody('null', limits)).toHaveProperty('malformed');
    const ok = decodeJsonBody(
      JSON.stringify({ datacenter: 'GZ-A-01', samples: [{ metric: 'it_power_kw', ts: NOW, value: 1 }] }),
      limits,
    );
    expect(ok).toMatchObject({ datacenter: 'GZ-A-01', decoded: { batch: { accepted: 1 } } });
  });
});

describe('decodeLineBody', () => {
  it('names series after catalog fields or measurement_field, stamps timeless points now, and lists dropped lines in order', () => {
    const body = [
      `dc,room=r1 it_power_kw=800,note="hi" ${NOW - 1000}`,
      'this line is broken',
      `x_cpu usage_idle=97.5 ${NOW - 1000}`,
      `dc facility_power_kw=-5 ${NOW - 1000}`,
      'dc ups_load_pct=40',
    ].join('\n');
    const out = decodeLineBody(body, 'ms', limits);
    if (!('decoded' in out) || !('batch' in out.decoded)) throw new Error('refused');
    const b = out.decoded.batch;
    expect(b.seriesKeys).toEqual(['it_power_kw{"room":"r1"}', 'x_cpu_usage_idle', 'ups_load_pct']);
    expect([...b.ts]).toEqual([NOW - 1000, NOW - 1000, NOW]);
    expect(b.accepted).toBe(3);
    expect(out.problems).toEqual([
      expect.stringMatching(/^line 2: /) as string,
      'line 1: field "note" is not numeric',
      expect.stringMatching(/^line 4: value -5 of facility_power_kw outside the plausible range/) as string,
    ]);
  });

  it('says why nothing was usable: no points, only bad lines, or only refused samples', () => {
    expect(decodeLineBody('', 'ms', limits)).toEqual({ empty: 'no points in body' });
    expect(decodeLineBody('garbage', 'ms', limits)).toEqual({
      empty: expect.stringMatching(/^line 1: /) as string,
    });
    expect(decodeLineBody(`dc ups_load_pct=400 ${NOW}\ndc x="s" ${NOW}`, 'ms', limits)).toEqual({
      problems: [
        'line 2: field "x" is not numeric',
        expect.stringMatching(/^line 1: value 400 of ups_load_pct/),
      ],
      decoded: { refusal: expect.objectContaining({ status: 400 }) as unknown },
    });
  });
});

/**
 * The pre-columnar line-protocol decoder (one entry object per numeric field through decodeEntries): the oracle the
 * columnar decodeLineBody must agree with, answer for answer.
 */
function viaEntries(text: string, limits: DecodeLimits): ReturnType<typeof decodeLineBody> {
  const parsed = parseLineProtocol(text, 'ms');
  const entries: { metric: string; value: number; ts: number; labels: Record<string, string> }[] = [];
  const lineOf: number[] = [];
  const problems = parsed.errors.map((e) => `line ${e.line}: ${e.reason}`);
  for (const p of parsed.points) {
    for (const field in p.fields) {
      const value = p.fields[field];
      if (typeof value !== 'number') {
        problems.push(`line ${p.line}: field "${field}" is not numeric`);
        continue;
      }
      const metric = isCatalogMetric(field) ? field : `${p.measurement}_${field}`;
      entries.push({ metric, value, ts: p.timestampMs ?? limits.now, labels: p.tags });
      lineOf.push(p.line);
    }
  }
  if (entries.length === 0)
    return { empty: problems.length ? problems.slice(0, 20).join('; ') : 'no points in body' };
  const decoded = decodeEntries(entries, limits);
  const rejected = 'batch' in decoded ? decoded.batch.rejected : (decoded.refusal.rejected ?? []);
  for (const r of rejected) problems.push(`line ${lineOf[r.index]}: ${r.reason}`);
  return { problems, decoded };
}

describe('decodeLineBody against the entry-by-entry decoder', () => {
  it('gives the same batch, rejections, problems and hash on 300 random bodies', () => {
    let x = 12345;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    const pick = <T>(list: readonly T[]): T => list[rand(list.length)]!;
    const prefixes = [
      'rack,dc=A,rack=R1',
      'rack,rack=R2,dc=A',
      'rack,dc=B',
      'pdu,dc=A',
      'dc',
      'rack,Bad=1',
      `rack,v=${'x'.repeat(70)}`,
    ];
    const fields = [
      'inlet_temp_c=24.5',
      'relative_humidity_pct=45',
      'it_power_kw=-5',
      'usage=3',
      'note="hi"',
      'x_y=1i',
      'inlet_temp_c=99999',
      'it_power_kw=800',
    ];
    const stamps = [
      ` ${NOW - 1000}`,
      ` ${NOW - 2000}`,
      '',
      ` ${NOW + 3_600_000}`,
      ` ${NOW - 90 * 86_400_000}`,
    ];
    for (let round = 0; round < 300; round++) {
      const lines: string[] = [];
      for (let i = 0, count = 1 + rand(12); i < count; i++) {
        if (rand(15) === 0) lines.push('broken line');
        else
          lines.push(
            `${pick(prefixes)} ${Array.from({ length: 1 + rand(3) }, () => pick(fields)).join(',')}${pick(stamps)}`,
          );
      }
      const body = lines.join('\n');
      const l = { ...limits, maxSamples: rand(4) === 0 ? 3 : 1000 };
      expect(decodeLineBody(body, 'ms', l)).toEqual(viaEntries(body, l));
    }
  });
});
