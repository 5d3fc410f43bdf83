import type { DataCenterWithSnapshot } from '@dcfleet/contracts';
import { Link } from '../../../routing/router';
import { displayName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import {
  labelBox,
  mapFrame,
  placeLabels,
  projector,
  type LabelSide,
  type MapMarker,
} from '../api/fleet-data';

const WIDTH = 400;

/**
 * Schematic map: the sites by latitude/longitude in Guizhou's frame with a 1° graticule. No map tiles: the
 * dashboard works without the internet. Colour = status, size = IT load; each site links to its page.
 */
export function FleetMap({ sites }: { sites: DataCenterWithSnapshot[] }) {
  const { t, fmt, language } = useI18n();
  const placed = sites.filter((s) => s.latitude !== null && s.longitude !== null);
  const frame = mapFrame(placed);
  const p = projector(frame, WIDTH);
  const maxIt = Math.max(1, ...placed.map((s) => s.snapshot.itPowerKw ?? 0));
  const radius = (kw: number | null) => 5 + 9 * Math.sqrt(Math.max(0, kw ?? 0) / maxIt);
  const lons: number[] = [];
  for (let lon = Math.ceil(frame.west); lon <= Math.floor(frame.east); lon++) lons.push(lon);
  const lats: number[] = [];
  for (let lat = Math.ceil(frame.south); lat <= Math.floor(frame.north); lat++) lats.push(lat);
  // Draw the smaller dots last so big sites never hide small neighbours; big sites get their labels first.
  const ordered = [...placed].sort((a, b) => (b.snapshot.itPowerKw ?? 0) - (a.snapshot.itPowerKw ?? 0));
  const markers: MapMarker[] = ordered.map((s) => ({
    x: p.x(s.longitude!),
    y: p.y(s.latitude!),
    r: radius(s.snapshot.itPowerKw),
    w: s.code.length * 6.4 + 2,
    h: 11,
  }));
  const sides = placeLabels(markers, WIDTH, p.height);

  return (
    <figure className="card map-card">
      <figcaption>
        <h2>{t('fleet.map.title')}</h2>
      </figcaption>
      <svg
        className="fleet-map"
        viewBox={`-30 -6 ${WIDTH + 52} ${p.height + 26}`}
        role="group"
        aria-label={t('fleet.map.label', { n: placed.length })}
      >
        <rect x={0} y={0} width={WIDTH} height={p.height} className="map-frame" />
        {lons.map((lon) => (
          <g key={`lon${lon}`}>
            <line x1={p.x(lon)} x2={p.x(lon)} y1={0} y2={p.height} className="graticule" />
            <text x={p.x(lon)} y={p.height + 14} className="graticule-label" textAnchor="middle">
              {lon}°E
            </text>
          </g>
        ))}
        {lats.map((lat) => (
          <g key={`lat${lat}`}>
            <line x1={0} x2={WIDTH} y1={p.y(lat)} y2={p.y(lat)} className="graticule" />
            <text x={-4} y={p.y(lat) + 3} className="graticule-label" textAnchor="end">
              {lat}°N
            </text>
          </g>
        ))}
        {ordered.map((s, i) => {
          const { x, y, r } = markers[i]!;
          const side: LabelSide | null = sides[i] ?? null;
          const box = labelBox(markers[i]!, side ?? 'right');
          const anchor = side === 'left' ? 'end' : side === 'above' || side === 'below' ? 'middle' : 'start';
          const tx = side === 'left' ? box.x1 : side === 'above' || side === 'below' ? x : box.x0;
          const ty = box.y1 - 2;
          const label = `${s.code} ${displayName(s, language)}: ${t(`status.${s.snapshot.status}`)}, PUE ${fmt.pue(s.snapshot.livePue)}, IT ${fmt.power(s.snapshot.itPowerKw)}`;
          return (
            <Link
              key={s.code}
              to="/sites/$code"
              params={{ code: s.code }}
              className={`map-site map-${s.snapshot.status}`}
              aria-label={label}
              data-code={s.code}
            >
              <title>{label}</title>
              <circle cx={x} cy={y} r={r} />
              <text
                x={tx}
                y={ty}
                textAnchor={anchor}
                className={side ? 'map-label' : 'map-label label-hidden'}
              >
                {s.code}
              </text>
            </Link>
          );
        })}
      </svg>
      <ul className="map-legend" aria-label={t('fleet.map.legend')}>
        {(['online', 'stale', 'offline'] as const).map((st) => (
          <li key={st}>
            <span className={`legend-dot map-${st}`} aria-hidden="true" />
            {t(`status.${st}`)}
          </li>
        ))}
      </ul>
      {sites.length > placed.length ? (
        <p className="muted small">{t('fleet.map.noCoords', { n: sites.length - placed.length })}</p>
      ) : null}
    </figure>
  );
}
