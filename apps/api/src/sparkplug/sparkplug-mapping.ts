import { customMetricName, type Labels, type SparkplugMetricTarget } from '@dcfleet/contracts';

/** A mapping as the message path reads it (from the cache of SparkplugMappingsService). */
export interface SparkplugRule {
  id: number;
  group: string;
  edge: string;
  /** null: the whole edge node. */
  device: string | null;
  siteId: number;
  metrics: Readonly<Record<string, SparkplugMetricTarget>>;
}

/** Sparkplug's own plumbing (birth/death sequence, rebirth and reboot commands): not telemetry unless mapped. */
const CONTROL_METRIC = /^(bdSeq$|Node Control\/|Device Control\/)/;

/**
 * The dcfleet metric and labels of a Sparkplug metric name under a mapping: its entry in the mapping's metric map, or
 * else the custom metric `customMetricName` makes of it (the name's letters and digits after `x_`). A device's
 * metrics under a whole-edge mapping carry the label `device` (unless the entry sets one), so that two devices'
 * metrics of one name stay two series.
 */
export function targetOf(
  rule: SparkplugRule,
  name: string,
  device: string | null,
): { metric: string; labels: Labels } | { problem: string } {
  const entry = Object.prototype.hasOwnProperty.call(rule.metrics, name) ? rule.metrics[name] : undefined;
  let metric: string;
  let labels: Labels;
  if (entry) {
    metric = entry.metric;
    labels = { ...entry.labels };
  } else if (CONTROL_METRIC.test(name)) {
    return { problem: 'Sparkplug control metric, not telemetry (map it to store it)' };
  } else {
    const custom = customMetricName(name);
    if (!custom) return { problem: 'no letter or digit in the name to make a custom metric of; map it' };
    metric = custom;
    labels = {};
  }
  if (rule.device === null && device !== null && labels.device === undefined) labels.device = device;
  return { metric, labels };
}
