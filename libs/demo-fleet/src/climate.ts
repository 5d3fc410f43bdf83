/**
 * Outdoor air temperature in Guizhou by prefecture, month and hour.
 *
 * Base: Guiyang's climate normals (daily mean and mean daily range per month, 1991–2020, rounded). Each
 * prefecture shifts the annual mean (altitude: Bijie and Liupanshui on the western plateau are cooler, the
 * low river valleys of Tongren and Qiandongnan warmer) and the seasonal swing (Qianxinan in the south-west has
 * mild summers and warm winters). On top: a diurnal cycle in solar time (minimum near sunrise, maximum mid
 * afternoon, smaller on cloudy days) and weather — province-wide synoptic swings of a few days, regional and
 * local variations — all as deterministic noise in time.
 */
import { noise } from './prng';
import { HOUR_MS, DAY_MS } from './time';

// Module-level aliases of Math: the physics runs millions of times per history, and a global lookup per
// call is slow in sandboxed contexts (Jest's vm).
const { PI, cos, floor, max, min } = Math;

/** Guiyang daily mean temperature by month, °C (January first). */
export const GUIYANG_MEAN_C = [5.1, 7.7, 11.7, 16.7, 20.1, 22.3, 23.9, 23.6, 20.8, 16.2, 11.9, 6.9] as const;
/** Guiyang mean daily range (max − min) by month, °C. */
export const GUIYANG_RANGE_C = [6.0, 7.2, 8.6, 9.0, 8.4, 7.2, 7.6, 8.0, 7.4, 6.6, 6.8, 6.4] as const;

export interface PrefectureClimate {
  /** Shift of the annual mean against Guiyang, °C. */
  offsetC: number;
  /** Extra July-vs-January swing, °C (positive: hotter summers, colder winters). */
  summerDeltaC: number;
}

/** The ten prefecture-level divisions the demo sites sit in. */
export const PREFECTURES = {
  "Gui'an New Area": { offsetC: -0.4, summerDeltaC: 0 },
  Guiyang: { offsetC: 0, summerDeltaC: 0 },
  Zunyi: { offsetC: 0.4, summerDeltaC: 1.6 },
  Liupanshui: { offsetC: -1.6, summerDeltaC: -1.0 },
  Anshun: { offsetC: -1.1, summerDeltaC: -0.6 },
  Bijie: { offsetC: -2.0, summerDeltaC: 0 },
  Tongren: { offsetC: 1.6, summerDeltaC: 3.6 },
  Qiandongnan: { offsetC: 1.0, summerDeltaC: 1.8 },
  Qiannan: { offsetC: 0.8, summerDeltaC: 1.2 },
  Qianxinan: { offsetC: 1.2, summerDeltaC: -5.0 },
} as const satisfies Record<string, PrefectureClimate>;

export type Prefecture = keyof typeof PREFECTURES;

/** Periodic Catmull-Rom interpolation of 12 monthly values at fractional month `m` (0 = mid-January). */
function monthly(values: readonly number[], m: number): number {
  const n = values.length;
  const i = floor(m);
  const f = m - i;
  const at = (k: number) => values[((k % n) + n) % n]!;
  const p0 = at(i - 1);
  const p1 = at(i);
  const p2 = at(i + 1);
  const p3 = at(i + 2);
  return p1 + 0.5 * f * (p2 - p0 + f * (2 * p0 - 5 * p1 + 4 * p2 - p3 + f * (3 * (p1 - p2) + p3 - p0)));
}

/** Fractional month index for a fractional day of the year (0 at mid-January). */
function monthPosition(dayOfYear: number): number {
  return (dayOfYear / 365.25) * 12 - 0.5;
}

/** −0.5 in mid-January … +0.5 in mid-July. */
export function seasonWeight(dayOfYear: number): number {
  return -0.5 * cos((2 * PI * (dayOfYear - 15)) / 365.25);
}

/** Long-term daily mean temperature (no weather) for a prefecture on a day of the year. */
export function climatologyC(prefecture: PrefectureClimate, dayOfYear: number): number {
  return (
    monthly(GUIYANG_MEAN_C, monthPosition(dayOfYear)) +
    prefecture.offsetC +
    prefecture.summerDeltaC * seasonWeight(dayOfYear)
  );
}

/** Mean daily temperature range on a day of the year, °C. */
export function dailyRangeC(dayOfYear: number): number {
  return monthly(GUIYANG_RANGE_C, monthPosition(dayOfYear));
}

/** Diurnal shape in solar time: −1 at 06:30, +1 at 14:30, half-cosines in between. */
export function diurnalShape(solarHour: number): number {
  const h = ((solarHour % 24) + 24) % 24;
  if (h >= 6.5 && h < 14.5) return -cos((PI * (h - 6.5)) / 8);
  const since = (h - 14.5 + 24) % 24; // hours since the afternoon maximum, 0..16
  return cos((PI * since) / 16);
}

export interface WeatherKeys {
  seed: number;
  /** Noise channel of the prefecture (regional weather). */
  region: number;
  /** Noise channel of the site (local variation). */
  site: number;
}

const PROVINCE_CHANNEL = 0x5eed;

export interface Outdoor {
  tempC: number;
  /** 0 (overcast) … 1 (clear sky). */
  clearness: number;
}

/**
 * Outdoor temperature at instant `t` for a site at `longitude`, with the climatological part evaluated at
 * the local `dayOfYear`. `weather: false` gives the noise-free climatology (used to calibrate the sites).
 */
export function outdoor(
  prefecture: PrefectureClimate,
  longitude: number,
  t: number,
  dayOfYear: number,
  keys: WeatherKeys,
  weather = true,
): Outdoor {
  const solarHour = (t / HOUR_MS + longitude / 15) % 24;
  const mean = climatologyC(prefecture, dayOfYear);
  const range = dailyRangeC(dayOfYear);
  let clearness = 0.5;
  let anomaly = 0;
  if (weather) {
    const days = t / DAY_MS;
    clearness = min(1, max(0, 0.5 + 0.75 * noise(keys.seed, keys.region * 7 + 1, days / 1.6)));
    anomaly =
      2.4 * noise(keys.seed, PROVINCE_CHANNEL, days / 4) +
      1.1 * noise(keys.seed, keys.region * 7 + 2, days / 2.2) +
      0.4 * noise(keys.seed, keys.site * 7 + 3, t / (6 * HOUR_MS));
  }
  const amplitude = (range / 2) * (0.6 + 0.8 * clearness);
  return { tempC: mean + anomaly + amplitude * diurnalShape(solarHour), clearness };
}
