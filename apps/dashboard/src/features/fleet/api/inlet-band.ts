/** The hottest inlet's colour: inside the ASHRAE recommended band, only inside A1 allowable, or beyond it. */
import { ASHRAE_INLET_BANDS } from '@dcfleet/contracts';

export type InletBand = 'ok' | 'warning' | 'critical' | 'none';

/**
 * Uses the built-in rule bands (recommended 18–27 °C warns, allowable 15–32 °C is critical); the fleet page does
 * not fetch per-site rule overrides, so a site whose rule was retuned is still coloured by the defaults.
 */
export function inletBand(celsius: number | null | undefined, bands = ASHRAE_INLET_BANDS): InletBand {
  if (celsius === null || celsius === undefined || !Number.isFinite(celsius)) return 'none';
  if (celsius < bands.critical.low || celsius > bands.critical.high) return 'critical';
  if (celsius < bands.warning.low || celsius > bands.warning.high) return 'warning';
  return 'ok';
}
