import { Controller, HttpException, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IngestAuth } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { AppConfig } from '../platform/config/app-config';
import { MetricsService } from '../platform/observability/metrics.service';
import { readBody } from './body-reader';
import { IngestDecoder } from './ingest-decoder.service';
import { idempotencyKey, mediaType, principal } from './ingest.controller';
import { IngestRequests } from './ingest-request';
import { IngestService } from './ingest.service';
import { decodePromWrite } from './prom-write-decode';

function unsupported(message: string): HttpException {
  return new HttpException({ statusCode: 415, error: 'Unsupported Media Type', message }, 415);
}

/**
 * Prometheus remote-write 1.0 (docs/contract.md "API"), so a site's Prometheus (or vmagent, Grafana Agent) pushes
 * with a `remote_write` block and its site's ingest token. The same write path and promise as the other ingest
 * routes: 204 only once committed; 429/503 + Retry-After (which Prometheus retries) only for overload and outages;
 * any other 4xx is final for Prometheus, so it is used only for what a retry cannot fix.
 */
@ApiTags('ingest')
@ApiBearerAuth()
@Controller('api/v1')
export class PromWriteController {
  constructor(
    private readonly ingest: IngestService,
    private readonly decoder: IngestDecoder,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly requests: IngestRequests,
  ) {}

  /**
   * A partial write (some samples refused) stores the valid samples and answers 400 naming the refused ones:
   * Prometheus logs it and does not resend, which is right, as what was storable is stored.
   */
  @IngestAuth()
  @Post('prom/write')
  @ApiOperation({
    summary: 'Prometheus remote-write 1.0 (snappy-compressed protobuf WriteRequest); 204 on success',
  })
  @ApiConsumes('application/x-protobuf')
  @ApiBody({
    description: 'prometheus.WriteRequest (remote-write 1.0), snappy block format (Content-Encoding: snappy)',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiResponse({ status: 204, description: 'every sample stored (staleness markers and NaNs skipped)' })
  @ApiResponse({
    status: 400,
    description:
      'not snappy, not a WriteRequest, no samples, or refused samples: with valid samples beside them those are ' +
      'stored ("partial write", the answer names the refused ones and carries the receipt), else nothing is',
  })
  @ApiResponse({
    status: 413,
    description: 'over INGEST_MAX_BODY_BYTES (sent or inflated) or INGEST_MAX_SAMPLES',
  })
  @ApiResponse({ status: 415, description: 'not application/x-protobuf with Content-Encoding: snappy' })
  @ApiResponse({ status: 429, description: 'overloaded or over the site’s rate: retry after Retry-After' })
  async postPromWrite(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const who = principal(req);
    return this.requests.guarded('prom', who.siteId, 204, async (outcome) => {
      assertRemoteWrite(req);
      const env = this.config.env;
      const t0 = performance.now();
      const body = await readBody(
        req,
        { maxBytes: env.INGEST_MAX_BODY_BYTES, timeoutMs: env.INGEST_BODY_TIMEOUT_MS },
        'snappy',
      );
      const key = idempotencyKey(req);
      const receivedAt = Date.now();
      const t1 = this.requests.stage('body', t0);
      // On this thread: a request holds up to max_samples_per_send (2,000 by default), 1-14 ms (docs/architecture.md).
      const out = decodePromWrite(body, {
        ...this.decoder.limits(receivedAt),
        maxBodyBytes: env.INGEST_MAX_BODY_BYTES,
      });
      this.requests.stage('decode', t1);
      if (out.skipped.stale) this.metrics.samplesSkipped.inc({ reason: 'stale' }, out.skipped.stale);
      if (out.skipped.nan) this.metrics.samplesSkipped.inc({ reason: 'nan' }, out.skipped.nan);
      if (!out.decoded) {
        res.status(204).end();
        return;
      }
      const stored = await this.ingest.ingestDecoded(who, out.decoded, key, receivedAt);
      if (out.problems.length) {
        outcome.status = 400;
        const r = stored.response;
        res.status(400).json({
          statusCode: 400,
          error: 'Bad Request',
          message:
            `partial write: ${r.accepted} sample(s) stored, ${out.problems.length} refused: ` +
            out.problems.slice(0, 20).join('; '),
          ...r,
          rejected: r.rejected.slice(0, 1000),
        });
        return;
      }
      res.status(204).end();
    });
  }
}

/**
 * Remote-write 1.0 is `application/x-protobuf` (its `proto` parameter, if any, naming prometheus.WriteRequest)
 * compressed with snappy. 415 for a 2.0 body too: the 2.0 spec has senders fall back to 1.0 on it.
 */
function assertRemoteWrite(req: AppRequest): void {
  const header = req.headers['content-type'];
  if (mediaType(header)?.type !== 'application/x-protobuf') {
    throw unsupported('Content-Type must be application/x-protobuf (Prometheus remote-write 1.0)');
  }
  const proto = /;\s*proto\s*=\s*"?([^";\s]+)/i.exec(header ?? '')?.[1];
  if (proto !== undefined && proto !== 'prometheus.WriteRequest') {
    throw unsupported(
      `remote-write message ${proto.slice(0, 60)} is not supported: send prometheus.WriteRequest (remote-write 1.0)`,
    );
  }
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'snappy') {
    throw unsupported('Content-Encoding must be snappy (Prometheus remote-write 1.0: snappy block format)');
  }
}
