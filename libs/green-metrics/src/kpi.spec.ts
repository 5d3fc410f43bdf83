import {
  FUEL_KWH_PER_UNIT,
  cer,
  cue,
  cueLocation,
  dcie,
  ere,
  erf,
  fuelEnergyKwh,
  gbCharacteristicRatio,
  ownedRenewableKwh,
  ppue,
  pue,
  ref,
  wue,
} from './kpi';

describe('published worked examples (green-metrics.md §12.1)', () => {
  it('P1 WUE: 928 m³ / 582.6 MWh = 1.593 L/kWh (1.6 m³/MWh)', () => {
    const v = wue(928, 582_600)!;
    expect(v).toBeCloseTo(1.593, 3);
    expect(Number(v.toFixed(1))).toBe(1.6);
  });

  it('P2 REF: 99 / 147 = 0.6735 (0.67)', () => {
    expect(ref(99, 147)).toBeCloseTo(0.6735, 4);
    expect(ref(99, 147)!.toFixed(2)).toBe('0.67');
  });

  it('P3 CER: 95 / 44 = 2.1591 (2.16)', () => {
    expect(cer(95, 44)).toBeCloseTo(2.1591, 4);
    expect(cer(95, 44)!.toFixed(2)).toBe('2.16');
  });

  it('P4 ERF: 60 MWh reused of 100 MWh = 0.60', () => {
    expect(erf(60_000, 100_000)).toBeCloseTo(0.6, 12);
  });
});

describe('derived worked examples (green-metrics.md §12.2)', () => {
  const eDc = 12_000_000;
  const eIt = 8_000_000;

  it('D1 PUE 1.500, DCiE 66.7 %', () => {
    expect(pue(eDc, eIt)).toBe(1.5);
    expect(dcie(eDc, eIt)).toBeCloseTo(0.667, 3);
  });

  it('D2 IT metered at PDU output (Cat 2): 1.538', () => {
    expect(pue(eDc, 7_800_000)).toBeCloseTo(1.538, 3);
  });

  it('D3 CUE all-grid, CEF 0.5: 0.75 kgCO₂/kWh = CEF × PUE', () => {
    expect(cue(0.5, eDc, 0, eIt)).toBeCloseTo(0.75, 12);
    expect(cueLocation(0.5, eDc, eIt)).toBeCloseTo(0.5 * 1.5, 12);
  });

  it('D4 WUE: 14 400 m³ → 1.80 L/kWh', () => {
    expect(wue(14_400, eIt)).toBeCloseTo(1.8, 12);
  });

  it('D5 REF: retired GoO 3.0 GWh + on-site PV with certificates kept 0.6 GWh; sold PV excluded → 0.30', () => {
    const eRen = ownedRenewableKwh({
      certificatesRetiredKwh: 3_000_000,
      onsiteCertificatesKeptKwh: 600_000,
      onsiteCertificatesSoldKwh: 400_000,
    })!;
    expect(eRen).toBe(3_600_000);
    expect(ref(eRen, eDc)).toBeCloseTo(0.3, 12);
    // Renewables reduce market-based CUE only.
    expect(cue(0.5, eDc, eRen, eIt)).toBeCloseTo((0.5 * 8_400_000) / eIt, 12);
  });

  it('D6 ERF 0.10, ERE 1.35 = (1 − ERF) × PUE; PUE unchanged', () => {
    expect(erf(1_200_000, eDc)).toBeCloseTo(0.1, 12);
    expect(ere(eDc, 1_200_000, eIt)).toBeCloseTo(1.35, 12);
    expect(ere(eDc, 1_200_000, eIt)).toBeCloseTo((1 - 0.1) * pue(eDc, eIt)!, 12);
    expect(pue(eDc, eIt)).toBe(1.5);
  });

  it('D8 fuel conversion: grid 11 901 000 kWh + 10 000 L diesel = 12 000 000 kWh', () => {
    expect(FUEL_KWH_PER_UNIT.diesel).toBe(9.9);
    expect(11_901_000 + fuelEnergyKwh(10_000, 'diesel')!).toBeCloseTo(12_000_000, 6);
    expect(fuelEnergyKwh(100, 'naturalGas')).toBeCloseTo(1050, 9);
    expect(fuelEnergyKwh(-1, 'diesel')).toBeNull();
  });

  it('D9 GB 40879 characteristic method: EC 10 529 520 kWh, ECIT 8 760 000 kWh, RM1 1.202', () => {
    const shares = [0.1, 0.25, 0.3, 0.25, 0.1];
    const totals = [1300, 1250, 1200, 1150, 1120];
    const r = gbCharacteristicRatio(shares.map((share, i) => ({ share, totalKw: totals[i], itKw: 1000 })))!;
    expect(r.ecKwh).toBeCloseTo(10_529_520, 4);
    expect(r.ecItKwh).toBeCloseTo(8_760_000, 4);
    expect(r.ratio).toBeCloseTo(1.202, 9);
  });

  it('D11 sanity: E_DC below E_IT gives PUE < 1 (flagged by the rating)', () => {
    expect(pue(7_900_000, eIt)).toBeCloseTo(0.9875, 12);
  });
});

describe('undefined inputs return null, never NaN or Infinity', () => {
  it.each([
    ['pue E_IT = 0', () => pue(100, 0)],
    ['pue negative', () => pue(-1, 10)],
    ['pue NaN', () => pue(Number.NaN, 10)],
    ['pue Infinity', () => pue(Number.POSITIVE_INFINITY, 10)],
    ['dcie E_DC = 0', () => dcie(0, 10)],
    ['ppue zone IT = 0', () => ppue(0, 5)],
    ['ppue negative infra', () => ppue(10, -5)],
    ['wue E_IT = 0', () => wue(10, 0)],
    ['wue negative water', () => wue(-1, 10)],
    ['cue E_IT = 0', () => cue(0.5, 10, 0, 0)],
    ['cue negative EF', () => cue(-0.5, 10, 0, 5)],
    ['cueLocation E_IT = 0', () => cueLocation(0.5, 10, 0)],
    ['ref E_DC = 0', () => ref(5, 0)],
    ['erf E_DC = 0', () => erf(5, 0)],
    ['ere E_IT = 0', () => ere(10, 1, 0)],
    ['cer cooling = 0', () => cer(10, 0)],
  ])('%s', (_name, fn) => {
    expect(fn()).toBeNull();
  });

  it('gbCharacteristicRatio: shares not adding to 1, no points, zero IT power', () => {
    expect(gbCharacteristicRatio([{ share: 0.5, totalKw: 10, itKw: 8 }])).toBeNull();
    expect(gbCharacteristicRatio([])).toBeNull();
    expect(gbCharacteristicRatio([{ share: 1, totalKw: 10, itKw: 0 }])).toBeNull();
    expect(gbCharacteristicRatio([{ share: 1, totalKw: -10, itKw: 5 }])).toBeNull();
  });
});

describe('bounds', () => {
  it('REF is capped at 1 (surplus renewables do not count)', () => {
    expect(ref(150, 100)).toBe(1);
  });

  it('CUE emissions never go below zero when renewables exceed E_DC', () => {
    expect(cue(0.6, 100, 150, 80)).toBe(0);
  });

  it('pPUE of a zone: (IT + infra) / IT', () => {
    expect(ppue(1000, 150)).toBeCloseTo(1.15, 12);
  });

  it('zero water is a legitimate WUE of 0', () => {
    expect(wue(0, 1000)).toBe(0);
  });

  it('ERE may go below 1 with heavy reuse', () => {
    expect(ere(1200, 400, 1000)).toBeCloseTo(0.8, 12);
  });

  it('ownedRenewableKwh rejects negative parts', () => {
    expect(ownedRenewableKwh({ certificatesRetiredKwh: -1 })).toBeNull();
    expect(ownedRenewableKwh({})).toBe(0);
  });
});
