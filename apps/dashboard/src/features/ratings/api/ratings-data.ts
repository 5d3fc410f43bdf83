/** Pure ratings helpers: sorting, grade display, data gaps, the monthly PUE chart. Unit-tested. */
import type {
  DataGap,
  EmissionFactorUsed,
  Grade,
  MonthlyRatingRow,
  RatingRow,
  RatingsResponse,
} from '@dcfleet/contracts';
import type { ChartData, ChartOptions } from 'chart.js';
import { COLORS } from '../../../components/chart-options';

export type RatingSortKey =
  | 'code'
  | 'hub'
  | 'pue'
  | 'grade'
  | 'status'
  | 'coverage'
  | 'target'
  | 'wue'
  | 'cue'
  | 'ref'
  | 'erf'
  | 'energy';
export type SortDir = 'asc' | 'desc';

const STATUS_ORDER = { final: 0, interim: 1, 'insufficient-data': 2 } as const;

/** Grades as numbers for sorting: 1 < 2 < 3 < below-limit; ungraded last. */
export function gradeRank(grade: Grade | null): number | null {
  if (grade === null || grade === undefined) return null;
  return grade === 'below-limit' ? 99 : grade;
}

function sortValue(row: RatingRow, key: RatingSortKey): number | string | null {
  switch (key) {
    case 'code':
      return row.code;
    case 'hub':
      return row.hub ?? null;
    case 'pue':
      return row.pue;
    case 'grade':
      return gradeRank(row.grade);
    case 'status':
      return STATUS_ORDER[row.status] ?? 3;
    case 'coverage':
      return row.coverage;
    case 'target':
      return row.meetsHubTarget === null ? null : row.meetsHubTarget ? 0 : 1;
    case 'wue':
      return row.wue;
    case 'cue':
      return row.cue;
    case 'ref':
      return row.ref;
    case 'erf':
      return row.erf;
    case 'energy':
      return row.energy?.facilityKwh ?? null;
  }
}

/** Sorts a copy; missing values always go last whatever the direction; ties by code. */
export function sortRatings(rows: readonly RatingRow[], key: RatingSortKey, dir: SortDir): RatingRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    const missingA = va === null || (typeof va === 'number' && !Number.isFinite(va));
    const missingB = vb === null || (typeof vb === 'number' && !Number.isFinite(vb));
    if (missingA !== missingB) return missingA ? 1 : -1;
    let c = 0;
    if (!missingA)
      c = typeof va === 'string' ? va.localeCompare(vb as string) : (va as number) - (vb as number);
    return sign * c || a.code.localeCompare(b.code);
  });
}

/** CSS modifier of a grade badge. */
export function gradeClass(grade: Grade | null): string {
  if (grade === null || grade === undefined) return 'grade-none';
  if (grade === 'below-limit') return 'grade-below';
  return `grade-${grade}`;
}

/** Total length of gaps in hours. */
export function gapHours(gaps: readonly DataGap[]): number {
  return gaps.reduce((h, g) => h + Math.max(0, Date.parse(g.to) - Date.parse(g.from)) / 3_600_000, 0);
}

/** Bar colour of a monthly PUE by the grade it would get. */
export function pueColor(pue: number | null, grades: readonly { grade: number; maxPue: number }[]): string {
  if (pue === null) return '#868e96';
  const band = [...grades].sort((a, b) => a.maxPue - b.maxPue).find((g) => pue <= g.maxPue);
  if (!band) return '#c92a2a';
  return band.grade === 1 ? '#2f9e44' : band.grade === 2 ? '#1c7ed6' : '#e8590c';
}

export const DEFAULT_GRADES = [
  { grade: 1, maxPue: 1.2 },
  { grade: 2, maxPue: 1.3 },
  { grade: 3, maxPue: 1.5 },
];

/** Months in calendar order (a trailing period runs from December into the next year: not by month number). */
export function inMonthOrder(monthly: readonly MonthlyRatingRow[]): MonthlyRatingRow[] {
  return [...monthly].sort((a, b) => a.year - b.year || a.month - b.month);
}

/** The chart's legend: each grade's colour with its upper PUE bound, then below the limit and no PUE. */
export function gradeLegend(
  grades: readonly { grade: number; maxPue: number }[],
): (
  { kind: 'grade'; grade: number; maxPue: number; color: string } | { kind: 'below' | 'none'; color: string }
)[] {
  const sorted = [...grades].sort((a, b) => a.maxPue - b.maxPue);
  return [
    ...sorted.map((g) => ({
      kind: 'grade' as const,
      grade: g.grade,
      maxPue: g.maxPue,
      color: pueColor(g.maxPue, sorted),
    })),
    { kind: 'below' as const, color: pueColor(Infinity, sorted) },
    { kind: 'none' as const, color: pueColor(null, sorted) },
  ];
}

/** Bar chart data of the 12 monthly PUEs (months without a PUE are empty bars). */
export function monthlyPueData(
  monthly: readonly MonthlyRatingRow[],
  monthName: (month: number) => string,
  label: string,
  grades: readonly { grade: number; maxPue: number }[] = DEFAULT_GRADES,
): ChartData<'bar', (number | null)[], string> {
  const rows = inMonthOrder(monthly);
  return {
    labels: rows.map((m) => monthName(m.month)),
    datasets: [
      {
        label,
        data: rows.map((m) => (m.pue !== null && Number.isFinite(m.pue) ? Number(m.pue.toFixed(3)) : null)),
        backgroundColor: rows.map((m) => pueColor(m.pue, grades)),
        borderWidth: 0,
        maxBarThickness: 36,
      },
    ],
  };
}

/**
 * Bars rise from PUE 1.0 (the ideal: no overhead), so the overhead is what you see; a metering fault below
 * 1.0 moves the floor down so it is still drawn.
 */
export function monthlyPueOptions(o: {
  xTitle: string;
  yTitle: string;
  target: number | null;
  lowest?: number | null;
  /** How the tooltip writes a PUE (the page's locale-aware formatter; default three decimals). */
  format?: (pue: number) => string;
}): ChartOptions<'bar'> {
  const format = o.format ?? ((pue: number) => pue.toFixed(3));
  const floor =
    o.lowest !== null && o.lowest !== undefined && o.lowest < 1 ? Math.floor(o.lowest * 10) / 10 : 1;
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: {
      x: { type: 'category', title: { display: true, text: o.xTitle }, grid: { display: false } },
      y: {
        type: 'linear',
        title: { display: true, text: o.yTitle },
        beginAtZero: false,
        min: floor,
        suggestedMax: 1.6,
      },
    },
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: { label: (ctx) => `PUE ${typeof ctx.raw === 'number' ? format(ctx.raw) : '—'}` },
      },
      bands: {
        // The canvas draws reference lines under the bars, which hid the label: the report's legend names it.
        lines: o.target === null ? [] : [{ value: o.target, color: COLORS.target, label: '' }],
      },
    },
  };
}

/** Whether a period's table has any measured data (a site with some coverage or a PUE). */
export function hasData(r: RatingsResponse): boolean {
  return r.sites.some((s) => s.coverage > 0 || s.pue !== null);
}

/**
 * The years to offer, from the tables of this year and the years before it (`tables[i]` is year `latest - i`,
 * undefined while loading): the years with data, newest first, and whether to ask for the next older year (the
 * oldest asked has data: there may be more). The API has no list of years; an empty year ends the search.
 */
export function yearsWithData(
  latest: number,
  tables: readonly (RatingsResponse | undefined)[],
  earliest = 2000,
): { years: number[]; more: boolean } {
  const years: number[] = [];
  tables.forEach((r, i) => {
    if (r && hasData(r)) years.push(latest - i);
  });
  const oldest = tables.at(-1);
  const more = oldest !== undefined && hasData(oldest) && latest - tables.length >= earliest;
  return { years, more };
}

/** Meter replacements and glitches of a row's energy counters, summed over facility and IT (null: none measured). */
export function meterFlags(row: RatingRow): { replacements: number; glitches: number } | null {
  const m = [row.meters?.facility, row.meters?.it].filter((x) => x != null);
  if (m.length === 0) return null;
  return {
    replacements: m.reduce((n, x) => n + x.replacements, 0),
    glitches: m.reduce((n, x) => n + x.glitches, 0),
  };
}

/** Where an emission factor came from, for a short label: its region and year, or "own". */
export function factorOrigin(ef: EmissionFactorUsed): { kind: EmissionFactorUsed['kind']; where: string } {
  return { kind: ef.kind, where: [ef.region, ef.year].filter((x) => x !== null).join(' ') };
}
