import { aggregateFleet, isFleetEligible } from './fleet';
import { rateSite } from './rating';

const full = (energyKwh: number) => ({ energyKwh, coverage: 1 });

describe('aggregateFleet (energy-weighted)', () => {
  it('D10: A (12 M / 8 M) and B (1.3 M / 1.0 M) → 13.3 / 9.0 = 1.478, not the mean 1.40', () => {
    const a = rateSite({ facility: full(12_000_000), it: full(8_000_000) });
    const b = rateSite({ facility: full(1_300_000), it: full(1_000_000) });
    const fleet = aggregateFleet([a, b]);
    expect(fleet.pue).toBeCloseTo(1.478, 3);
    expect(fleet.pue).toBeCloseTo(13.3 / 9, 12);
    expect(fleet.pue).not.toBeCloseTo((a.pue! + b.pue!) / 2, 2);
    expect(fleet.dcie).toBeCloseTo(9 / 13.3, 12);
    expect(fleet).toMatchObject({ sites: 2, excluded: 0, mixedCategories: false, pueCategories: [1] });
    expect(fleet.energy).toMatchObject({ facilityKwh: 13_300_000, itKwh: 9_000_000, waterM3: null });
  });

  it('leaves out metering faults and insufficient-data rows, keeps interim ones', () => {
    const ok = rateSite({ facility: full(1_200_000), it: full(1_000_000) });
    const interim = rateSite({
      facility: { energyKwh: 700_000, coverage: 0.5 },
      it: { energyKwh: 500_000, coverage: 0.5 },
    });
    const fault = rateSite({ facility: full(900_000), it: full(1_000_000) });
    const empty = rateSite({
      facility: { energyKwh: 1000, coverage: 0.1 },
      it: { energyKwh: 100, coverage: 0.1 },
    });
    expect([ok, interim, fault, empty].map(isFleetEligible)).toEqual([true, true, false, false]);
    const fleet = aggregateFleet([ok, interim, fault, empty]);
    expect(fleet).toMatchObject({ sites: 2, excluded: 2 });
    expect(fleet.pue).toBeCloseTo(1_900_000 / 1_500_000, 12);
  });

  it('WUE of a part-year water meter counts the IT energy of the days it measured, on the site and in the fleet', () => {
    const wholeYear = rateSite({
      facility: full(1_300_000),
      it: full(1_000_000),
      water: { m3: 1000, coverage: 1 },
    });
    const sinceJuly = rateSite({
      facility: full(1_300_000),
      it: full(1_000_000),
      water: { m3: 500, coverage: 0.5, itKwh: 500_000 },
    });
    expect([wholeYear.wue, sinceJuly.wue]).toEqual([1, 1]);
    expect(sinceJuly.energy.waterItKwh).toBe(500_000);
    expect(aggregateFleet([wholeYear, sinceJuly]).wue).toBeCloseTo(1, 12); // not 1500 m³ / 2 GWh = 0.75
  });

  it('water and CO₂ are weighted over the sites that report them; renewable and reuse credits over all sites', () => {
    const withAll = rateSite({
      facility: full(1_500_000),
      it: full(1_000_000),
      water: { m3: 2000, coverage: 1 },
      renewable: full(3_000_000), // surplus: REF capped at 1 for this site only
      reused: full(150_000),
      gridEmissionFactor: 0.6,
    });
    const bare = rateSite({ facility: full(1_200_000), it: full(1_000_000), gridEmissionFactor: 0.5 });
    const fleet = aggregateFleet([withAll, bare]);
    expect(fleet.pue).toBeCloseTo(2_700_000 / 2_000_000, 12);
    expect(fleet.wue).toBeCloseTo((2000 * 1000) / 1_000_000, 12); // not diluted by the site without a water meter
    // Credits: the bare site has no renewable or reuse meter, so it claims none; its energy still counts.
    expect(fleet.ref).toBeCloseTo(1_500_000 / 2_700_000, 12); // capped at the first site's own 1.5 M
    expect(fleet.erf).toBeCloseTo(150_000 / 2_700_000, 12); // not 0.10, the first site's alone
    expect(fleet.ere).toBeCloseTo((2_700_000 - 150_000) / 2_000_000, 12);
    // Market-based: site 1 all renewable → 0 kg; site 2: 0.5 × 1.2 M = 600 000 kg.
    expect(fleet.cue).toBeCloseTo(600_000 / 2_000_000, 12);
    expect(fleet.cueLocation).toBeCloseTo((0.6 * 1_500_000 + 0.5 * 1_200_000) / 2_000_000, 12);
    expect(fleet.energy).toMatchObject({
      renewableKwh: 3_000_000,
      reusedKwh: 150_000,
      waterM3: 2000,
      co2Kg: 600_000,
    });
  });

  it('REF is capped per site: one site’s surplus does not offset another’s grid energy', () => {
    const surplus = rateSite({ facility: full(1_000_000), it: full(800_000), renewable: full(2_000_000) });
    const none = rateSite({ facility: full(1_000_000), it: full(800_000), renewable: full(0) });
    expect(aggregateFleet([surplus, none]).ref).toBeCloseTo(0.5, 12);
  });

  it('credits are null only when no site reports them', () => {
    const a = rateSite({ facility: full(1_000_000), it: full(800_000) });
    const b = rateSite({ facility: full(1_000_000), it: full(800_000) });
    expect(aggregateFleet([a, b])).toMatchObject({ ref: null, erf: null, ere: null });
    const reuse = rateSite({ facility: full(1_000_000), it: full(800_000), reused: full(0) });
    expect(aggregateFleet([a, reuse])).toMatchObject({ erf: 0, ref: null });
  });

  it('flags mixed PUE categories', () => {
    const cat1 = rateSite({ facility: full(12_000_000), it: full(8_000_000), pueCategory: 1 });
    const cat2 = rateSite({ facility: full(12_000_000), it: full(7_800_000), pueCategory: 2 });
    expect(aggregateFleet([cat2, cat1])).toMatchObject({ mixedCategories: true, pueCategories: [1, 2] });
  });

  it('an empty fleet has null KPIs', () => {
    expect(aggregateFleet([])).toMatchObject({
      pue: null,
      dcie: null,
      wue: null,
      ref: null,
      erf: null,
      sites: 0,
      excluded: 0,
    });
  });
});
