import { SeriesRegistry } from './series-registry';
import type { SeriesRow } from './telemetry-store';

const row = (id: number, siteId: number, metric: string, labels = ''): SeriesRow => ({
  id,
  siteId,
  metric,
  labels,
  kind: 'gauge',
});

describe('SeriesRegistry', () => {
  it('finds series by id, by (site, metric, labels) and per site, once each', () => {
    const r = new SeriesRegistry();
    r.add(row(1, 10, 'it_power_kw'));
    r.add(row(2, 10, 'inlet_temp_c', '{"zone":"A"}'));
    r.add(row(5, 11, 'it_power_kw'));
    r.add(row(2, 10, 'inlet_temp_c', '{"zone":"A"}')); // again: ignored
    expect(r.size).toBe(3);
    expect(r.get(5)?.siteId).toBe(11);
    expect(r.get(3)).toBeUndefined();
    expect(r.find(10, 'inlet_temp_c', '{"zone":"A"}')?.id).toBe(2);
    expect(r.find(11, 'inlet_temp_c', '{"zone":"A"}')).toBeUndefined();
    expect(r.find(11, 'it_power_kw', '')?.id).toBe(5);
    expect(r.displayKey(2)).toBe('inlet_temp_c{"zone":"A"}');
    expect(r.siteMap(10)?.get('it_power_kw')?.id).toBe(1);
    expect(r.ofSite(10).map((s) => s.id)).toEqual([1, 2]);
    expect([...r.all()].map((s) => s.id).sort()).toEqual([1, 2, 5]);
  });
});
