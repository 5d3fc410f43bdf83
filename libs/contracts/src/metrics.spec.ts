import { customMetricName, metricDefinition } from './metrics';
import { normalizeEntries } from './ingest';

describe('metricDefinition', () => {
  it('knows catalog metrics, custom x_ metrics (counters by _total) and nothing else', () => {
    expect(metricDefinition('it_energy_kwh')).toMatchObject({
      name: 'it_energy_kwh',
      kind: 'counter',
      unit: 'kWh',
    });
    expect(metricDefinition('x_pump_speed')).toMatchObject({ name: 'x_pump_speed', kind: 'gauge' });
    expect(metricDefinition('x_pump_starts_total')).toMatchObject({ kind: 'counter' });
    expect(metricDefinition('pump_speed')).toBeUndefined();
    expect(metricDefinition('pump_speed')).toBeUndefined(); // a cached miss stays a miss
  });

  it('hands out one frozen definition per name (ingest looks it up twice per sample)', () => {
    const a = metricDefinition('inlet_temp_c');
    expect(metricDefinition('inlet_temp_c')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe('customMetricName', () => {
  it('keeps catalog and custom names, turns anything else into a valid x_ name, and gives up on nothing', () => {
    expect(customMetricName('inlet_temp_c')).toBe('inlet_temp_c');
    expect(customMetricName('x_pump_speed')).toBe('x_pump_speed');
    expect(customMetricName('Inputs/Pump Speed (rpm)')).toBe('x_inputs_pump_speed_rpm');
    expect(customMetricName('node_cpu_seconds_total')).toBe('x_node_cpu_seconds_total');
    const long = customMetricName('A'.repeat(59) + '/b/' + 'c'.repeat(10))!;
    expect(long).toBe('x_' + 'a'.repeat(59));
    expect(metricDefinition(long)).toBeDefined();
    expect(customMetricName('/// ')).toBeUndefined();
    expect(customMetricName('温度')).toBeUndefined();
  });
});

describe('normalizeEntries', () => {
  const limits = { now: Date.UTC(2026, 10, 29), maxAgeMs: 400 * 86_400_000 };
  it('validates each pair and says why a sample was refused', () => {
    const ts = limits.now - 60_000;
    const out = normalizeEntries(
      [
        { metric: 'it_power_kw', ts, value: 800, labels: { zone: 'B', hall: 'A' } },
        { ts, values: { facility_power_kw: 1000, bogus: 1 } },
        { metric: 'inlet_temp_c', ts, value: 500 },
        'nope',
      ],
      limits,
    );
    expect(out.samples).toEqual([
      {
        metric: 'it_power_kw',
        kind: 'gauge',
        labelKey: '{"hall":"A","zone":"B"}',
        labels: { zone: 'B', hall: 'A' },
        ts,
        value: 800,
      },
      { metric: 'facility_power_kw', kind: 'gauge', labelKey: '', labels: {}, ts, value: 1000 },
    ]);
    expect(out.rejected.map((r) => [r.index, r.metric ?? null, r.reason.split(' ')[0]])).toEqual([
      [1, 'bogus', 'unknown'],
      [2, null, 'value'],
      [3, null, 'sample'],
    ]);
    expect(out.total).toBe(5);
  });
});
