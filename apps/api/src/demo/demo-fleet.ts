import type { CreateDataCenterInput, IngestEntry } from '@dcfleet/contracts';

/**
 * A small demo fleet until the full simulator lands: three Guizhou sites with plausible power, PUE that
 * follows the outdoor temperature, energy counters integrating power, and per-zone inlet temperatures.
 */
export const DEMO_SITES: CreateDataCenterInput[] = [
  { code: 'GZ-GA-01', name: "Gui'an Cloud Park A", operator: 'Qianyun Data Services', region: "Gui'an New Area", hub: "Guizhou hub / Gui'an cluster", latitude: 26.38, longitude: 106.43, timezone: 'Asia/Shanghai', itCapacityKw: 40_000, racks: 8000, pueCategory: 1, gridEmissionFactor: 0.5366, greenCertifiedYear: 2023, commissionedAt: '2019-06-01T00:00:00+08:00' },
  { code: 'GZ-GY-02', name: 'Guiyang Huaxi Compute Center', operator: 'Zhujiang Digital Infrastructure', region: 'Guiyang', hub: "Guizhou hub / Gui'an cluster", latitude: 26.43, longitude: 106.67, timezone: 'Asia/Shanghai', itCapacityKw: 18_000, racks: 3600, pueCategory: 2, gridEmissionFactor: 0.5366, greenCertifiedYear: null, commissionedAt: '2020-03-15T00:00:00+08:00' },
  { code: 'GZ-ZY-03', name: 'Zunyi Xinpu Data Hall', operator: 'Loushan Cloud Co.', region: 'Zunyi', hub: "Guizhou hub / Gui'an cluster", latitude: 27.7, longitude: 106.93, timezone: 'Asia/Shanghai', itCapacityKw: 9_000, racks: 1800, pueCategory: 1, gridEmissionFactor: 0.5366, greenCertifiedYear: null, commissionedAt: '2021-09-01T00:00:00+08:00' },
];

const BASE_PUE: Record<string, number> = { 'GZ-GA-01': 1.2, 'GZ-GY-02': 1.32, 'GZ-ZY-03': 1.45 };

export interface DemoSiteState {
  code: string;
  facilityKwh: number;
  itKwh: number;
  lastTs: number;
}

function outdoorC(ts: number): number {
  const d = new Date(ts + 8 * 3_600_000);
  const dayOfYear = Math.floor((ts - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000);
  const seasonal = 15 - 10 * Math.cos(((dayOfYear - 15) / 365) * 2 * Math.PI);
  const diurnal = 4 * Math.sin(((d.getUTCHours() - 9) / 24) * 2 * Math.PI);
  return seasonal + diurnal;
}

/** Entries for one site at one instant, advancing its energy counters from the previous instant. */
export function demoEntries(site: CreateDataCenterInput, state: DemoSiteState, ts: number): IngestEntry[] {
  const cap = site.itCapacityKw ?? 5000;
  const hour = new Date(ts + 8 * 3_600_000).getUTCHours();
  const it = cap * (0.55 + 0.08 * Math.sin(((hour - 14) / 24) * 2 * Math.PI)) * (1 + 0.01 * Math.sin(ts / 7_000_000));
  const t = outdoorC(ts);
  const pue = (BASE_PUE[site.code] ?? 1.3) + Math.max(0, t - 15) * 0.006;
  const facility = it * pue;
  const hours = state.lastTs ? (ts - state.lastTs) / 3_600_000 : 0;
  state.facilityKwh += facility * hours;
  state.itKwh += it * hours;
  state.lastTs = ts;
  const entries: IngestEntry[] = [
    { ts, values: { facility_power_kw: round(facility), it_power_kw: round(it), outdoor_temp_c: round(t), facility_energy_kwh: round(state.facilityKwh), it_energy_kwh: round(state.itKwh) } },
  ];
  for (const zone of ['A1', 'A2', 'B1']) {
    const inlet = 22 + (zone === 'B1' ? 1.5 : 0) + Math.sin(ts / 3_000_000 + zone.length) * 1.2;
    entries.push({ ts, labels: { zone }, values: { inlet_temp_c: round(inlet), relative_humidity_pct: round(45 + Math.sin(ts / 5_000_000) * 5) } });
  }
  return entries;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
