import { gbCharacteristicRatio } from './kpi';
import {
  EU_EED_2024,
  GB40879_2021,
  HUB_TARGETS,
  NATIONAL_GREEN_DC_2025,
  euEedApplies,
  gradeFor,
  greenDcEligibility,
  hubTargetFor,
  meetsHubTarget,
} from './schemes';
import type { GradingScheme, GreenDcInput, HubTargets } from './schemes';

describe('GB 40879-2021 grade', () => {
  it.each([
    [1.0, 1],
    [1.18, 1],
    [1.2, 1],
    [1.2000001, 2],
    [1.202, 2],
    [1.3, 2],
    [1.3000001, 3],
    [1.45, 3],
    [1.5, 3],
    [1.5000001, 'below-limit'],
    [1.55, 'below-limit'],
  ])('PUE %p → %p', (pue, grade) => {
    expect(gradeFor(pue, GB40879_2021)).toBe(grade);
  });

  it('values exactly at a bound pass despite float noise', () => {
    expect(gradeFor(1.1 + 0.1)).toBe(1); // 1.2000000000000002
    expect(gradeFor(13_000_000 / 10_000_000)).toBe(2);
    expect(gradeFor(0.1 * 3 + 1.2)).toBe(3); // 1.5000000000000002
  });

  it('D9: RM1 of the characteristic method grades as 2', () => {
    const shares = [0.1, 0.25, 0.3, 0.25, 0.1];
    const totals = [1300, 1250, 1200, 1150, 1120];
    const r = gbCharacteristicRatio(shares.map((share, i) => ({ share, totalKw: totals[i], itKw: 1000 })))!;
    expect(gradeFor(r.ratio)).toBe(2);
  });

  it('is not gradable without a PUE, or with a PUE below 1 (metering fault)', () => {
    expect(gradeFor(null)).toBeNull();
    expect(gradeFor(undefined)).toBeNull();
    expect(gradeFor(Number.NaN)).toBeNull();
    expect(gradeFor(0.99)).toBeNull();
  });

  it('a new edition is only a data change', () => {
    const nextEdition: GradingScheme = {
      id: 'GB40879-20XX',
      name: 'hypothetical revision',
      edition: '20XX',
      indicator: 'PUE',
      grades: [
        { grade: 4, maxPue: 1.45 },
        { grade: 1, maxPue: 1.15 },
        { grade: 3, maxPue: 1.35 },
        { grade: 2, maxPue: 1.25 },
      ],
    };
    expect(gradeFor(1.4, nextEdition)).toBe(4);
    expect(gradeFor(1.15, nextEdition)).toBe(1);
    expect(gradeFor(1.46, nextEdition)).toBe('below-limit');
  });
});

describe('hub targets', () => {
  it('default 1.25, inclusive', () => {
    expect(HUB_TARGETS.defaultMaxPue).toBe(1.25);
    expect(meetsHubTarget(1.25, 'Guizhou')).toBe(true);
    expect(meetsHubTarget(1.2501, 'Guizhou')).toBe(false);
    expect(meetsHubTarget(1.1, null)).toBe(true);
  });

  it('per-hub overrides', () => {
    const targets: HubTargets = { id: 'custom', defaultMaxPue: 1.25, overrides: { Guizhou: 1.2 } };
    expect(hubTargetFor('Guizhou', targets)).toBe(1.2);
    expect(hubTargetFor('Shaoguan', targets)).toBe(1.25);
    expect(meetsHubTarget(1.22, 'Guizhou', targets)).toBe(false);
    expect(meetsHubTarget(1.22, 'Shaoguan', targets)).toBe(true);
    expect(meetsHubTarget(1.2, 'Guizhou', targets)).toBe(true);
  });

  it('null without a gradable PUE', () => {
    expect(meetsHubTarget(null, 'Guizhou')).toBeNull();
    expect(meetsHubTarget(0.95, 'Guizhou')).toBeNull();
  });
});

describe('National Green Data Center 2025 eligibility', () => {
  const good: GreenDcInput = {
    pue: 1.28,
    grade: 2,
    status: 'final',
    meteringFault: false,
    racks: 3000,
    occupancy: 0.6,
    yearsInOperation: 1,
  };

  it('passes a site meeting every checkable rule (values exactly at the limits), listing what is not assessed', () => {
    const r = greenDcEligibility(good, NATIONAL_GREEN_DC_2025);
    expect(r).toMatchObject({ eligible: true, reasons: [] });
    expect(r.notAssessed.length).toBeGreaterThan(0);
    expect(greenDcEligibility({ ...good, pue: 1.3 }).eligible).toBe(true);
  });

  it.each<[string, Partial<GreenDcInput>, RegExp]>([
    ['PUE above 1.30', { pue: 1.31, grade: 3 }, /PUE 1.31 exceeds 1.3/],
    ['grade 3', { grade: 3 }, /grade 3 is worse than grade 2/],
    ['below the limit', { grade: 'below-limit' }, /below-limit/],
    ['too few racks', { racks: 2999 }, /2999 racks/],
    ['low occupancy', { occupancy: 0.59 }, /occupancy 0.59/],
    ['too young', { yearsInOperation: 0.5 }, /0.5 years/],
    ['interim rating', { status: 'interim' }, /interim/],
    ['metering fault', { meteringFault: true }, /metering fault/],
    ['no PUE', { pue: null, grade: null }, /no PUE/],
    ['unknown racks', { racks: null }, /rack count unknown/],
  ])('fails: %s', (_name, change, reason) => {
    const r = greenDcEligibility({ ...good, ...change });
    expect(r.eligible).toBe(false);
    expect(r.reasons.join('; ')).toMatch(reason);
  });

  it('public-institution and financial DCs are exempt from the rack count', () => {
    expect(greenDcEligibility({ ...good, racks: 800, scaleExempt: true }).eligible).toBe(true);
  });
});

describe('EU EED 2024', () => {
  it('applies from 500 kW installed IT power and lists the four KPIs', () => {
    expect(euEedApplies(500)).toBe(true);
    expect(euEedApplies(499.9)).toBe(false);
    expect(euEedApplies(null)).toBe(false);
    expect(euEedApplies(undefined, EU_EED_2024)).toBe(false);
    expect(EU_EED_2024.kpis).toEqual(['pue', 'wue', 'erf', 'ref']);
  });

  it('a member state lowering the threshold is a data change', () => {
    expect(euEedApplies(150, { ...EU_EED_2024, id: 'national-lower', minItPowerKw: 100 })).toBe(true);
  });
});
