import { localYearRange } from './calendar';
import { counterEnergy, powerEnergy } from './energy';
import { fuelEnergyKwh, ownedRenewableKwh } from './kpi';
import { rateSite } from './rating';
import type { SiteRatingInput } from './rating';
import { GB40879_2021 } from './schemes';
import { STATUS_THRESHOLDS, checkMetering, ratingStatus } from './status';
import {
  DAY,
  HOUR,
  MINUTE,
  constantKw,
  gaugeSamples,
  meterSamples,
  rollupDaily,
  steps,
} from './test-support/daily-buckets';

const full = (energyKwh: number) => ({ energyKwh, coverage: 1 });
const base: SiteRatingInput = { facility: full(12_000_000), it: full(8_000_000) };

describe('rateSite on the worked examples', () => {
  it('D1: PUE 1.500, DCiE 66.7 %, final, GB grade 3, misses the 1.25 hub target', () => {
    const r = rateSite(base);
    expect(r).toMatchObject({
      pue: 1.5,
      pueCategory: 1,
      status: 'final',
      coverage: 1,
      grade: 3,
      meetsHubTarget: false,
      meteringFault: false,
      schemeId: GB40879_2021.id,
    });
    expect(r.dcie).toBeCloseTo(0.667, 3);
    // Unreported quantities give null KPIs, not zeros.
    expect(r).toMatchObject({ wue: null, cue: null, cueLocation: null, ref: null, erf: null, ere: null });
    expect(r.energy).toEqual({
      facilityKwh: 12_000_000,
      itKwh: 8_000_000,
      facilityTotalKwh: 12_000_000,
      itTotalKwh: 8_000_000,
      renewableKwh: null,
      reusedKwh: null,
      waterM3: null,
      waterItKwh: null,
      co2Kg: null,
      co2LocationKg: null,
    });
  });

  it('D2: category 2 (PDU output) is carried with the value', () => {
    const r = rateSite({ ...base, it: full(7_800_000), pueCategory: 2 });
    expect(r.pue).toBeCloseTo(1.538, 3);
    expect(r.pueCategory).toBe(2);
  });

  it('D3–D6: CUE 0.75, WUE 1.80, REF 0.30, ERF 0.10, ERE 1.35, PUE stays 1.5', () => {
    const allGrid = rateSite({ ...base, gridEmissionFactor: 0.5, water: { m3: 14_400, coverage: 1 } });
    expect(allGrid.cue).toBeCloseTo(0.75, 12);
    expect(allGrid.cueLocation).toBeCloseTo(0.75, 12);
    expect(allGrid.wue).toBeCloseTo(1.8, 12);
    expect(allGrid.energy.co2Kg).toBeCloseTo(6_000_000, 6);

    const eRen = ownedRenewableKwh({
      certificatesRetiredKwh: 3_000_000,
      onsiteCertificatesKeptKwh: 600_000,
      onsiteCertificatesSoldKwh: 400_000,
    })!;
    const r = rateSite({
      ...base,
      gridEmissionFactor: 0.5,
      renewable: full(eRen),
      reused: full(1_200_000),
    });
    expect(r.ref).toBeCloseTo(0.3, 12);
    expect(r.erf).toBeCloseTo(0.1, 12);
    expect(r.ere).toBeCloseTo(1.35, 12);
    expect(r.pue).toBe(1.5);
    expect(r.cue).toBeCloseTo((0.5 * (12_000_000 - 3_600_000)) / 8_000_000, 12);
    expect(r.cueLocation).toBeCloseTo(0.75, 12);
    expect(r.energy.co2LocationKg).toBeCloseTo(6_000_000, 6);
  });

  it('D7: six months of data → interim PUE 1.45, shown but not graded', () => {
    const half = 181 / 365;
    const r = rateSite({
      facility: { energyKwh: 5_800_000, coverage: half },
      it: { energyKwh: 4_000_000, coverage: half },
    });
    expect(r).toMatchObject({ pue: 1.45, status: 'interim', grade: null, meetsHubTarget: null });
    expect(r.coverage).toBeCloseTo(half, 12);
  });

  it('D8: diesel converted at the boundary gives E_DC 12 000 000 kWh and PUE 1.5', () => {
    const eDc = 11_901_000 + fuelEnergyKwh(10_000, 'diesel')!;
    expect(rateSite({ ...base, facility: full(eDc) }).pue).toBeCloseTo(1.5, 12);
  });

  it('D11: E_DC 7 900 000 < E_IT 8 000 000 → metering fault, never graded', () => {
    const r = rateSite({ ...base, facility: full(7_900_000) });
    expect(r).toMatchObject({ status: 'final', meteringFault: true, grade: null, meetsHubTarget: null });
    expect(r.pue).toBeCloseTo(0.9875, 12);
    expect(r.faultReasons[0]).toMatch(/exceeds facility energy/);
  });
});

describe('grade thresholds through rateSite', () => {
  it.each([
    [1_200_000, 1, true],
    [1_250_000, 2, true],
    [1_300_000, 2, false],
    [1_500_000, 3, false],
    [1_500_001, 'below-limit', false],
  ])('E_DC %p over E_IT 1 000 000 → grade %p, hub target %p', (eDc, grade, hub) => {
    const r = rateSite({ facility: full(eDc), it: full(1_000_000), hub: 'Guizhou' });
    expect(r.grade).toBe(grade);
    expect(r.meetsHubTarget).toBe(hub);
  });

  it('uses the scheme and hub targets passed as options', () => {
    const r = rateSite({
      facility: full(1_220_000),
      it: full(1_000_000),
      hub: 'Guizhou',
      options: {
        scheme: { ...GB40879_2021, id: 'next', grades: [{ grade: 1, maxPue: 1.25 }] },
        hubTargets: { id: 't', defaultMaxPue: 1.25, overrides: { Guizhou: 1.2 } },
      },
    });
    expect(r).toMatchObject({ grade: 1, meetsHubTarget: false, schemeId: 'next' });
  });

  it('GB 40879 leaves edge data centers (≤ 100 racks) ungraded; the hub target still applies', () => {
    const rate = (racks: number | null) =>
      rateSite({ facility: full(1_200_000), it: full(1_000_000), hub: 'Guizhou', racks });
    expect(rate(100)).toMatchObject({
      status: 'final',
      grade: null,
      meetsHubTarget: true,
      outOfScope: expect.stringMatching(/^edge data center \(100 racks, at most 100\)/) as string,
    });
    expect(rate(101)).toMatchObject({ grade: 1, outOfScope: null });
    expect(rate(null)).toMatchObject({ grade: 1, outOfScope: null }); // rack count unknown: graded
  });
});

describe('one window per KPI', () => {
  it('REF, WUE and CUE divide whole-period totals, as their renewable, water and emissions are; PUE the paired energies', () => {
    // A 14-day facility meter gap the IT meter did not share: the paired energies lose those days (facility
    // 1.25 MW, IT 1 MW constant), the meters' own totals do not.
    const days = 365;
    const paired = (kw: number) => ({ energyKwh: kw * 24 * (days - 14), coverage: (days - 14) / days });
    const r = rateSite({
      facility: paired(1250),
      it: paired(1000),
      totals: { facilityKwh: 1250 * 24 * days, itKwh: 1000 * 24 * days },
      renewable: { energyKwh: 0.3 * 1250 * 24 * days, coverage: 1 },
      water: { m3: 1000 * 24 * days * 0.001, coverage: 1 },
      gridEmissionFactor: 0.5,
    });
    expect(r.pue).toBeCloseTo(1.25, 12);
    expect(r.ref).toBeCloseTo(0.3, 12); // was 0.312: annual renewable over 351 days of facility energy
    expect(r.wue).toBeCloseTo(1, 12); // was 1.04
    expect(r.cue).toBeCloseTo((0.5 * 0.7 * 1250) / 1000, 12); // was 0.447 instead of 0.4375
    expect(r.energy).toMatchObject({ facilityTotalKwh: 1250 * 24 * days, itTotalKwh: 1000 * 24 * days });
  });
});

describe('status from coverage of BOTH energies', () => {
  it.each([
    [0.95, 1, 'final'],
    [1, 0.95, 'final'],
    [0.9499, 1, 'interim'],
    [1, 0.9499, 'interim'],
    [0.25, 0.25, 'interim'],
    [0.2499, 1, 'insufficient-data'],
    [0, 0, 'insufficient-data'],
    [Number.NaN, 1, 'insufficient-data'],
  ])('facility %p, IT %p → %p', (fc, ic, status) => {
    expect(ratingStatus(fc, ic)).toBe(status);
    const r = rateSite({
      facility: { energyKwh: 1_200_000, coverage: fc },
      it: { energyKwh: 1_000_000, coverage: ic },
    });
    expect(r.status).toBe(status);
    expect(r.grade).toBe(status === 'final' ? 1 : null);
  });

  it('a period that has not ended is interim whatever its coverage, and never graded', () => {
    // Data to 14 December: coverage 0.9507, but the year is not over.
    const r = rateSite({
      facility: { energyKwh: 1_200_000, coverage: 0.9507 },
      it: { energyKwh: 1_000_000, coverage: 0.9507 },
      periodEnded: false,
    });
    expect(r).toMatchObject({ status: 'interim', grade: null, meetsHubTarget: null });
    expect(ratingStatus(1, 1, STATUS_THRESHOLDS, false)).toBe('interim');
    expect(ratingStatus(0.1, 1, STATUS_THRESHOLDS, false)).toBe('insufficient-data');
  });

  it('coverage computed from sample times: exactly 95 % of the year is final', () => {
    expect(ratingStatus((0.95 * 8760 * HOUR) / (8760 * HOUR), 1)).toBe('final');
    expect(STATUS_THRESHOLDS).toEqual({ final: 0.95, interim: 0.25 });
  });

  it('thresholds are data', () => {
    expect(ratingStatus(0.9, 0.9, { final: 0.9, interim: 0.5 })).toBe('final');
    expect(ratingStatus(0.4, 0.9, { final: 0.9, interim: 0.5 })).toBe('insufficient-data');
  });
});

describe('metering checks', () => {
  it('flags IT above facility, zero IT with facility energy, negative and non-finite energies', () => {
    expect(checkMetering(100, 101).meteringFault).toBe(true);
    expect(checkMetering(100, 0).meteringFault).toBe(true);
    expect(checkMetering(-1, 0).meteringFault).toBe(true);
    expect(checkMetering(Number.NaN, 10).meteringFault).toBe(true);
    expect(checkMetering(100, 100)).toEqual({ meteringFault: false, reasons: [] });
    expect(checkMetering(0, 0).meteringFault).toBe(false);
  });

  it('a site with no data: insufficient-data, no fault, null KPIs', () => {
    const r = rateSite({
      facility: { energyKwh: 0, coverage: 0 },
      it: { energyKwh: 0, coverage: 0 },
      gridEmissionFactor: 0.5,
    });
    expect(r).toMatchObject({
      status: 'insufficient-data',
      meteringFault: false,
      pue: null,
      dcie: null,
      cue: null,
      grade: null,
    });
  });
});

describe('rateSite from daily buckets (end to end)', () => {
  const tz = 'Asia/Shanghai';
  const year = localYearRange(2025, tz);
  const hourly = steps(year.start - DAY, year.end + DAY, HOUR);

  it('counters: facility 1250 kWh/h, IT 1000 kWh/h → PUE 1.25, final, grade 2, meets the hub target', () => {
    const facility = counterEnergy(rollupDaily(meterSamples(hourly, constantKw(1250)), tz), year);
    const it = counterEnergy(rollupDaily(meterSamples(hourly, constantKw(1000)), tz), year);
    const r = rateSite({ facility, it, hub: 'Guizhou' });
    expect(r).toMatchObject({ pue: 1.25, status: 'final', grade: 2, meetsHubTarget: true });
    expect(r.energy.facilityKwh).toBe(10_950_000);
  });

  it('IT meter replaced mid-year (counter reset): annual PUE unaffected', () => {
    const facility = counterEnergy(rollupDaily(meterSamples(hourly, constantKw(1250)), tz), year);
    const itSamples = meterSamples(hourly, constantKw(1000), {
      startReading: 7_777_777,
      replacedAt: [Date.parse('2025-08-15T09:20:00+08:00')],
    });
    const it = counterEnergy(rollupDaily(itSamples, tz), year);
    expect(it.resets).toBe(1);
    expect(rateSite({ facility, it }).pue).toBe(1.25);
  });

  it('IT readings missing for a month: the meter bridged it, so the year is final and graded', () => {
    const facility = counterEnergy(rollupDaily(meterSamples(hourly, constantKw(1250)), tz), year);
    const gapFrom = Date.parse('2025-09-01T00:00:00+08:00');
    const gapTo = Date.parse('2025-10-01T00:00:00+08:00');
    const it = counterEnergy(
      rollupDaily(
        meterSamples(
          hourly.filter((t) => t < gapFrom || t >= gapTo),
          constantKw(1000),
        ),
        tz,
      ),
      year,
    );
    const r = rateSite({ facility, it });
    expect(r).toMatchObject({ status: 'final', grade: 2, pue: 1.25 }); // was interim, coverage 0.918
    expect(r.coverage).toBe(1);
    expect(it.bridged).toEqual([{ from: gapFrom - HOUR, to: gapTo }]);
  });

  it('power-only site: facility 1300 kW, IT 1000 kW every 5 min → PUE 1.30, final, grade 2', () => {
    const five = steps(year.start - DAY, year.end + DAY, 5 * MINUTE);
    const facility = powerEnergy(
      rollupDaily(
        gaugeSamples(five, () => 1300),
        tz,
      ),
      year,
    );
    const it = powerEnergy(
      rollupDaily(
        gaugeSamples(five, () => 1000),
        tz,
      ),
      year,
    );
    expect(facility.energyKwh).toBeCloseTo(1300 * 8760, 6);
    const r = rateSite({ facility, it });
    expect(r.pue).toBeCloseTo(1.3, 12);
    expect(r).toMatchObject({ status: 'final', grade: 2, meetsHubTarget: false });
  });

  it('IT energy above facility energy from real buckets is flagged', () => {
    const facility = counterEnergy(rollupDaily(meterSamples(hourly, constantKw(900)), tz), year);
    const it = counterEnergy(rollupDaily(meterSamples(hourly, constantKw(1000)), tz), year);
    expect(rateSite({ facility, it })).toMatchObject({ meteringFault: true, grade: null, status: 'final' });
  });
});
