import { normalizeEntries } from '@dcfleet/contracts';
import {
  FAULT_KINDS,
  FaultScheduler,
  malformedEntries,
  MALFORMED_BODY,
  OVERHEAT_PEAK_C,
  overheatInletC,
  parseFault,
} from './faults';
import { mulberry32, noise } from './prng';
import { DEMO_FLEET } from './sites';
import { MINUTE_MS } from './time';

describe('faults', () => {
  it('parses kind:CODE with an optional zone and duration', () => {
    expect(parseFault('silent:GZ-BJ-01')).toEqual({ kind: 'silent', code: 'GZ-BJ-01' });
    expect(parseFault('overheat:gz-ga-01:b2@3')).toEqual({
      kind: 'overheat',
      code: 'GZ-GA-01',
      zone: 'B2',
      durationMs: 3 * MINUTE_MS,
    });
    expect(() => parseFault('flood:GZ-BJ-01')).toThrow(/unknown fault/);
    expect(() => parseFault('silent')).toThrow(/names no site/);
    expect(() => parseFault('silent:GZ-BJ-01@x')).toThrow(/minutes/);
  });

  it('schedules every kind over time, deterministically, and revises last year at most once', () => {
    const codes = DEMO_FLEET.map((s) => s.site.code);
    const a = new FaultScheduler(1, codes);
    const b = new FaultScheduler(1, codes);
    const picks = Array.from({ length: 300 }, () => a.next());
    expect(Array.from({ length: 300 }, () => b.next())).toEqual(picks);
    expect(new Set(picks.map((p) => p.kind))).toEqual(new Set(FAULT_KINDS));
    expect(picks.filter((p) => p.kind === 'replay-changed')).toHaveLength(1);
    for (const p of picks) expect(codes).toContain(p.code);
    const d = a.delay(240_000);
    expect(d).toBeGreaterThanOrEqual(0.7 * 240_000);
    expect(d).toBeLessThanOrEqual(1.3 * 240_000);
  });

  it('makes a malformed batch the API rejects sample by sample, and a body that is not JSON', () => {
    const now = Date.parse('2026-11-29T08:00:00Z');
    const out = normalizeEntries(malformedEntries(now - 500, 'A1'), { now, maxAgeMs: 800 * 86_400_000 });
    expect(out.samples).toHaveLength(1);
    expect(out.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => JSON.parse(MALFORMED_BODY)).toThrow();
  });

  it('ramps an overheating zone up to the peak and back', () => {
    const from = 1_000_000;
    const until = from + 6 * MINUTE_MS;
    expect(overheatInletC(23, from, until, from - 1)).toBe(23);
    expect(overheatInletC(23, from, until, from + MINUTE_MS)).toBeCloseTo((23 + OVERHEAT_PEAK_C) / 2, 6);
    expect(overheatInletC(23, from, until, from + 3 * MINUTE_MS)).toBe(OVERHEAT_PEAK_C);
    expect(overheatInletC(23, from, until, until)).toBe(23);
  });
});

describe('prng', () => {
  it('gives smooth, bounded, deterministic noise', () => {
    let prev = noise(1, 2, 0);
    for (let x = 0.01; x < 50; x += 0.01) {
      const v = noise(1, 2, x);
      expect(Math.abs(v)).toBeLessThanOrEqual(1);
      expect(Math.abs(v - prev)).toBeLessThan(0.04);
      prev = v;
    }
    expect(noise(1, 2, 123.456)).toBe(noise(1, 2, 123.456));
    expect(noise(1, 2, 123.456)).not.toBe(noise(1, 3, 123.456));
    expect(noise(1, 2, 1.8e12 / 600_000)).toBe(noise(1, 2, 1.8e12 / 600_000));
  });

  it('has a uniform sequential generator', () => {
    const r = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, r);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(m).toBeGreaterThan(0.48);
    expect(m).toBeLessThan(0.52);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});
