/**
 * KPI formulas (green-metrics.md §0–§6). All energies are kWh over the SAME period, water in m³.
 * Arguments follow the order of the formula's symbols. A KPI that is undefined for its inputs (zero or
 * negative denominator, negative or non-finite input) returns null — never NaN or Infinity. No rounding
 * here: presentation rounds.
 */

import type { PueCategory } from '@dcfleet/contracts';

// One definition for the API, the dashboard and these formulas: libs/contracts.
export type { PueCategory };

function usable(...values: number[]): boolean {
  return values.every((v) => Number.isFinite(v) && v >= 0);
}

function ratio(numerator: number, denominator: number): number | null {
  return usable(numerator, denominator) && denominator > 0 ? numerator / denominator : null;
}

/** PUE = E_DC / E_IT (ISO/IEC 30134-2). A value < 1 is a metering fault, flagged by the rating. */
export function pue(facilityKwh: number, itKwh: number): number | null {
  return ratio(facilityKwh, itKwh);
}

/** DCiE = E_IT / E_DC = 1 / PUE, as a fraction (0.667, not 66.7 %). */
export function dcie(facilityKwh: number, itKwh: number): number | null {
  return ratio(itKwh, facilityKwh);
}

/** Partial PUE of a zone/subsystem = (E_IT,zone + E_infra,zone) / E_IT,zone. */
export function ppue(zoneItKwh: number, zoneInfraKwh: number): number | null {
  return usable(zoneInfraKwh) ? ratio(zoneItKwh + zoneInfraKwh, zoneItKwh) : null;
}

/** WUE in L/kWh = water m³ × 1000 / E_IT (1 L/kWh = 1 m³/MWh). */
export function wue(waterM3: number, itKwh: number): number | null {
  return usable(waterM3) ? ratio(waterM3 * 1000, itKwh) : null;
}

/**
 * CUE (market-based), kgCO₂e/kWh = EF × (E_DC − E_REN) / E_IT: renewable energy whose certificates the
 * site holds counts as zero-carbon. Emissions never go below 0 (surplus renewables are not a credit,
 * as REF is capped at 1).
 */
export function cue(
  emissionFactor: number,
  facilityKwh: number,
  renewableKwh: number,
  itKwh: number,
): number | null {
  if (!usable(emissionFactor, facilityKwh, renewableKwh)) return null;
  return ratio(emissionFactor * Math.max(0, facilityKwh - renewableKwh), itKwh);
}

/** CUE (location-based), kgCO₂e/kWh = EF × E_DC / E_IT (= EF × PUE for an all-grid site). */
export function cueLocation(emissionFactor: number, facilityKwh: number, itKwh: number): number | null {
  return usable(emissionFactor, facilityKwh) ? ratio(emissionFactor * facilityKwh, itKwh) : null;
}

/** REF = E_REN / E_DC, capped at 1 (ISO/IEC 30134-3: surplus on-site generation is not counted). */
export function ref(renewableKwh: number, facilityKwh: number): number | null {
  const r = ratio(renewableKwh, facilityKwh);
  return r === null ? null : Math.min(1, r);
}

/** ERF = E_REUSE / E_DC (ISO/IEC 30134-6). Not capped: a value > 1 reveals a metering problem. */
export function erf(reusedKwh: number, facilityKwh: number): number | null {
  return ratio(reusedKwh, facilityKwh);
}

/** ERE = (E_DC − E_REUSE) / E_IT = (1 − ERF) × PUE (Green Grid); may be below 1. */
export function ere(facilityKwh: number, reusedKwh: number, itKwh: number): number | null {
  if (!usable(facilityKwh, reusedKwh, itKwh) || itKwh <= 0) return null;
  return (facilityKwh - reusedKwh) / itKwh;
}

/** CER = heat removed / cooling-system energy (ISO/IEC 30134-7), higher is better. */
export function cer(heatRemovedKwh: number, coolingKwh: number): number | null {
  return ratio(heatRemovedKwh, coolingKwh);
}

export interface CharacteristicPoint {
  /** T_x: share of the year's hours in the temperature band of condition x (Σ shares = 1). */
  share: number;
  /** P_x: total DC power at condition x, kW. */
  totalKw: number;
  /** P_xIT: IT power at condition x, kW. */
  itKw: number;
}

export interface CharacteristicRatio {
  /** EC = 8760 · Σ T_x·P_x, kWh. */
  ecKwh: number;
  /** ECIT = 8760 · Σ T_x·P_xIT, kWh. */
  ecItKwh: number;
  /** RM1 = EC / ECIT. */
  ratio: number;
}

/**
 * GB 40879-2021 characteristic-condition (特性工况) method, clauses 6.3.2.2–6.3.2.4: RM1 from the
 * five operating points. Null when the shares do not add up to 1 (±1e-6), an input is negative or
 * non-finite, or ECIT is 0. How RM1 and RM2 (= annual PUE) combine is UNCONFIRMED, so callers grade
 * whichever value their scheme prescribes.
 */
export function gbCharacteristicRatio(points: readonly CharacteristicPoint[]): CharacteristicRatio | null {
  if (points.length === 0) return null;
  if (!points.every((p) => usable(p.share, p.totalKw, p.itKw))) return null;
  const shares = points.reduce((s, p) => s + p.share, 0);
  if (Math.abs(shares - 1) > 1e-6) return null;
  const ecKwh = 8760 * points.reduce((s, p) => s + p.share * p.totalKw, 0);
  const ecItKwh = 8760 * points.reduce((s, p) => s + p.share * p.itKw, 0);
  return ecItKwh > 0 ? { ecKwh, ecItKwh, ratio: ecKwh / ecItKwh } : null;
}

/** kWh per unit of fuel at the DC boundary (EN 50600-4 series factsheet), as data. */
export const FUEL_KWH_PER_UNIT = {
  /** per litre */
  diesel: 9.9,
  /** per m³ */
  naturalGas: 10.5,
  /** per kg */
  hydrogen: 38.9,
  /** per litre */
  bioethanol: 6,
} as const satisfies Record<string, number>;

export type Fuel = keyof typeof FUEL_KWH_PER_UNIT;

/** Fuel burned on site converted to kWh, to add to E_DC (count the fuel OR the generator's output, not both). */
export function fuelEnergyKwh(amount: number, fuel: Fuel): number | null {
  return usable(amount) ? amount * FUEL_KWH_PER_UNIT[fuel] : null;
}

/** Renewable energy by origin; only energy whose attribute certificates the DC holds counts (§4). */
export interface RenewableSources {
  /** Guarantees of origin / RECs retired for the DC. */
  certificatesRetiredKwh?: number;
  /** On-site generation whose certificates are kept (retired for the DC). */
  onsiteCertificatesKeptKwh?: number;
  /** Utility green supply with written evidence for the period. */
  utilityDocumentedKwh?: number;
  /** On-site generation whose certificates were SOLD: listed for completeness, never counted. */
  onsiteCertificatesSoldKwh?: number;
}

/** E_REN eligible for REF/CUE: everything except on-site generation whose certificates were sold. */
export function ownedRenewableKwh(sources: RenewableSources): number | null {
  const counted = [
    sources.certificatesRetiredKwh,
    sources.onsiteCertificatesKeptKwh,
    sources.utilityDocumentedKwh,
  ];
  const values = counted.map((v) => v ?? 0);
  return usable(...values) ? values.reduce((s, v) => s + v, 0) : null;
}
