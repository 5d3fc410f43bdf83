import { sparklinePath, type TrendPoint } from '../api/fleet-data';

const W = 200;
const H = 36;

/** A tiny SVG trend line (no chart.js: 25 tiles stay cheap). Gaps in the data stay gaps. */
export function Sparkline({ points, label }: { points: readonly TrendPoint[]; label: string }) {
  const d = sparklinePath(points, W, H);
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <line x1="0" x2={W} y1={H - 0.5} y2={H - 0.5} className="sparkline-base" />
      {d ? <path d={d} className="sparkline-line" vectorEffect="non-scaling-stroke" /> : null}
    </svg>
  );
}
