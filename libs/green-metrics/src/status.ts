/**
 * Rating status from data coverage, and metering-fault detection (docs/contract.md "Green ratings").
 */

// Defined in libs/contracts, which the API's responses and the dashboard share.
import type { RatingStatus } from '@dcfleet/contracts';

export type { RatingStatus };

/** Minimum coverage (0..1) of BOTH energies for each status. Data, so a rule change is a config change. */
export interface StatusThresholds {
  final: number;
  interim: number;
}

export const STATUS_THRESHOLDS: StatusThresholds = { final: 0.95, interim: 0.25 };

/** Tolerance for float noise in threshold comparisons (values exactly AT a threshold pass). */
export const THRESHOLD_EPSILON = 1e-9;

/**
 * 'final' when the period has ended and both coverages ≥ thresholds.final; 'interim' when ≥ thresholds.interim (or
 * ≥ final before the period's end: a year is not final on 14 December, however well it was measured); else
 * insufficient.
 */
export function ratingStatus(
  facilityCoverage: number,
  itCoverage: number,
  thresholds: StatusThresholds = STATUS_THRESHOLDS,
  periodEnded = true,
): RatingStatus {
  const c = Math.min(clampCoverage(facilityCoverage), clampCoverage(itCoverage));
  if (c >= thresholds.final - THRESHOLD_EPSILON) return periodEnded ? 'final' : 'interim';
  if (c >= thresholds.interim - THRESHOLD_EPSILON) return 'interim';
  return 'insufficient-data';
}

/** Coverage as a number in 0..1 (NaN → 0). */
export function clampCoverage(coverage: number): number {
  return Number.isNaN(coverage) ? 0 : Math.min(1, Math.max(0, coverage));
}

export interface MeteringCheck {
  meteringFault: boolean;
  reasons: string[];
}

/**
 * A metering fault (never graded, excluded from fleet figures): IT energy above facility energy
 * (= PUE < 1), IT energy zero while the facility consumed energy (PUE infinite), or a negative or
 * non-finite energy. Both energies zero (no data) is not a fault: the status says so.
 */
export function checkMetering(facilityKwh: number, itKwh: number): MeteringCheck {
  const reasons: string[] = [];
  if (!Number.isFinite(facilityKwh) || !Number.isFinite(itKwh)) {
    reasons.push('energy is not a finite number');
  } else if (facilityKwh < 0 || itKwh < 0) {
    reasons.push('negative energy');
  } else if (itKwh > facilityKwh) {
    reasons.push(`IT energy ${itKwh} kWh exceeds facility energy ${facilityKwh} kWh (PUE < 1)`);
  } else if (itKwh === 0 && facilityKwh > 0) {
    reasons.push('IT energy is zero while the facility consumed energy');
  }
  return { meteringFault: reasons.length > 0, reasons };
}
