import { CATALOG_METRICS, normalizeEntries } from '@dcfleet/contracts';
import { fromLocal } from '@dcfleet/green-metrics';
import {
  advance,
  conditions,
  createSiteModel,
  initialState,
  liveEntries,
  occupancyAt,
  zoneReading,
  type SiteModel,
} from './model';
import { DEMO_FLEET } from './sites';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time';

const TZ = 'Asia/Shanghai';
const models = new Map<string, SiteModel>(DEMO_FLEET.map((s) => [s.site.code, createSiteModel(s)]));
const model = (code: string) => models.get(code)!;

/** Hourly conditions over a local month of 2025. */
function month(m: SiteModel, mon: number) {
  const from = fromLocal(TZ, 2025, mon, 1);
  const to = mon === 12 ? fromLocal(TZ, 2026, 1, 1) : fromLocal(TZ, 2025, mon + 1, 1);
  const out = [];
  for (let t = from; t < to; t += HOUR_MS) out.push(conditions(m, t));
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const localHour = (t: number) => new Date(t + 8 * HOUR_MS).getUTCHours();

describe('climate', () => {
  it("follows Guizhou's seasons: mild winters, warm but not hot summers", () => {
    const gy = model('GZ-GY-02');
    const jan = mean(month(gy, 1).map((c) => c.outdoorC));
    const jul = mean(month(gy, 7).map((c) => c.outdoorC));
    expect(jan).toBeGreaterThan(1);
    expect(jan).toBeLessThan(10);
    expect(jul).toBeGreaterThan(20);
    expect(jul).toBeLessThan(27);
  });

  it('is warmer in the low east (Tongren) than on the western plateau (Weining) in summer', () => {
    const tr = mean(month(model('GZ-TR-01'), 7).map((c) => c.outdoorC));
    const bj = mean(month(model('GZ-BJ-02'), 7).map((c) => c.outdoorC));
    expect(tr - bj).toBeGreaterThan(4);
  });

  it('has its daily minimum around dawn and its maximum in the afternoon', () => {
    const jul = month(model('GZ-GA-01'), 7);
    const byHour = Array.from({ length: 24 }, (_, h) =>
      mean(jul.filter((c) => localHour(c.t) === h).map((c) => c.outdoorC)),
    );
    const coldest = byHour.indexOf(Math.min(...byHour));
    const warmest = byHour.indexOf(Math.max(...byHour));
    expect(coldest).toBeGreaterThanOrEqual(5);
    expect(coldest).toBeLessThanOrEqual(8);
    expect(warmest).toBeGreaterThanOrEqual(14);
    expect(warmest).toBeLessThanOrEqual(17);
  });
});

describe('site physics', () => {
  it('raises PUE, cooling and water use in summer for every site', () => {
    for (const m of models.values()) {
      if (m.code === 'GZ-GA-07') continue; // commissioned in August 2025
      const jan = month(m, 1);
      const jul = month(m, 7);
      const pue = (cs: typeof jan) => sum(cs.map((c) => c.facilityKw)) / sum(cs.map((c) => c.itKw));
      const wue = (cs: typeof jan) => (1000 * sum(cs.map((c) => c.waterM3PerH))) / sum(cs.map((c) => c.itKw));
      expect(pue(jul)).toBeGreaterThan(pue(jan));
      expect(wue(jul)).toBeGreaterThan(wue(jan));
      expect(mean(jul.map((c) => c.coolingKw / c.itKw))).toBeGreaterThan(
        mean(jan.map((c) => c.coolingKw / c.itKw)),
      );
      expect(jul.every((c) => c.facilityKw > c.itKw + c.coolingKw)).toBe(true);
    }
  });

  it('buys more hydro in the wet season and exports heat in the cold months', () => {
    for (const m of models.values()) {
      if (m.code === 'GZ-GA-07') continue;
      const jan = month(m, 1);
      const jul = month(m, 7);
      if (m.spec.renewableShare > 0) {
        const share = (cs: typeof jan) =>
          sum(cs.map((c) => c.renewableKw)) / sum(cs.map((c) => c.facilityKw));
        expect(share(jul)).toBeGreaterThan(share(jan));
      }
      if (m.spec.heatReuse > 0)
        expect(sum(jan.map((c) => c.reusedKw))).toBeGreaterThan(3 * sum(jul.map((c) => c.reusedKw)));
      else expect(jan.every((c) => c.reusedKw === 0)).toBe(true);
    }
  });

  it('shapes the IT load by workload: evening peak for cloud, office hours for enterprise, flat for AI', () => {
    const avgAt = (m: SiteModel, pick: (t: number) => boolean) =>
      mean(
        month(m, 3)
          .filter((c) => pick(c.t))
          .map((c) => c.itKw),
      );
    const weekday = (t: number) => new Date(t + 8 * HOUR_MS).getUTCDay() % 6 !== 0;
    const cloud = model('GZ-GA-01');
    expect(avgAt(cloud, (t) => localHour(t) === 21)).toBeGreaterThan(
      1.05 * avgAt(cloud, (t) => localHour(t) === 5),
    );
    const ent = model('GZ-GY-01');
    expect(avgAt(ent, (t) => localHour(t) === 14 && weekday(t))).toBeGreaterThan(
      1.05 * avgAt(ent, (t) => localHour(t) === 14 && !weekday(t)),
    );
    const ai = model('GZ-GA-03');
    expect(avgAt(ai, (t) => localHour(t) === 15) / avgAt(ai, (t) => localHour(t) === 3)).toBeLessThan(1.03);
  });

  it('grows occupancy slowly and ramps up a new site', () => {
    for (const m of models.values()) {
      const a = conditions(m, fromLocal(TZ, 2025, 10, 1));
      const b = conditions(m, fromLocal(TZ, 2026, 10, 1));
      expect(b.racksOccupied).toBeGreaterThanOrEqual(a.racksOccupied);
      expect(b.racksOccupied).toBeLessThanOrEqual(m.spec.site.racks);
      expect(b.itKw).toBeLessThan(m.spec.site.itCapacityKw);
    }
    const ga07 = model('GZ-GA-07');
    expect(occupancyAt(ga07.spec, ga07.commissionedAt, ga07.commissionedAt + 30 * DAY_MS)).toBeLessThan(
      0.5 * occupancyAt(ga07.spec, ga07.commissionedAt, ga07.commissionedAt + 300 * DAY_MS),
    );
  });

  it('keeps inlet temperatures in the ASHRAE recommended band, with occasional hot spots', () => {
    let samples = 0;
    let hot = 0;
    let hotZones = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let rhLo = Infinity;
    let rhHi = -Infinity;
    const from = fromLocal(TZ, 2025, 1, 1);
    const to = fromLocal(TZ, 2026, 1, 1);
    for (const m of [model('GZ-GA-01'), model('GZ-GA-04'), model('GZ-TR-01')]) {
      for (let z = 0; z < m.spec.zones.length; z++) {
        let zoneHot = false;
        for (let t = from; t < to; t += 10 * MINUTE_MS) {
          const r = zoneReading(m, z, conditions(m, t));
          samples++;
          lo = Math.min(lo, r.inletC);
          hi = Math.max(hi, r.inletC);
          rhLo = Math.min(rhLo, r.humidityPct);
          rhHi = Math.max(rhHi, r.humidityPct);
          if (r.inletC > 27) {
            hot++;
            zoneHot = true;
          }
        }
        if (zoneHot) hotZones++;
      }
    }
    expect(lo).toBeGreaterThan(18);
    expect(hi).toBeLessThan(32);
    expect(rhLo).toBeGreaterThanOrEqual(20);
    expect(rhHi).toBeLessThanOrEqual(80);
    expect(hot / samples).toBeGreaterThan(0);
    expect(hot / samples).toBeLessThan(0.01);
    expect(hotZones).toBeGreaterThan(3);
  });
});

describe('live readings and counters', () => {
  it('reports every catalog metric a site has, per zone where labelled, all accepted by the ingest validation', () => {
    const m = model('GZ-GA-05'); // heat reuse and renewables
    const t = Date.parse('2026-11-29T08:00:00Z');
    const s = initialState(m, t);
    const entries = liveEntries(m, s);
    const metrics = new Set(entries.flatMap((e) => Object.keys(e.values ?? {})));
    expect([...metrics].sort()).toEqual([...CATALOG_METRICS].sort());
    expect(entries.filter((e) => e.labels?.zone).map((e) => e.labels!.zone)).toEqual(m.spec.zones);
    const out = normalizeEntries(entries, { now: t, maxAgeMs: DAY_MS });
    expect(out.rejected).toEqual([]);
    const plain = liveEntries(model('GZ-GY-03'), initialState(model('GZ-GY-03'), t));
    const plainMetrics = new Set(plain.flatMap((e) => Object.keys(e.values ?? {})));
    expect(plainMetrics.has('reused_energy_kwh')).toBe(false);
    expect(plainMetrics.has('renewable_energy_kwh')).toBe(false);
  });

  it('integrates power into the counters every 10 s and never decreases them', () => {
    const m = model('GZ-BJ-01');
    let s = initialState(m, Date.parse('2026-11-29T00:00:00Z'));
    const start = { ...s.counters };
    let prev = liveEntries(m, s)[0]!.values!;
    for (let i = 1; i <= 360; i++) {
      s = advance(m, s, s.ts + 10_000);
      const v = liveEntries(m, s)[0]!.values!;
      for (const k of m.counters) expect(v[k]).toBeGreaterThanOrEqual(prev[k]!);
      prev = v;
    }
    const itKwh = s.counters.it_energy_kwh! - start.it_energy_kwh!;
    expect(itKwh).toBeGreaterThan(0.9 * conditions(m, s.ts).itKw);
    expect(itKwh).toBeLessThan(1.1 * conditions(m, s.ts).itKw);
  });

  it('restarts a replaced meter from 0 with only the energy since the previous reading', () => {
    const m = model('GZ-LP-02');
    const s = initialState(m, Date.parse('2026-11-29T00:00:00Z'));
    const next = advance(m, s, s.ts + HOUR_MS, ['facility_energy_kwh']);
    expect(next.counters.facility_energy_kwh).toBeLessThan(s.counters.facility_energy_kwh!);
    const kw = (s.cond.facilityKw + next.cond.facilityKw) / 2;
    expect(next.counters.facility_energy_kwh).toBeCloseTo(kw, 6);
    expect(next.counters.it_energy_kwh).toBeGreaterThan(s.counters.it_energy_kwh!);
    expect(() => advance(m, next, s.ts)).toThrow(RangeError);
  });

  it('calibrates each site to its target PUE over the reference year', () => {
    for (const m of models.values()) {
      expect(m.coolingScale).toBeGreaterThan(0);
      expect(m.lossScale).toBeGreaterThan(0.5);
      expect(m.lossScale).toBeLessThan(2);
    }
  });
});
