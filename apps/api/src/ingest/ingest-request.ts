import { HttpException, Injectable } from '@nestjs/common';
import { MetricsService } from '../platform/observability/metrics.service';
import { IngestService } from './ingest.service';

/** The answer status an ingest route gives when nothing goes wrong; a handler may change it (a partial write's 400). */
export interface IngestOutcome {
  status: number;
}

/**
 * What every HTTP ingest route does around its own work: hold one of the site's admit slots while the request runs,
 * count it by endpoint and final status (`dcfleet_ingest_requests_total`), and time its stages.
 */
@Injectable()
export class IngestRequests {
  constructor(
    private readonly ingest: IngestService,
    private readonly metrics: MetricsService,
  ) {}

  async guarded<T>(
    endpoint: 'json' | 'line' | 'prom',
    siteId: number,
    okStatus: number,
    run: (outcome: IngestOutcome) => Promise<T>,
  ): Promise<T> {
    const done = this.ingest.admit(siteId);
    const outcome: IngestOutcome = { status: okStatus };
    try {
      return await run(outcome);
    } catch (err) {
      outcome.status = err instanceof HttpException ? err.getStatus() : 500;
      throw err;
    } finally {
      done();
      this.metrics.ingestRequests.inc({ endpoint, status: String(outcome.status) });
    }
  }

  /** Records a stage that began at `since` (performance.now()); returns now, the next stage's start. */
  stage(name: 'body' | 'decode', since: number): number {
    const now = performance.now();
    this.metrics.ingestStage.observe({ stage: name }, (now - since) / 1000);
    return now;
  }
}
