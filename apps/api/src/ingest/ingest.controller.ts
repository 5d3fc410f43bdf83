import { Controller, HttpCode, HttpException, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IngestResponse } from '@dcfleet/contracts';
import { normalizePrecision } from '@dcfleet/line-protocol';
import type { Response } from 'express';
import { IngestAuth } from '../platform/access/access.decorators';
import { RetryLater } from '../platform/common/retry-later';
import type { AppRequest, IngestPrincipal } from '../platform/access/access.types';
import { AppConfig } from '../platform/config/app-config';
import { readBody, type BodyLimits } from './body-reader';
import { IngestDecoder } from './ingest-decoder.service';
import { IngestRequests } from './ingest-request';
import { IngestService } from './ingest.service';

function bad(message: string, extra: Record<string, unknown> = {}): HttpException {
  return new HttpException({ statusCode: 400, error: 'Bad Request', message, ...extra }, 400);
}

/** Gateways post telemetry here with a per-site ingest token (docs/contract.md "API"). */
@ApiTags('ingest')
@ApiBearerAuth()
@Controller('api/v1')
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly decoder: IngestDecoder,
    private readonly config: AppConfig,
    private readonly requests: IngestRequests,
  ) {}

  @IngestAuth()
  @Post('ingest')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Post a JSON batch of samples; 200 means every accepted sample is durably stored',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['samples'],
      properties: { samples: { type: 'array', items: { type: 'object' } } },
    },
  })
  @ApiResponse({
    status: 200,
    description: '{ accepted, rejected: [{index, reason}], receipt: {id, seq, hash, prevHash} }',
  })
  @ApiResponse({ status: 400, description: 'malformed body or no valid sample; nothing stored' })
  async postJson(@Req() req: AppRequest): Promise<IngestResponse> {
    return this.requests.guarded('json', principal(req).siteId, 200, async () => {
      const type = mediaType(req.headers['content-type']);
      if (type?.type !== 'application/json' || !type.utf8) {
        throw new HttpException(
          {
            statusCode: 415,
            error: 'Unsupported Media Type',
            message: 'Content-Type must be application/json (UTF-8)',
          },
          415,
        );
      }
      const t0 = performance.now();
      const body = await readBody(req, this.bodyLimits());
      const receivedAt = Date.now();
      const t1 = this.requests.stage('body', t0);
      const json = await this.decoder.decodeJson(body, receivedAt);
      this.requests.stage('decode', t1);
      if ('malformed' in json) throw bad(json.malformed);
      const who = principal(req);
      assertOwnSite(who, json.datacenter);
      const key = idempotencyKey(req);
      const out = await this.ingest.ingestDecoded(who, json.decoded, key, receivedAt);
      return out.response;
    });
  }

  /**
   * InfluxDB v1 line protocol, so Telegraf's outputs.influxdb (url http://HOST:PORT/api/v1) works
   * unchanged. Like InfluxDB, a partial write stores the valid lines and answers 400 naming the bad ones.
   */
  @IngestAuth()
  @Post('write')
  @ApiOperation({ summary: 'InfluxDB v1 line protocol write (Telegraf); 204 on success' })
  @ApiResponse({ status: 204, description: 'all points stored' })
  @ApiResponse({
    status: 400,
    description: '{"error": "..."} naming the line; valid lines of a partial write are stored',
  })
  async postLineProtocol(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    return this.requests.guarded('line', principal(req).siteId, 204, async (outcome) => {
      assertOwnSite(principal(req), req.query.datacenter);
      const precision = normalizePrecision(req.query.precision ?? 'ns');
      if (!precision)
        throw influxError(400, `invalid precision "${String(req.query.precision)}" (ns, u, ms, s, m, h)`);
      // Telegraf and the influx clients send text/plain (some nothing, some octet-stream); JSON and non-UTF-8
      // text are refused rather than misread.
      const type = mediaType(req.headers['content-type'] ?? 'text/plain');
      if (!type || type.type.includes('json') || !type.utf8) {
        throw influxError(
          415,
          'line protocol expected (text/plain, UTF-8); JSON goes to POST /api/v1/ingest',
        );
      }
      const t0 = performance.now();
      const body = await readBody(req, this.bodyLimits()).catch((err: unknown) => {
        if (err instanceof HttpException) throw influxError(err.getStatus(), messageOf(err));
        throw err;
      });
      const key = idempotencyKey(req, (message) => influxError(400, message));
      const receivedAt = Date.now();
      const t1 = this.requests.stage('body', t0);
      const lines = await this.decoder.decodeLine(body, precision, receivedAt);
      this.requests.stage('decode', t1);
      if ('empty' in lines) throw influxError(400, lines.empty);
      const problems = lines.problems;
      try {
        await this.ingest.ingestDecoded(principal(req), lines.decoded, key, receivedAt);
      } catch (err) {
        if (err instanceof HttpException) {
          // A batch refused for its samples (400) is explained line by line; size, rate, overload and storage
          // refusals by their own message.
          const detail = err.getStatus() === 400 ? problems.slice(0, 20).join('; ') : '';
          const retryAfterS = err instanceof RetryLater ? err.retryAfterS : undefined;
          throw influxError(err.getStatus(), detail || messageOf(err), retryAfterS);
        }
        throw err;
      }
      if (problems.length) {
        outcome.status = 400;
        res
          .status(400)
          .json({ error: `partial write: ${problems.slice(0, 20).join('; ')} dropped=${problems.length}` });
        return;
      }
      res.status(204).end();
    });
  }

  private bodyLimits(): BodyLimits {
    return {
      maxBytes: this.config.env.INGEST_MAX_BODY_BYTES,
      timeoutMs: this.config.env.INGEST_BODY_TIMEOUT_MS,
    };
  }
}

/**
 * A Content-Type header as `type/subtype` (lower case) and whether its charset, if any, is UTF-8; undefined when
 * it is not a media type at all. Exact, so `application/jsonx` or `application/json-patch+json` are not JSON.
 */
export function mediaType(header: string | undefined): { type: string; utf8: boolean } | undefined {
  if (header === undefined) return undefined;
  const [head = '', ...params] = header.split(';');
  const type = head.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type)) return undefined;
  let utf8 = true;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    utf8 = charset === 'utf-8' || charset === 'utf8';
  }
  return { type, utf8 };
}

export function principal(req: AppRequest): IngestPrincipal {
  if (!req.ingest) throw new HttpException('ingest token required', 401);
  return req.ingest;
}

/** A batch may name its site; naming another site than the token's is refused (403), nothing stored. */
function assertOwnSite(who: IngestPrincipal, named: unknown): void {
  if (named === undefined) return;
  if (named !== who.siteCode) {
    throw new HttpException(
      {
        statusCode: 403,
        error: 'Forbidden',
        message: `this token posts only for ${who.siteCode}, not ${String(named).slice(0, 40)}`,
      },
      403,
    );
  }
}

export function idempotencyKey(
  req: AppRequest,
  refuse: (message: string) => HttpException = bad,
): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw refuse('Idempotency-Key must be 1-200 printable ASCII characters');
  }
  return key;
}

function messageOf(err: HttpException): string {
  const r = err.getResponse();
  return typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? err.message);
}

/** InfluxDB clients read `{"error": "..."}`; a rate-limit refusal keeps its Retry-After. */
function influxError(status: number, message: string, retryAfterS?: number): HttpException {
  const body = { error: message, statusCode: status, message };
  return retryAfterS === undefined ? new HttpException(body, status) : new RetryLater(body, retryAfterS);
}
