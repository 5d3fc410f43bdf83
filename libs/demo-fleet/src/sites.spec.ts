import { createDataCenterSchema, SITE_CODE_PATTERN } from '@dcfleet/contracts';
import { PREFECTURES } from './climate';
import { DEMO_FLEET, HUB, intendedPueBand, selectSites } from './sites';

describe('demo fleet catalog', () => {
  it('has 25 sites with unique codes like GZ-GA-01', () => {
    expect(DEMO_FLEET).toHaveLength(25);
    const codes = DEMO_FLEET.map((s) => s.site.code);
    expect(new Set(codes).size).toBe(25);
    for (const c of codes) {
      expect(c).toMatch(SITE_CODE_PATTERN);
      expect(c).toMatch(/^GZ-[A-Z]{2}-\d{2}$/);
    }
  });

  it('flags exactly 8 national green data centers, with their certification year', () => {
    const green = DEMO_FLEET.filter((s) => s.green);
    expect(green).toHaveLength(8);
    for (const s of DEMO_FLEET) {
      if (s.green) expect(s.site.greenCertifiedYear).toEqual(expect.any(Number));
      else expect(s.site.greenCertifiedYear).toBeNull();
    }
  });

  it('has design IT capacities of 5–60 MW and plausible rack densities', () => {
    for (const s of DEMO_FLEET) {
      expect(s.site.itCapacityKw).toBeGreaterThanOrEqual(5_000);
      expect(s.site.itCapacityKw).toBeLessThanOrEqual(60_000);
      const kwPerRack = s.site.itCapacityKw / s.site.racks;
      expect(kwPerRack).toBeGreaterThanOrEqual(4);
      expect(kwPerRack).toBeLessThanOrEqual(12);
    }
  });

  it('places every site inside Guizhou, in all ten prefectures, on the Guizhou hub', () => {
    for (const s of DEMO_FLEET) {
      expect(s.site.latitude).toBeGreaterThanOrEqual(24.6);
      expect(s.site.latitude).toBeLessThanOrEqual(29.2);
      expect(s.site.longitude).toBeGreaterThanOrEqual(103.6);
      expect(s.site.longitude).toBeLessThanOrEqual(109.6);
      expect(s.site.region).toBe(s.prefecture);
      expect(s.site.hub).toBe(HUB);
      expect(s.site.timezone).toBe('Asia/Shanghai');
    }
    expect(new Set(DEMO_FLEET.map((s) => s.prefecture))).toEqual(new Set(Object.keys(PREFECTURES)));
  });

  it('puts every site in the Southern grid region, one with its own factor, and uses valid PUE categories', () => {
    for (const s of DEMO_FLEET) {
      expect(s.site.gridRegion).toBe('CN-South');
      expect([1, 2, 3]).toContain(s.site.pueCategory);
    }
    expect(DEMO_FLEET.filter((s) => s.site.gridEmissionFactor !== null).map((s) => s.site.code)).toEqual([
      'GZ-ZY-02',
    ]);
  });

  it('gives each site an intended PUE band and a target inside it; one or two sites above 1.5', () => {
    for (const s of DEMO_FLEET) {
      const [lo, hi] = intendedPueBand(s);
      expect(s.targetPue).toBeGreaterThanOrEqual(lo);
      expect(s.targetPue).toBeLessThanOrEqual(hi);
    }
    const above = DEMO_FLEET.filter((s) => s.targetPue > 1.5).length;
    expect(above).toBeGreaterThanOrEqual(1);
    expect(above).toBeLessThanOrEqual(2);
  });

  it('has heat reuse at exactly two sites', () => {
    expect(DEMO_FLEET.filter((s) => s.heatReuse > 0).map((s) => s.site.code)).toHaveLength(2);
  });

  it('is accepted by the API validation of POST /api/v1/datacenters', () => {
    for (const s of DEMO_FLEET) expect(createDataCenterSchema.safeParse(s.site).error).toBeUndefined();
  });

  it('uses invented operators (a handful, each running several sites)', () => {
    const operators = new Set(DEMO_FLEET.map((s) => s.site.operator));
    expect(operators.size).toBeGreaterThanOrEqual(6);
    expect(operators.size).toBeLessThanOrEqual(12);
  });

  it('selects the first N sites, sites by code, and load clones beyond 25', () => {
    expect(selectSites(3).map((s) => s.site.code)).toEqual(['GZ-GA-01', 'GZ-GA-02', 'GZ-GA-03']);
    expect(selectSites(['gz-bj-01']).map((s) => s.site.code)).toEqual(['GZ-BJ-01']);
    const many = selectSites(30);
    expect(many).toHaveLength(30);
    expect(many[29]!.site.code).toBe('GZ-SIM-030');
    expect(createDataCenterSchema.safeParse(many[29]!.site).success).toBe(true);
    expect(() => selectSites(['GZ-XX-99'])).toThrow(/unknown demo site/);
    expect(() => selectSites(0)).toThrow();
  });
});
