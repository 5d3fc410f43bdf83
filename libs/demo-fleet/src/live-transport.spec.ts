import { parseLineProtocol } from '@dcfleet/line-protocol';
import { liveTransportOf, toLineProtocol } from './live-transport';

describe('live transports', () => {
  it('puts the third site on line protocol and one in four on MQTT when a listener is given', () => {
    const kinds = (mqtt: boolean) => Array.from({ length: 10 }, (_, i) => liveTransportOf(i, mqtt));
    expect(kinds(true)).toEqual([
      'http',
      'mqtt',
      'line',
      'http',
      'http',
      'mqtt',
      'http',
      'http',
      'http',
      'mqtt',
    ]);
    expect(kinds(false)).toEqual([
      'http',
      'http',
      'line',
      'http',
      'http',
      'http',
      'http',
      'http',
      'http',
      'http',
    ]);
  });

  it('writes entries as line protocol that parses back to the same values, labels escaped', () => {
    const text = toLineProtocol([
      { ts: 1_700_000_000_000, values: { facility_power_kw: 1200.5, it_power_kw: 1000 } },
      { ts: 1_700_000_000_000, labels: { zone: 'Hall A,1=x' }, values: { inlet_temp_c: 24.25 } },
      { ts: 1_700_000_060_000, metric: 'water_m3', value: 8 },
    ]);
    const parsed = parseLineProtocol(text, 'ms');
    expect(parsed.errors).toEqual([]);
    expect(parsed.points.map((p) => [p.tags, p.fields, p.timestampMs])).toEqual([
      [{}, { facility_power_kw: 1200.5, it_power_kw: 1000 }, 1_700_000_000_000],
      [{ zone: 'Hall A,1=x' }, { inlet_temp_c: 24.25 }, 1_700_000_000_000],
      [{}, { water_m3: 8 }, 1_700_000_060_000],
    ]);
  });
});
