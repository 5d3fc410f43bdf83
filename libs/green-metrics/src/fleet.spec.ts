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

  it('counts only final sites once the period has ended, with a status and coverage of its own and the reasons', () => {
    const ok = rateSite({ facility: full(1_200_000), it: full(1_000_000) });
    const interim = rateSite({
      facility: { energyKwh: 700_000, coverage: 0.3 },
      it: { energyKwh: 500_000, coverage: 0.3 },
    });
    const fault = rateSite({ facility: full(900_000), it: full(1_000_000) });
    const empty = rateSite({
      facility: { energyKwh: 1000, coverage: 0.1 },
      it: { energyKwh: 100, coverage: 0.1 },
    });
    expect([ok, interim, fault, empty].map((r) => isFleetEligible(r))).toEqual([true, false, false, false]);
    const fleet = aggregateFleet([ok, interim, fault, empty]);
    // Not (1.2 M + 0.7 M) / (1.0 M + 0.5 M): the site with 30 % coverage is left out.
    expect(fleet.pue).toBeCloseTo(1.2, 12);
    expect(fleet).toMatchObject({
      sites: 1,
      excluded: 3,
      excludedBy: { interim: 1, 'metering-fault': 1, 'insufficient-data': 1 },
      status: 'interim',
    });
    // 1.0 M of the 2.5001 M kWh of IT energy measured across the fleet: 40 %, so the fleet row is interim.
    expect(fleet.coverage).toBeCloseTo(1_000_000 / 2_500_100, 12);
  });

  it('is final when its final sites carry ≥ 95 % of the fleet’s IT energy, interim below', () => {
    const big = rateSite({ facility: full(12_000_000), it: full(9_600_000) });
    const small = rateSite({
      facility: { energyKwh: 300_000, coverage: 0.5 },
      it: { energyKwh: 200_000, coverage: 0.5 },
    });
    expect(aggregateFleet([big, small])).toMatchObject({ status: 'final', sites: 1 }); // 9.6 / 9.8 = 98 %
    const larger = rateSite({
      facility: { energyKwh: 3_000_000, coverage: 0.9 },
      it: { energyKwh: 2_000_000, coverage: 0.9 },
    });
    expect(aggregateFleet([big, larger])).toMatchObject({ status: 'interim', sites: 1 }); // 9.6 / 11.6 = 83 %
  });

  it('while the period runs, interim sites count and the fleet row is interim', () => {
    const a = rateSite({ facility: full(1_200_000), it: full(1_000_000), periodEnded: false });
    const b = rateSite({
      facility: { energyKwh: 700_000, coverage: 0.5 },
      it: { energyKwh: 500_000, coverage: 0.5 },
      periodEnded: false,
    });
    expect([a.status, b.status]).toEqual(['interim', 'interim']);
    const fleet = aggregateFleet([a, b], { periodEnded: false });
    expect(fleet).toMatchObject({ status: 'interim', sites: 2, excluded: 0 });
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
      status: 'insufficient-data',
      coverage: 0,
    });
  });
});
