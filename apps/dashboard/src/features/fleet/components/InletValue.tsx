/** The hottest inlet with its zone, coloured by the ASHRAE rule bands. */
import type { SiteSnapshot } from '@dcfleet/contracts';
import { useI18n } from '../../../i18n/i18n';
import { inletBand } from '../api/inlet-band';

export function InletValue({ snapshot: s }: { snapshot: SiteSnapshot }) {
  const { fmt } = useI18n();
  const band = inletBand(s.hottestInletC);
  return (
    <span className={`inlet inlet-${band}`} data-band={band} data-testid="inlet">
      {fmt.temperature(s.hottestInletC)}
      {s.hottestInletZone && s.hottestInletC !== null ? (
        <span className="zone"> ({s.hottestInletZone})</span>
      ) : null}
    </span>
  );
}
