import type { DataCenterWithSnapshot, SiteStatus } from '@dcfleet/contracts';
import { formatAgo, formatPower, formatPue, formatTemperature, NO_VALUE } from './format';
import { useFleetQuery } from './use-fleet-query';

const STATUS_LABEL: Record<SiteStatus, string> = { online: 'Online', stale: 'Stale', offline: 'Offline' };

function StatusBadge({ status }: { status: SiteStatus }) {
  return <span className={`badge badge-${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

function Summary({ sites }: { sites: DataCenterWithSnapshot[] }) {
  const count = (s: SiteStatus) => sites.filter((site) => site.snapshot.status === s).length;
  const facilityKw = sites.reduce((sum, site) => sum + (site.snapshot.facilityPowerKw ?? 0), 0);
  const alarms = sites.reduce((sum, site) => sum + (site.snapshot.activeAlarms ?? 0), 0);
  return (
    <dl className="summary" aria-label="Fleet summary">
      <div>
        <dt>Sites</dt>
        <dd>{sites.length}</dd>
      </div>
      <div>
        <dt>Online</dt>
        <dd>{count('online')}</dd>
      </div>
      <div>
        <dt>Stale / offline</dt>
        <dd>
          {count('stale')} / {count('offline')}
        </dd>
      </div>
      <div>
        <dt>Facility power</dt>
        <dd>{formatPower(facilityKw)}</dd>
      </div>
      <div>
        <dt>Active alarms</dt>
        <dd>{alarms}</dd>
      </div>
    </dl>
  );
}

function SiteRow({ site, now }: { site: DataCenterWithSnapshot; now: number }) {
  const s = site.snapshot;
  const inlet = formatTemperature(s.hottestInletC);
  return (
    <tr data-code={site.code} data-status={s.status}>
      <th scope="row" className="code">
        {site.code}
      </th>
      <td>{site.name}</td>
      <td>{site.region ?? NO_VALUE}</td>
      <td>
        <StatusBadge status={s.status} />
      </td>
      <td className="num">{formatPue(s.livePue)}</td>
      <td className="num">{formatPower(s.facilityPowerKw)}</td>
      <td className="num">{formatPower(s.itPowerKw)}</td>
      <td className="num">
        {inlet}
        {s.hottestInletZone && s.hottestInletC !== null ? (
          <span className="zone"> ({s.hottestInletZone})</span>
        ) : null}
      </td>
      <td>
        {s.lastSampleAt ? (
          <time dateTime={s.lastSampleAt} title={new Date(s.lastSampleAt).toLocaleString()}>
            {formatAgo(s.lastSampleAt, now)}
          </time>
        ) : (
          formatAgo(null)
        )}
      </td>
    </tr>
  );
}

export function FleetPage() {
  const { sites, error, loading, updatedAt, refresh } = useFleetQuery();
  const now = updatedAt ?? Date.now();

  return (
    <section className="page" aria-labelledby="fleet-title">
      <div className="page-head">
        <h1 id="fleet-title" tabIndex={-1}>
          Fleet
        </h1>
        <div className="page-actions">
          <span className="muted" role="status" aria-live="polite">
            {loading ? 'Refreshing…' : updatedAt ? `Updated ${new Date(updatedAt).toLocaleTimeString()}` : ''}
          </span>
          <button type="button" onClick={refresh} disabled={loading}>
            Refresh
          </button>
        </div>
      </div>

      {error ? (
        <p className="error" role="alert">
          Could not load the fleet: {error}
        </p>
      ) : null}

      {sites === null ? (
        loading ? (
          <p className="muted">Loading sites…</p>
        ) : null
      ) : sites.length === 0 ? (
        <p className="muted">No data centers are registered yet.</p>
      ) : (
        <>
          <Summary sites={sites} />
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="fleet-caption">
            <table className="fleet">
              <caption id="fleet-caption">Data centers and their live snapshot</caption>
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Name</th>
                  <th scope="col">Region</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    <abbr title="Power usage effectiveness, instantaneous (not a rating)">Live PUE</abbr>
                  </th>
                  <th scope="col" className="num">
                    Facility
                  </th>
                  <th scope="col" className="num">
                    IT
                  </th>
                  <th scope="col" className="num">
                    Hottest inlet
                  </th>
                  <th scope="col">Last data</th>
                </tr>
              </thead>
              <tbody>
                {sites.map((site) => (
                  <SiteRow key={site.code} site={site} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
