/** Pure fleet computations: live KPIs, filters, sorting, trend lines and the map projection. */
import type {
  DataCenterWithSnapshot,
  SiteSnapshot,
  SiteStatus,
  SparklinesResponse,
} from '@dcfleet/contracts';

export interface TrendPoint {
  /** epoch ms */
  t: number;
  v: number | null;
}

/** Trend lines per site code. */
export type Trends = Readonly<Record<string, TrendPoint[]>>;

/** The sparklines answer (one average per minute from `from`) as (t, value) points per site; nulls are gaps. */
export function trendsFromSparklines(res: SparklinesResponse): Trends {
  const from = Date.parse(res.from);
  const out: Record<string, TrendPoint[]> = {};
  for (const s of res.sites) out[s.code] = s.avg.map((v, k) => ({ t: from + k * 60_000, v }));
  return out;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export interface FleetKpis {
  /** Σ facility kW / Σ IT kW over online sites reporting both (energy-weighted, never a mean of PUEs). */
  livePue: number | null;
  itKw: number;
  facilityKw: number;
  online: number;
  total: number;
  activeAlarms: number;
}

export function fleetKpis(sites: readonly DataCenterWithSnapshot[]): FleetKpis {
  let facility = 0;
  let it = 0;
  let pueFacility = 0;
  let pueIt = 0;
  let online = 0;
  let alarms = 0;
  for (const site of sites) {
    const s = site.snapshot;
    alarms += s.activeAlarms ?? 0;
    if (s.status !== 'online') continue;
    online++;
    if (finite(s.itPowerKw)) it += s.itPowerKw;
    if (finite(s.facilityPowerKw)) facility += s.facilityPowerKw;
    if (finite(s.itPowerKw) && finite(s.facilityPowerKw) && s.itPowerKw > 0) {
      pueIt += s.itPowerKw;
      pueFacility += s.facilityPowerKw;
    }
  }
  return {
    livePue: pueIt > 0 ? pueFacility / pueIt : null,
    itKw: it,
    facilityKw: facility,
    online,
    total: sites.length,
    activeAlarms: alarms,
  };
}

/** IT load as a fraction of the design IT capacity, or null when either is unknown. */
export function utilization(site: DataCenterWithSnapshot): number | null {
  const it = site.snapshot.itPowerKw;
  const cap = site.itCapacityKw;
  return finite(it) && finite(cap) && cap > 0 ? it / cap : null;
}

/**
 * Folds live snapshots into the fleet list. Returns the same array when nothing changed, and the codes that
 * are not in the list (a site registered since the list was loaded: the caller refetches).
 */
export function mergeSnapshots(
  list: DataCenterWithSnapshot[] | undefined,
  snapshots: readonly SiteSnapshot[],
): { list: DataCenterWithSnapshot[] | undefined; unknown: string[] } {
  if (!list) return { list, unknown: snapshots.map((s) => s.code) };
  const byCode = new Map(snapshots.map((s) => [s.code, s]));
  const unknown = snapshots.filter((s) => !list.some((site) => site.code === s.code)).map((s) => s.code);
  let changed = false;
  const next = list.map((site) => {
    const snap = byCode.get(site.code);
    if (!snap) return site;
    changed = true;
    return { ...site, snapshot: snap };
  });
  return { list: changed ? next : list, unknown };
}

/** Adds a live point to a trend line, keeping it sorted and inside the window. */
export function appendTrend(
  points: TrendPoint[] | undefined,
  point: TrendPoint,
  windowMs: number,
): TrendPoint[] | undefined {
  if (!points) return undefined; // not loaded yet: the fetch will include it
  const last = points[points.length - 1];
  if (last && point.t <= last.t) {
    if (point.t === last.t && point.v !== last.v) return [...points.slice(0, -1), point];
    return points;
  }
  const from = point.t - windowMs;
  return [...points.filter((p) => p.t >= from), point];
}

/** Adds live points (per site code) to the trend lines; sites without a loaded line wait for the next fetch. */
export function appendTrends(
  trends: Trends | undefined,
  points: ReadonlyMap<string, TrendPoint>,
  windowMs: number,
): Trends | undefined {
  if (!trends) return undefined;
  let next: Record<string, TrendPoint[]> | undefined;
  for (const [code, point] of points) {
    const line = appendTrend(trends[code], point, windowMs);
    if (!line || line === trends[code]) continue;
    next ??= { ...trends };
    next[code] = line;
  }
  return next ?? trends;
}

/**
 * SVG path of a sparkline in a width×height box. Nulls break the line (gaps are never bridged); the y range
 * is the data's own, widened to at least 10 % of the values so small noise stays small and a flat line sits
 * in the middle.
 */
export function sparklinePath(points: readonly TrendPoint[], width: number, height: number): string {
  const valid = points.filter((p) => finite(p.v));
  if (valid.length === 0) return '';
  const t0 = points[0]!.t;
  const t1 = points[points.length - 1]!.t;
  let min = Math.min(...valid.map((p) => p.v as number));
  let max = Math.max(...valid.map((p) => p.v as number));
  // Never magnify noise: the y range spans at least 10 % of the magnitude (and 2 units around zero).
  const minSpan = Math.max(0.1 * Math.max(Math.abs(min), Math.abs(max)), 2);
  if (max - min < minSpan) {
    const mid = (max + min) / 2;
    min = mid - minSpan / 2;
    max = mid + minSpan / 2;
  }
  const pad = 2;
  const x = (t: number) => (t1 === t0 ? width / 2 : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number) => pad + (1 - (v - min) / (max - min)) * (height - 2 * pad);
  let d = '';
  let pen = false;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!finite(p.v)) {
      pen = false;
      continue;
    }
    const next = points[i + 1];
    const isolated = !pen && (!next || !finite(next.v));
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
    // A lone point between gaps gets a tiny stroke so it is visible.
    if (isolated) d += `h0.01`;
    pen = true;
  }
  return d;
}

/** min / max / last of a trend, for screen-reader text. */
export function trendStats(points: readonly TrendPoint[]): { min: number; max: number; last: number } | null {
  const vals = points.map((p) => p.v).filter(finite);
  if (vals.length === 0) return null;
  return { min: Math.min(...vals), max: Math.max(...vals), last: vals[vals.length - 1]! };
}

export interface FleetFilters {
  region: string;
  hub: string;
  status: SiteStatus | '';
}

export type FleetSort = 'code' | 'name' | 'pue' | 'it' | 'utilization' | 'inlet' | 'alarms' | 'status';
export const FLEET_SORTS: readonly FleetSort[] = [
  'code',
  'name',
  'status',
  'pue',
  'it',
  'utilization',
  'inlet',
  'alarms',
];

export function filterSites(
  sites: readonly DataCenterWithSnapshot[],
  f: FleetFilters,
): DataCenterWithSnapshot[] {
  return sites.filter(
    (s) =>
      (!f.region || s.region === f.region) &&
      (!f.hub || s.hub === f.hub) &&
      (!f.status || s.snapshot.status === f.status),
  );
}

const STATUS_RANK: Record<SiteStatus, number> = { offline: 0, stale: 1, online: 2 };

/** Sorts a copy; numeric sorts put the largest first and missing values last; ties go by code. */
export function sortSites(
  sites: readonly DataCenterWithSnapshot[],
  sort: FleetSort,
): DataCenterWithSnapshot[] {
  const num = (s: DataCenterWithSnapshot): number | null => {
    switch (sort) {
      case 'pue':
        return s.snapshot.livePue;
      case 'it':
        return s.snapshot.itPowerKw;
      case 'utilization':
        return utilization(s);
      case 'inlet':
        return s.snapshot.hottestInletC;
      case 'alarms':
        return s.snapshot.activeAlarms;
      default:
        return null;
    }
  };
  return [...sites].sort((a, b) => {
    let c = 0;
    if (sort === 'name') c = a.name.localeCompare(b.name);
    else if (sort === 'status') {
      c =
        STATUS_RANK[a.snapshot.status] - STATUS_RANK[b.snapshot.status] ||
        b.snapshot.activeAlarms - a.snapshot.activeAlarms;
    } else if (sort !== 'code') {
      const va = num(a);
      const vb = num(b);
      if (!finite(va) && finite(vb)) c = 1;
      else if (finite(va) && !finite(vb)) c = -1;
      else if (finite(va) && finite(vb)) c = vb - va;
    }
    return c || a.code.localeCompare(b.code);
  });
}

/** Distinct non-empty values of a field, sorted, for the filter menus. */
export function distinct(sites: readonly DataCenterWithSnapshot[], field: 'region' | 'hub'): string[] {
  return [...new Set(sites.map((s) => s[field]).filter((v): v is string => !!v))].sort((a, b) =>
    a.localeCompare(b),
  );
}

/** Guizhou's extent (≈ 103.6–109.6 °E, 24.6–29.2 °N): the map's minimum frame. */
export const GUIZHOU_BOUNDS = { west: 103.5, east: 109.7, south: 24.5, north: 29.3 };

export interface MapFrame {
  west: number;
  east: number;
  south: number;
  north: number;
}

/** The map frame: Guizhou, widened to whole degrees around any site outside it. */
export function mapFrame(sites: readonly { latitude: number | null; longitude: number | null }[]): MapFrame {
  const f = { ...GUIZHOU_BOUNDS };
  for (const s of sites) {
    if (!finite(s.latitude) || !finite(s.longitude)) continue;
    f.west = Math.min(f.west, Math.floor(s.longitude - 0.3));
    f.east = Math.max(f.east, Math.ceil(s.longitude + 0.3));
    f.south = Math.min(f.south, Math.floor(s.latitude - 0.3));
    f.north = Math.max(f.north, Math.ceil(s.latitude + 0.3));
  }
  return f;
}

/**
 * Equirectangular projection into a width×height box, with longitude scaled by cos(mid-latitude) so shapes
 * are not stretched. Returns the box actually used (the frame keeps its aspect ratio).
 */
export function projector(frame: MapFrame, width: number) {
  const k = Math.cos((((frame.north + frame.south) / 2) * Math.PI) / 180);
  const spanX = (frame.east - frame.west) * k;
  const spanY = frame.north - frame.south;
  const scale = width / spanX;
  const height = spanY * scale;
  return {
    width,
    height,
    x: (lon: number) => (lon - frame.west) * k * scale,
    y: (lat: number) => (frame.north - lat) * scale,
  };
}

export type LabelSide = 'right' | 'left' | 'above' | 'below';

export interface MapMarker {
  x: number;
  y: number;
  r: number;
  /** Label width and height in map units. */
  w: number;
  h: number;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Where a label box sits for a side (the label's text anchor is its left end, baseline at y1 - 2). */
export function labelBox(m: MapMarker, side: LabelSide): Box {
  const gap = 3;
  switch (side) {
    case 'right':
      return { x0: m.x + m.r + gap, y0: m.y - m.h / 2, x1: m.x + m.r + gap + m.w, y1: m.y + m.h / 2 };
    case 'left':
      return { x0: m.x - m.r - gap - m.w, y0: m.y - m.h / 2, x1: m.x - m.r - gap, y1: m.y + m.h / 2 };
    case 'above':
      return { x0: m.x - m.w / 2, y0: m.y - m.r - gap - m.h, x1: m.x + m.w / 2, y1: m.y - m.r - gap };
    case 'below':
      return { x0: m.x - m.w / 2, y0: m.y + m.r + gap, x1: m.x + m.w / 2, y1: m.y + m.r + gap + m.h };
  }
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Greedy label placement, in the given (priority) order: each label takes the first side where it overlaps
 * no placed label and no other marker and stays inside the frame; a label with no free side gets null (it
 * is shown on hover and focus instead).
 */
export function placeLabels(
  markers: readonly MapMarker[],
  width: number,
  height: number,
): (LabelSide | null)[] {
  const placed: Box[] = [];
  const circles: Box[] = markers.map((m) => ({ x0: m.x - m.r, y0: m.y - m.r, x1: m.x + m.r, y1: m.y + m.r }));
  return markers.map((m, i) => {
    for (const side of ['right', 'left', 'above', 'below'] as const) {
      const box = labelBox(m, side);
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > width || box.y1 > height) continue;
      if (placed.some((b) => overlaps(b, box))) continue;
      if (circles.some((c, j) => j !== i && overlaps(c, box))) continue;
      placed.push(box);
      return side;
    }
    return null;
  });
}
