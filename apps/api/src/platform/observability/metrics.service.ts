import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's own Prometheus metrics, one registry per app instance (tests boot several). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly samplesAccepted = new Counter({
    name: 'dcfleet_ingest_samples_accepted_total',
    help: 'Samples accepted and durably stored',
    registers: [this.registry],
  });

  readonly samplesRejected = new Counter({
    name: 'dcfleet_ingest_samples_rejected_total',
    help: 'Samples rejected, by reason class',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  /** Left out without refusing their request: values that mean "no value" rather than a bad sample. */
  readonly samplesSkipped = new Counter({
    name: 'dcfleet_ingest_samples_skipped_total',
    help: 'Samples skipped without refusing their request, by reason (stale: Prometheus staleness markers; nan: other NaN values)',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  readonly ingestRequests = new Counter({
    name: 'dcfleet_ingest_requests_total',
    help: 'Ingest requests by endpoint and status',
    labelNames: ['endpoint', 'status'],
    registers: [this.registry],
  });

  readonly ingestOverload = new Counter({
    name: 'dcfleet_ingest_overload_total',
    help: 'Ingest requests refused (429) for lack of an in-flight slot, by scope (instance | site)',
    labelNames: ['scope'],
    registers: [this.registry],
  });

  readonly ingestRefused = new Counter({
    name: 'dcfleet_ingest_refused_total',
    help: 'Ingest batches refused whole by a quota, by reason (series_quota)',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'dcfleet_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Where an ingest request's time goes: body read, decode, durable commit, and folding into rollups/live state. */
  readonly ingestStage = new Histogram({
    name: 'dcfleet_ingest_stage_seconds',
    help: 'Time an ingest request spends in each stage (body | decode | commit | fold)',
    labelNames: ['stage'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly rollupLag = new Gauge({
    name: 'dcfleet_rollup_lag_seconds',
    help: 'Age of the oldest accepted batch not yet folded into the rollups',
    registers: [this.registry],
  });

  readonly rollupFlushDuration = new Histogram({
    name: 'dcfleet_rollup_flush_duration_seconds',
    help: 'Duration of one rollup flush',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly rollupRepairedBatches = new Counter({
    name: 'dcfleet_rollup_repaired_batches_total',
    help: "Batches folded into the rollups by recomputation from raw samples, by cause (failed_flush: this instance's flush failed; pending: left by a crashed instance)",
    labelNames: ['cause'],
    registers: [this.registry],
  });

  readonly rollupChecked = new Counter({
    name: 'dcfleet_rollup_check_buckets_total',
    help: 'Recently written 1-minute buckets compared with their raw samples by the consistency check',
    registers: [this.registry],
  });

  readonly rollupCheckRepaired = new Counter({
    name: 'dcfleet_rollup_check_repaired_total',
    help: 'Buckets the consistency check found different from their raw samples and recomputed',
    registers: [this.registry],
  });

  readonly rollupBucketsWritten = new Counter({
    name: 'dcfleet_rollup_buckets_written_total',
    help: 'Rollup buckets written, by step and mode (merge | recompute)',
    labelNames: ['step', 'mode'],
    registers: [this.registry],
  });

  readonly rawMaintained = new Counter({
    name: 'dcfleet_raw_maintenance_total',
    help: 'Raw storage upkeep: samples compacted into chunks, chunks written, rows expired or moved by the upgrade',
    labelNames: ['what'],
    registers: [this.registry],
  });

  readonly rawMaintainDuration = new Histogram({
    name: 'dcfleet_raw_maintenance_duration_seconds',
    help: 'Duration of one raw maintenance pass',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'dcfleet_' });
  }

  /** Reason classes keep label cardinality bounded (the full reason goes to the client). */
  static reasonClass(reason: string): string {
    if (reason.startsWith('unknown metric')) return 'unknown_metric';
    if (reason.includes('plausible range')) return 'out_of_range';
    if (reason.includes('future')) return 'future';
    if (reason.includes('backfill window')) return 'too_old';
    if (reason.includes('raw retention')) return 'beyond_retention';
    if (reason.includes('finite number')) return 'not_a_number';
    if (reason.includes('label')) return 'bad_labels';
    if (reason.includes('"ts"') || reason.includes('timestamp')) return 'bad_timestamp';
    return 'malformed';
  }
}
