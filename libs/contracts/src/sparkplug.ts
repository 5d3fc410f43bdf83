/** Sparkplug B mappings (docs/contract.md, "Sparkplug B"): which site and metrics an edge node or device writes. */
import type { Labels } from './ingest';

/**
 * A Sparkplug group, edge node or device id: what one MQTT topic level may hold (no `/`, `+`, `#`, no control
 * characters), 1-100 characters.
 */
export const SPARKPLUG_ID_PATTERN = /^[^/+#\u0000-\u001f\u007f]{1,100}$/u;

/** Where one Sparkplug metric name goes: a catalog or custom (`x_…`) metric, with labels of its own. */
export interface SparkplugMetricTarget {
  metric: string;
  labels?: Labels;
}

export interface SparkplugMappingInfo {
  group: string;
  edge: string;
  /** null: the whole edge node (its own metrics and those of every device without a mapping of its own). */
  device: string | null;
  datacenter: string;
  /** Sparkplug metric name → target; names not listed become `x_<sanitised name>` custom metrics. */
  metrics: Record<string, SparkplugMetricTarget>;
  updatedAt: string;
  updatedBy: string;
}
