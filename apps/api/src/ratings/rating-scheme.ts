import {
  GB40879_2021,
  REPLACEMENT_MAX_RATIO,
  STATUS_THRESHOLDS,
  type HubTargets,
} from '@dcfleet/green-metrics';
import type { RatingScheme } from '@dcfleet/contracts';

/** The scheme the ratings answer with: GB 40879 grades, the configured hub targets, the status thresholds. */
export function schemeOf(hubTargets: HubTargets): RatingScheme {
  return {
    id: GB40879_2021.id,
    name: GB40879_2021.name,
    edition: GB40879_2021.edition,
    grades: GB40879_2021.grades.map((g) => ({ grade: g.grade, maxPue: g.maxPue })),
    hubTarget: { defaultMaxPue: hubTargets.defaultMaxPue, overrides: { ...hubTargets.overrides } },
    statusThresholds: { ...STATUS_THRESHOLDS },
    rules: [
      `status: final once the period has ended and coverage (the lower of facility and IT) is at least ${STATUS_THRESHOLDS.final}; ` +
        `interim from ${STATUS_THRESHOLDS.interim}, and whatever the coverage while the period runs; insufficient-data below`,
      'coverage: time a counter spans across a silence counts as measured (bridged); time with neither counter nor power readings is a gap',
      `counters: a reading at most ${REPLACEMENT_MAX_RATIO} of the previous one is a meter replacement, a smaller fall a glitch that adds no energy; a recorded meter exchange decides instead of both`,
      "windows: PUE and DCiE over the time both facility and IT energy were measured; WUE, CUE, REF, ERF and ERE over each meter's whole-period total",
      "reference data: racks, PUE category, grid region and emission factor in force at the end of the period; emission factor: the site's own, else its region's of the year or the latest earlier, else the national one",
    ],
  };
}
