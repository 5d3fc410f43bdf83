import type { UMetric } from 'sparkplug-payload/lib/sparkplugbpayload';
import { SparkplugAliases } from './sparkplug-aliases';
import { decodeSparkplug, encodeSparkplug, exactInteger, float32Value } from './sparkplug-codec';
import { targetOf, type SparkplugRule } from './sparkplug-mapping';
import { parseSparkplugTopic } from './sparkplug-topic';

const T0 = 1_796_000_000_000;

function roundTrip(metrics: Partial<UMetric>[], timestamp: number | null = T0) {
  const out = decodeSparkplug(
    encodeSparkplug({ timestamp: timestamp ?? undefined, metrics: metrics as UMetric[] }),
  );
  if ('problem' in out) throw new Error(out.problem);
  return out.message;
}

describe('Sparkplug payload decoding', () => {
  it('turns every numeric type into the number it stands for (64-bit Longs, unsigned 32-bit, float32) and booleans into 0/1', () => {
    const m = roundTrip([
      { name: 'i8', type: 'Int8', value: -3 },
      { name: 'i32', type: 'Int32', value: -2_000_000_000 },
      { name: 'u16', type: 'UInt16', value: 65_535 },
      { name: 'u32', type: 'UInt32', value: 3_000_000_000 },
      { name: 'i64', type: 'Int64', value: -5 },
      { name: 'i64big', type: 'Int64', value: 2 ** 52 + 1 },
      { name: 'u64', type: 'UInt64', value: 9_007_199_254_740_991 },
      { name: 'f', type: 'Float', value: 21.3 },
      { name: 'd', type: 'Double', value: 0.1 + 0.2 },
      { name: 'on', type: 'Boolean', value: true },
      { name: 'off', type: 'Boolean', value: false },
    ]);
    expect(m.timestamp).toBe(T0);
    expect(m.metrics.map((x) => [x.name, x.reading])).toEqual([
      ['i8', { value: -3 }],
      ['i32', { value: -2_000_000_000 }],
      ['u16', { value: 65_535 }],
      ['u32', { value: 3_000_000_000 }],
      ['i64', { value: -5 }],
      ['i64big', { value: 2 ** 52 + 1 }],
      ['u64', { value: 9_007_199_254_740_991 }],
      ['f', { value: 21.3 }],
      ['d', { value: 0.1 + 0.2 }],
      ['on', { value: 1 }],
      ['off', { value: 0 }],
    ]);
  });

  it('says why a metric is no sample: strings, nulls, dates, 64-bit integers a double cannot hold', () => {
    const m = roundTrip([
      { name: 's', type: 'String', value: 'running' },
      { name: 'n', type: 'Double', value: null },
      { name: 'at', type: 'DateTime', value: T0 },
      { name: 'huge', type: 'UInt64', value: 2 ** 60 },
      { name: 'inf', type: 'Double', value: Infinity },
    ]);
    expect(m.metrics.map((x) => x.reading)).toEqual([
      { problem: 'String value is not a number (strings are not stored)' },
      { problem: 'null value' },
      { problem: 'DateTime value is not a number (not stored)' },
      { problem: 'UInt64 value beyond ±2^53 cannot be stored exactly' },
      { problem: 'value of Double must be a finite number' },
    ]);
  });

  it('keeps metric timestamps and aliases, and leaves a missing timestamp null', () => {
    const m = roundTrip(
      [
        { name: 'a', alias: 7, type: 'Double', value: 1, timestamp: T0 - 1000 },
        { alias: 7, type: 'Double', value: 2 },
      ],
      null,
    );
    expect(m.timestamp).toBeNull();
    expect(m.metrics).toEqual([
      { name: 'a', alias: '7', timestamp: T0 - 1000, reading: { value: 1 } },
      { name: null, alias: '7', timestamp: null, reading: { value: 2 } },
    ]);
  });

  it('refuses bytes that are not a Sparkplug protobuf, with the decoder’s reason', () => {
    const out = decodeSparkplug(Buffer.from('{"samples":[]} is JSON, not protobuf'));
    expect(out).toEqual({ problem: expect.stringMatching(/^payload is not a Sparkplug B protobuf: /) });
  });

  it('reads a Long by the metric type’s sign, whatever its own flag says (the library’s fix-up can miss)', () => {
    const minusFive = { low: -5, high: -1, unsigned: true, __isLong__: true };
    expect(exactInteger(minusFive, true)).toBe(-5);
    expect(exactInteger(minusFive, false)).toBeUndefined(); // 2^64 - 5
    expect(exactInteger({ low: 1, high: 1, unsigned: false, __isLong__: true }, false)).toBe(2 ** 32 + 1);
    expect(exactInteger({ low: 0, high: 0x200000, unsigned: true, __isLong__: true }, false)).toBeUndefined(); // 2^53
    expect(exactInteger('12', false)).toBeUndefined();
    expect(float32Value(Math.fround(0.1))).toBe(0.1);
    expect(float32Value(Math.fround(1234.5677))).toBe(1234.5677);
  });
});

describe('Sparkplug topics', () => {
  it('reads node and device topics and says what is wrong with others', () => {
    expect(parseSparkplugTopic('spBv1.0/Plant 1/NDATA/gw-7')).toEqual({
      group: 'Plant 1',
      type: 'NDATA',
      edge: 'gw-7',
      device: null,
    });
    expect(parseSparkplugTopic('spBv1.0/g/DDATA/e/meter-2')).toEqual({
      group: 'g',
      type: 'DDATA',
      edge: 'e',
      device: 'meter-2',
    });
    expect(parseSparkplugTopic('spBv1.0/STATE/scada-1')).toEqual({ state: true });
    expect(parseSparkplugTopic('spBv1.0/g/DDATA/e')).toEqual({
      problem: 'DDATA topic must be spBv1.0/<group>/DDATA/<edge>/<device>',
    });
    expect(parseSparkplugTopic('spBv1.0/g/NDATA/e/d')).toEqual({
      problem: 'NDATA topic must be spBv1.0/<group>/NDATA/<edge>',
    });
    expect(parseSparkplugTopic('spBv1.0/g/NFOO/e')).toEqual({
      problem: 'unknown Sparkplug message type "NFOO"',
    });
    expect(parseSparkplugTopic('spBv1.0//NDATA/e')).toEqual({ problem: 'invalid group id in topic' });
    expect(parseSparkplugTopic('dcfleet/v1/telemetry')).toEqual({
      problem: 'topic does not start with spBv1.0/',
    });
  });
});

describe('Sparkplug aliases', () => {
  it('resolves aliases from the last birth, says when none was seen, and starts devices afresh on a node birth', () => {
    const a = new SparkplugAliases();
    expect(a.resolve('g', 'e', null, '1')).toEqual({ missing: 'unborn' });
    a.birth('g', 'e', null, [
      { name: 'Supply kW', alias: '1' },
      { name: 'no alias', alias: null },
    ]);
    a.birth('g', 'e', 'd1', [{ name: 'Inlet', alias: '1' }]);
    expect(a.resolve('g', 'e', null, '1')).toEqual({ name: 'Supply kW' });
    expect(a.resolve('g', 'e', 'd1', '1')).toEqual({ name: 'Inlet' });
    expect(a.resolve('g', 'e', null, '2')).toEqual({ missing: 'unknown' });
    expect(a.resolve('g', 'e2', null, '1')).toEqual({ missing: 'unborn' });
    a.birth('g', 'e', null, [{ name: 'Supply kW', alias: '5' }]);
    expect(a.resolve('g', 'e', null, '1')).toEqual({ missing: 'unknown' });
    expect(a.resolve('g', 'e', 'd1', '1')).toEqual({ missing: 'unborn' });
  });
});

describe('Sparkplug metric mapping', () => {
  const rule = (device: string | null): SparkplugRule => ({
    id: 1,
    group: 'g',
    edge: 'e',
    device,
    siteId: 1,
    metrics: {
      'Power/Total': { metric: 'facility_power_kw' },
      'Inlet A1': { metric: 'inlet_temp_c', labels: { zone: 'A1' } },
      'Inlet mine': { metric: 'inlet_temp_c', labels: { device: 'mine' } },
    },
  });

  it('maps listed names, makes x_ metrics of the rest, and keeps Sparkplug’s control metrics out', () => {
    expect(targetOf(rule(null), 'Power/Total', null)).toEqual({ metric: 'facility_power_kw', labels: {} });
    expect(targetOf(rule(null), 'Inlet A1', null)).toEqual({
      metric: 'inlet_temp_c',
      labels: { zone: 'A1' },
    });
    expect(targetOf(rule(null), 'Pump 3/Speed', null)).toEqual({ metric: 'x_pump_3_speed', labels: {} });
    expect(targetOf(rule(null), 'bdSeq', null)).toEqual({ problem: expect.stringMatching(/control metric/) });
    expect(targetOf(rule(null), 'Node Control/Rebirth', null)).toEqual({
      problem: expect.stringMatching(/control metric/),
    });
    expect(targetOf(rule(null), '###', null)).toEqual({ problem: expect.stringMatching(/map it/) });
    expect(targetOf(rule(null), 'toString', null)).toEqual({ metric: 'x_tostring', labels: {} });
  });

  it('labels a device’s metrics with the device under a whole-edge mapping, not under its own', () => {
    expect(targetOf(rule(null), 'Inlet A1', 'rack-7')).toEqual({
      metric: 'inlet_temp_c',
      labels: { zone: 'A1', device: 'rack-7' },
    });
    expect(targetOf(rule(null), 'Inlet mine', 'rack-7')).toEqual({
      metric: 'inlet_temp_c',
      labels: { device: 'mine' },
    });
    expect(targetOf(rule('rack-7'), 'Inlet A1', 'rack-7')).toEqual({
      metric: 'inlet_temp_c',
      labels: { zone: 'A1' },
    });
  });
});
