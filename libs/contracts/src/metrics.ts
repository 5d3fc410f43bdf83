/** Metric catalog (docs/contract.md "API"). Units are part of the name; the catalog is the only source of truth. */

export type MetricKind = 'gauge' | 'counter';

export interface MetricDefinition {
  readonly name: string;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

const UNBOUNDED = Number.MAX_VALUE;

export const METRIC_CATALOG = {
  facility_power_kw: {
    kind: 'gauge',
    unit: 'kW',
    min: 0,
    max: 1_000_000,
    description: 'Total site input power',
  },
  it_power_kw: {
    kind: 'gauge',
    unit: 'kW',
    min: 0,
    max: 1_000_000,
    description: "IT load at the site's pueCategory point",
  },
  cooling_power_kw: {
    kind: 'gauge',
    unit: 'kW',
    min: 0,
    max: 1_000_000,
    description: 'Cooling power (optional)',
  },
  facility_energy_kwh: {
    kind: 'counter',
    unit: 'kWh',
    min: 0,
    max: UNBOUNDED,
    description: 'Total site energy meter',
  },
  it_energy_kwh: { kind: 'counter', unit: 'kWh', min: 0, max: UNBOUNDED, description: 'IT energy meter' },
  renewable_energy_kwh: {
    kind: 'counter',
    unit: 'kWh',
    min: 0,
    max: UNBOUNDED,
    description: 'Renewable energy whose certificates the site holds',
  },
  reused_energy_kwh: {
    kind: 'counter',
    unit: 'kWh',
    min: 0,
    max: UNBOUNDED,
    description: 'Energy (heat) delivered for reuse outside the site',
  },
  water_m3: { kind: 'counter', unit: 'm³', min: 0, max: UNBOUNDED, description: 'Site water input' },
  inlet_temp_c: {
    kind: 'gauge',
    unit: '°C',
    min: -40,
    max: 90,
    description: 'IT air inlet temperature (label zone)',
  },
  relative_humidity_pct: {
    kind: 'gauge',
    unit: '%',
    min: 0,
    max: 100,
    description: 'Relative humidity (label zone)',
  },
  outdoor_temp_c: { kind: 'gauge', unit: '°C', min: -60, max: 60, description: 'Outdoor air temperature' },
  ups_load_pct: { kind: 'gauge', unit: '%', min: 0, max: 150, description: 'UPS load' },
  racks_occupied: {
    kind: 'gauge',
    unit: 'count',
    min: 0,
    max: UNBOUNDED,
    description: 'Occupied racks (上架率)',
  },
} as const satisfies Record<string, Omit<MetricDefinition, 'name'>>;

export type CatalogMetric = keyof typeof METRIC_CATALOG;

export const CATALOG_METRICS = Object.keys(METRIC_CATALOG) as CatalogMetric[];

/** Custom metrics: stored and charted, never used in ratings. */
export const CUSTOM_METRIC_PATTERN = /^x_[a-z0-9_]{1,60}$/;

const CUSTOM_DEFINITION: Omit<MetricDefinition, 'name'> = {
  kind: 'gauge',
  unit: '',
  min: -UNBOUNDED,
  max: UNBOUNDED,
  description: 'Custom metric',
};

export function isCatalogMetric(name: string): name is CatalogMetric {
  return Object.prototype.hasOwnProperty.call(METRIC_CATALOG, name);
}

/**
 * Definitions looked up so far (ingest asks twice per sample). Shared, frozen objects; bounded, because
 * custom metric names come from clients.
 */
const definitions = new Map<string, Readonly<MetricDefinition> | null>();
const MAX_CACHED_DEFINITIONS = 10_000;

/** Definition of a catalog or custom metric, or undefined when the name is not allowed. */
export function metricDefinition(name: string): Readonly<MetricDefinition> | undefined {
  const hit = definitions.get(name);
  if (hit !== undefined) return hit ?? undefined;
  const def = lookupDefinition(name);
  if (definitions.size < MAX_CACHED_DEFINITIONS) definitions.set(name, def ? Object.freeze(def) : null);
  return def;
}

function lookupDefinition(name: string): MetricDefinition | undefined {
  if (isCatalogMetric(name)) return { name, ...METRIC_CATALOG[name] };
  if (CUSTOM_METRIC_PATTERN.test(name)) {
    // Custom counters are declared by suffix so Telegraf-style totals get reset-aware increases.
    const kind: MetricKind = name.endsWith('_total') ? 'counter' : 'gauge';
    return { name, ...CUSTOM_DEFINITION, kind };
  }
  return undefined;
}

/**
 * The dcfleet metric a name from a foreign protocol (a Sparkplug metric, a Prometheus `__name__`) stands for: a
 * catalog metric or a valid custom name as it is, otherwise `x_` + the name lower-cased with every run of other
 * characters than `a-z0-9` as one `_`, cut to the custom pattern's length; undefined when nothing is left.
 */
export function customMetricName(name: string): string | undefined {
  if (isCatalogMetric(name) || CUSTOM_METRIC_PATTERN.test(name)) return name;
  const body = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60)
    .replace(/_+$/, '');
  return body ? `x_${body}` : undefined;
}
