import { normalizeEntries, type IngestEntry } from '@dcfleet/contracts';
import { localYearRange } from '@dcfleet/green-metrics';
import {
  countHistorySamples,
  fastForward,
  historyBatches,
  historyEvents,
  planHistory,
  zoneHours,
  type HistoryBatch,
  type HistoryEvents,
} from './history';
import { COUNTER_METRICS, createSiteModel, initialState, type SiteModel } from './model';
import { DEMO_FLEET, intendedPueBand } from './sites';
import { ceilHour, DAY_MS, HOUR_MS, previousYearStart } from './time';

/** A fixed "now" keeps the suite deterministic: the demo's first start on 29 November 2026. */
const NOW = Date.parse('2026-11-29T08:00:00Z');
const TZ = 'Asia/Shanghai';
const LAST_YEAR = localYearRange(2025, TZ);

interface SiteHistory {
  model: SiteModel;
  events: HistoryEvents;
  batches: HistoryBatch[];
  /** Posted counter readings per metric, in posting order. */
  readings: Map<string, { ts: number; value: number }[]>;
}

function generate(model: SiteModel, seedNow = NOW): SiteHistory {
  const start = Math.max(previousYearStart(seedNow, TZ), ceilHour(model.commissionedAt));
  const events = historyEvents(model, 2025);
  const gen = historyBatches(model, initialState(model, start), seedNow, { includeStart: true, events });
  const batches: HistoryBatch[] = [];
  const readings = new Map<string, { ts: number; value: number }[]>();
  for (let r = gen.next(); !r.done; r = gen.next()) {
    batches.push(r.value);
    for (const e of r.value.entries) {
      for (const [metric, value] of Object.entries(e.values ?? {})) {
        if (!(COUNTER_METRICS as readonly string[]).includes(metric)) continue;
        let list = readings.get(metric);
        if (!list) readings.set(metric, (list = []));
        list.push({ ts: e.ts as number, value });
      }
    }
  }
  return { model, events, batches, readings };
}

/** Energy of a counter over [from, to) the way the ratings count it: reset-aware differences. */
function periodEnergy(list: { ts: number; value: number }[], from: number, to: number): number {
  let e = 0;
  let prev: number | undefined;
  for (const r of list) {
    if (r.ts >= to) break;
    if (prev !== undefined && r.ts >= from) e += r.value >= prev ? r.value - prev : r.value;
    prev = r.value;
  }
  return e;
}

let fleet: SiteHistory[];

beforeAll(() => {
  fleet = DEMO_FLEET.map((spec) => generate(createSiteModel(spec)));
});

describe('history generator', () => {
  it('posts hourly from 1 January of the previous year (Asia/Shanghai) up to now', () => {
    const ga01 = fleet[0]!;
    const first = ga01.batches[0]!.firstTs;
    expect(new Date(first).toISOString()).toBe('2024-12-31T16:00:00.000Z');
    const last = ga01.batches[ga01.batches.length - 1]!.lastTs;
    expect(last).toBeLessThan(NOW);
    expect(NOW - last).toBeLessThanOrEqual(HOUR_MS);
    const hours = new Set(ga01.readings.get('facility_energy_kwh')!.map((r) => r.ts));
    expect(hours.size).toBe((last - first) / HOUR_MS + 1);
  });

  it('starts a site commissioned last year at its commissioning', () => {
    const ga07 = fleet.find((h) => h.model.code === 'GZ-GA-07')!;
    expect(ga07.batches[0]!.firstTs).toBe(Date.parse('2025-08-01T00:00:00+08:00'));
    expect(ga07.readings.get('it_energy_kwh')![0]!.value).toBe(0);
  });

  it('keeps every batch at ≤ 5000 samples and time-ordered, cut at local midnights', () => {
    const problems: string[] = [];
    let batches = 0;
    for (const h of fleet) {
      let prevLast = -Infinity;
      for (const b of h.batches) {
        batches++;
        let prev = -Infinity;
        let samples = 0;
        for (const e of b.entries) {
          if ((e.ts as number) < prev) problems.push(`${h.model.code}: entry at ${e.ts} after ${prev}`);
          prev = e.ts as number;
          samples += Object.keys(e.values ?? {}).length;
        }
        if (b.samples > 5000 || samples !== b.samples)
          problems.push(`${h.model.code}: batch of ${b.samples} (${samples}) samples`);
        if (b.firstTs <= prevLast)
          problems.push(`${h.model.code}: batch at ${b.firstTs} overlaps the previous one`);
        if ((b.firstTs + 8 * HOUR_MS) % DAY_MS !== 0)
          problems.push(
            `${h.model.code}: batch starts at ${new Date(b.firstTs).toISOString()}, not at local midnight`,
          );
        prevLast = b.lastTs;
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(batches).toBeGreaterThan(500);
  });

  it('splits days when a batch is smaller than a day', () => {
    const m = fleet[0]!.model;
    const gen = historyBatches(m, initialState(m, LAST_YEAR.start), LAST_YEAR.start + 2 * DAY_MS, {
      includeStart: true,
      maxSamples: 50,
    });
    let total = 0;
    for (let r = gen.next(); !r.done; r = gen.next()) {
      expect(r.value.samples).toBeLessThanOrEqual(50);
      total += r.value.samples;
    }
    expect(total).toBe(
      countHistorySamples(m, initialState(m, LAST_YEAR.start), LAST_YEAR.start + 2 * DAY_MS, {
        includeStart: true,
      }),
    );
  });

  it('produces samples the ingest API accepts, every one', () => {
    for (const h of fleet) {
      const entries: IngestEntry[] = h.batches.slice(-2).flatMap((b) => b.entries);
      const out = normalizeEntries(entries, { now: NOW, maxAgeMs: 800 * DAY_MS });
      expect(out.rejected).toEqual([]);
    }
    // The oldest batch is inside the default backfill window of 800 days too.
    const oldest = normalizeEntries(fleet[0]!.batches[0]!.entries, { now: NOW, maxAgeMs: 800 * DAY_MS });
    expect(oldest.rejected).toEqual([]);
  });

  it('never lets a counter decrease except at a modelled meter replacement', () => {
    const unexpected: string[] = [];
    let modelled = 0;
    for (const h of fleet) {
      const resets = new Set(h.events.resets.map((r) => `${r.metric}@${r.at}`));
      for (const [metric, list] of h.readings) {
        for (let i = 1; i < list.length; i++) {
          if (list[i]!.value >= list[i - 1]!.value) continue;
          if (resets.has(`${metric}@${list[i]!.ts}`)) modelled++;
          else unexpected.push(`${h.model.code} ${metric} at ${new Date(list[i]!.ts).toISOString()}`);
        }
      }
    }
    expect(unexpected).toEqual([]);
    expect(modelled).toBe(2); // GZ-LP-02 facility meter, GZ-ZY-01 IT meter
  });

  it('leaves a gap where a gateway outage is modelled (the meters keep counting)', () => {
    const qd02 = fleet.find((h) => h.model.code === 'GZ-QD-02')!;
    const outage = qd02.events.outages[0]!;
    const list = qd02.readings.get('facility_energy_kwh')!;
    expect(list.some((r) => r.ts >= outage.from && r.ts < outage.to)).toBe(false);
    const before = list.filter((r) => r.ts < outage.from).pop()!;
    const after = list.find((r) => r.ts >= outage.to)!;
    expect(after.ts - before.ts).toBe(37 * HOUR_MS);
    expect(after.value - before.value).toBeGreaterThan(30 * 3000); // 37 h of a ~4-7 MW site
  });

  it('gives every site an annual PUE for last year inside its intended band; one or two above 1.5', () => {
    const outside: string[] = [];
    const pues: number[] = [];
    for (const h of fleet) {
      const f = periodEnergy(h.readings.get('facility_energy_kwh')!, LAST_YEAR.start, LAST_YEAR.end);
      const it = periodEnergy(h.readings.get('it_energy_kwh')!, LAST_YEAR.start, LAST_YEAR.end);
      const pue = f / it;
      const [lo, hi] = intendedPueBand(h.model.spec);
      if (pue < lo || pue > hi || Math.abs(pue - h.model.spec.targetPue) > 0.02)
        outside.push(`${h.model.code} ${pue.toFixed(3)} not in ${lo}–${hi}`);
      pues.push(pue);
    }
    expect(outside).toEqual([]);
    const above = pues.filter((p) => p > 1.5).length;
    expect(above).toBeGreaterThanOrEqual(1);
    expect(above).toBeLessThanOrEqual(2);
  });

  it('gives plausible WUE, renewable shares and heat reuse', () => {
    for (const h of fleet) {
      const it = periodEnergy(h.readings.get('it_energy_kwh')!, LAST_YEAR.start, LAST_YEAR.end);
      const f = periodEnergy(h.readings.get('facility_energy_kwh')!, LAST_YEAR.start, LAST_YEAR.end);
      const wue = (periodEnergy(h.readings.get('water_m3')!, LAST_YEAR.start, LAST_YEAR.end) * 1000) / it;
      expect(wue).toBeGreaterThan(0.15);
      expect(wue).toBeLessThan(2.5);
      const ren = h.readings.get('renewable_energy_kwh');
      if (h.model.spec.renewableShare > 0) {
        const ref = periodEnergy(ren!, LAST_YEAR.start, LAST_YEAR.end) / f;
        expect(Math.abs(ref - h.model.spec.renewableShare)).toBeLessThan(0.05);
      } else expect(ren).toBeUndefined();
      expect(h.readings.has('reused_energy_kwh')).toBe(h.model.spec.heatReuse > 0);
    }
  });

  it('is deterministic for a seed and different for another seed', () => {
    const spec = DEMO_FLEET[9]!;
    const a = generate(createSiteModel(spec, 7), NOW);
    const b = generate(createSiteModel(spec, 7), NOW);
    const c = generate(createSiteModel(spec, 8), NOW);
    const text = (h: SiteHistory) => JSON.stringify(h.batches.map((x) => x.entries));
    expect(text(a)).toBe(text(b));
    expect(text(a)).not.toBe(text(c));
  });
});

describe('history plan (first start)', () => {
  it('posts every hour and metric exactly once: last 24 h, then last year’s energy meters, then the rest', () => {
    for (const h of fleet.filter((x) =>
      ['GZ-GA-01', 'GZ-LP-02', 'GZ-GA-07', 'GZ-QD-02'].includes(x.model.code),
    )) {
      const m = h.model;
      const start = initialState(m, h.batches[0]!.firstTs);
      const plan = planHistory(m, start, NOW, LAST_YEAR, h.events);
      expect(plan.parts.map((p) => p.phase)).toEqual([0, 1, 2]);
      const seen = new Map<string, number>();
      const problems: string[] = [];
      const key = (e: IngestEntry, metric: string) =>
        `${metric}${e.labels ? JSON.stringify(e.labels) : ''}@${e.ts}`;
      for (const part of plan.parts) {
        const gen = historyBatches(m, part.from, part.to, {
          includeStart: part.includeStart,
          events: h.events,
          select: part.select,
        });
        let last = -Infinity;
        for (let r = gen.next(); !r.done; r = gen.next()) {
          if (r.value.firstTs <= last) problems.push(`${m.code} phase ${part.phase}: batches out of order`);
          last = r.value.lastTs;
          for (const e of r.value.entries) {
            for (const [metric, v] of Object.entries(e.values ?? {})) {
              const k = key(e, metric);
              if (seen.has(k)) problems.push(`${m.code}: ${k} twice`);
              seen.set(k, v);
              if (part.phase === 1 && !(COUNTER_METRICS as readonly string[]).includes(metric))
                problems.push(`${m.code}: ${metric} in phase 1`);
            }
          }
        }
      }
      expect(problems.slice(0, 5)).toEqual([]);
      // Same samples, same values as the straight history.
      let different = 0;
      let count = 0;
      for (const b of h.batches) {
        for (const e of b.entries) {
          for (const [metric, v] of Object.entries(e.values ?? {})) {
            count++;
            if (seen.get(key(e, metric)) !== v) different++;
          }
        }
      }
      expect(seen.size).toBe(count);
      expect(different).toBe(0);
      // The live state continues from the end of the history.
      const end = fastForward(m, start, NOW, { includeStart: true, events: h.events }).end;
      expect(plan.endState.counters).toEqual(end.counters);
      const lastReading = h.readings.get('facility_energy_kwh')!.at(-1)!;
      expect(Math.round(end.counters.facility_energy_kwh! * 10) / 10).toBe(lastReading.value);
    }
  });

  it('counts the samples of each part exactly', () => {
    const h = fleet[3]!;
    const start = initialState(h.model, h.batches[0]!.firstTs);
    const plan = planHistory(h.model, start, NOW, LAST_YEAR, h.events);
    let total = 0;
    for (const part of plan.parts) {
      const opts = { includeStart: part.includeStart, events: h.events, select: part.select };
      let n = 0;
      const gen = historyBatches(h.model, part.from, part.to, opts);
      for (let r = gen.next(); !r.done; r = gen.next()) n += r.value.samples;
      expect(countHistorySamples(h.model, part.from, part.to, opts)).toBe(n);
      total += n;
    }
    expect(total).toBe(h.batches.reduce((s, b) => s + b.samples, 0));
  });
});

describe('zone history (inlet temperature and humidity)', () => {
  const HOURLY_FROM = NOW - 14 * DAY_MS;

  it('is hourly over the last 14 days and every 6 local hours before', () => {
    const m = fleet[0]!.model;
    const at = zoneHours(m, HOURLY_FROM, 6);
    // Asia/Shanghai is UTC+8: local 00:00, 06:00, 12:00, 18:00 are 16:00, 22:00, 04:00, 10:00 UTC.
    const day = Date.parse('2025-07-10T00:00:00Z');
    const hoursOfDay = Array.from({ length: 24 }, (_, k) => day + k * HOUR_MS).filter(at);
    expect(hoursOfDay.map((h) => new Date(h).getUTCHours())).toEqual([4, 10, 16, 22]);
    const recent = Array.from({ length: 24 }, (_, k) => ceilHour(HOURLY_FROM) + k * HOUR_MS);
    expect(recent.every(at)).toBe(true);
  });

  it('gives every zone both readings at those hours, in phases 0 and 2, counted exactly', () => {
    const h = fleet.find((x) => x.model.code === 'GZ-GA-01')!;
    const m = h.model;
    const zonesAt = zoneHours(m, HOURLY_FROM, 6);
    const start = initialState(m, h.batches[0]!.firstTs);
    const plan = planHistory(m, start, NOW, LAST_YEAR, h.events);
    const byZone = new Map<string, { inlet: number[]; humidity: number[] }>();
    const stamps: number[] = [];
    let total = 0;
    for (const part of plan.parts) {
      const opts = {
        includeStart: part.includeStart,
        events: h.events,
        select: part.select,
        zones: 99,
        zonesAt,
      };
      let n = 0;
      const gen = historyBatches(m, part.from, part.to, opts);
      for (let r = gen.next(); !r.done; r = gen.next()) {
        n += r.value.samples;
        for (const e of r.value.entries) {
          const zone = e.labels?.zone;
          if (!zone) continue;
          expect(part.phase).not.toBe(1);
          let z = byZone.get(zone);
          if (!z) byZone.set(zone, (z = { inlet: [], humidity: [] }));
          const v = e.values!;
          if (v.inlet_temp_c !== undefined) z.inlet.push(v.inlet_temp_c);
          if (v.relative_humidity_pct !== undefined) z.humidity.push(v.relative_humidity_pct);
          if (v.inlet_temp_c !== undefined) stamps.push(e.ts as number);
        }
      }
      expect(countHistorySamples(m, part.from, part.to, opts)).toBe(n);
      total += n;
    }
    expect([...byZone.keys()].sort()).toEqual([...m.spec.zones].sort());
    const first = h.batches[0]!.firstTs;
    const hoursTotal = Array.from(
      { length: (NOW - first) / HOUR_MS + 1 },
      (_, k) => first + k * HOUR_MS,
    ).filter((t) => t < NOW);
    const expected = hoursTotal.filter(zonesAt);
    expect(new Set(stamps).size).toBe(expected.length);
    expect(Math.min(...stamps)).toBe(expected[0]);
    expect(Math.max(...stamps)).toBe(expected.at(-1));
    for (const z of byZone.values()) {
      expect(z.inlet).toHaveLength(expected.length);
      expect(z.humidity).toHaveLength(expected.length);
      expect(Math.min(...z.inlet)).toBeGreaterThan(10);
      expect(Math.max(...z.inlet)).toBeLessThan(35);
      expect(Math.min(...z.humidity)).toBeGreaterThan(0);
      expect(Math.max(...z.humidity)).toBeLessThan(100);
    }
    // The rest of the history is unchanged: the zones add exactly two samples per zone and chosen hour.
    expect(total).toBe(
      h.batches.reduce((s, b) => s + b.samples, 0) + 2 * m.spec.zones.length * expected.length,
    );
  });

  it('costs the demo fleet about a quarter more samples, not the 2.4× of hourly zones throughout', () => {
    let base = 0;
    let thinned = 0;
    let hourly = 0;
    for (const h of fleet) {
      const start = initialState(h.model, h.batches[0]!.firstTs);
      const opts = { includeStart: true, events: h.events };
      base += countHistorySamples(h.model, start, NOW, opts);
      const zonesAt = zoneHours(h.model, HOURLY_FROM, 6);
      thinned += countHistorySamples(h.model, start, NOW, { ...opts, zones: 99, zonesAt });
      hourly += countHistorySamples(h.model, start, NOW, { ...opts, zones: 99 });
    }
    expect(thinned / base).toBeGreaterThan(1.15);
    expect(thinned / base).toBeLessThan(1.35);
    expect(hourly / base).toBeGreaterThan(2);
  });
});
