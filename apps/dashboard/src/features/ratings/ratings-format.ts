/**
 * One number format per unit on the ratings pages (table, report, exports), on top of the shared react-intl
 * formatter so separators follow the language. Before, one page printed `2,484.0 GWh` and another `50,646`
 * beside `51,965.3 tCO₂e`; every figure of a kind now goes through one function here.
 */
import { isNumber, NO_VALUE, type Format } from '../../lib/format';

type Value = number | null | undefined;

export interface RatingsFormat {
  /** A rated PUE, three decimals (grades compare the unrounded value): `1.202`. */
  pue(v: Value): string;
  /** WUE in L/kWh, two decimals: `1.04`. */
  wue(v: Value): string;
  /** CUE (market- and location-based) in kgCO₂e/kWh, three decimals: `0.484`. */
  cue(v: Value): string;
  /** REF, ERF, ERE: three decimals. */
  ratio(v: Value): string;
  /** A grid emission factor in kgCO₂/kWh, four decimals as published: `0.3869`. */
  factor(v: Value): string;
  /** Energy: kWh below 1 MWh (no decimals), MWh below 1 GWh (one decimal), else GWh (two decimals). */
  energy(kwh: Value): string;
  /** Emissions in tonnes CO₂e, one decimal: `51,965.3 tCO₂e`. */
  co2(kg: Value): string;
  /** Water in m³, no decimals: `50,646 m³`. */
  water(m3: Value): string;
  /** A 0..1 share (coverage, DCiE) as a percentage, one decimal: `95.2%`. */
  share(fraction: Value): string;
  /** Hours, one decimal: `631.8 h`. */
  hours(h: Value): string;
  /** A formatted figure with its unit, or the no-value mark alone. */
  withUnit(text: string, unit: string): string;
}

export function ratingsFormat(fmt: Format): RatingsFormat {
  const unit = (text: string, u: string) => (text === NO_VALUE ? text : `${text} ${u}`);
  return {
    pue: (v) => fmt.fixed(v, 3),
    wue: (v) => fmt.fixed(v, 2),
    cue: (v) => fmt.fixed(v, 3),
    ratio: (v) => fmt.fixed(v, 3),
    factor: (v) => fmt.fixed(v, 4),
    energy(kwh) {
      if (!isNumber(kwh)) return NO_VALUE;
      const abs = Math.abs(kwh);
      if (abs >= 1_000_000) return `${fmt.fixed(kwh / 1_000_000, 2)} GWh`;
      if (abs >= 1000) return `${fmt.fixed(kwh / 1000, 1)} MWh`;
      return `${fmt.fixed(kwh, 0)} kWh`;
    },
    co2: (kg) => unit(fmt.fixed(isNumber(kg) ? kg / 1000 : kg, 1), 'tCO₂e'),
    water: (m3) => unit(fmt.fixed(m3, 0), 'm³'),
    share: (fraction) => fmt.percent(fraction, 1),
    hours: (h) => unit(fmt.fixed(h, 1), 'h'),
    withUnit: unit,
  };
}
