import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
  type INestApplication,
  type LogLevel,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { RetryLater } from './platform/common/retry-later';
import type { AppConfig } from './platform/config/app-config';
import { DbHandle } from './platform/database/db-handle';
import { isStorageUnavailable, isUniqueViolation } from './platform/database/storage-errors';
import { RedisIoAdapter } from './live/redis-io.adapter';
import { MetricsService } from './platform/observability/metrics.service';
import { compressResponses, serveDashboard } from './platform/http/dashboard-static';

/** Idle keep-alive connections are closed after this (see createApp). */
export const KEEP_ALIVE_MS = 65_000;

const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
const RAW_BODY_PATHS = new Set(['/api/v1/ingest', '/api/v1/write', '/api/v1/prom/write']);

/** Every error is JSON with a status and a reason; overload and outage answers say when to retry. */
@Catch()
class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    let status = 500;
    let body: Record<string, unknown> = {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal error',
    };
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const r = exception.getResponse();
      body =
        typeof r === 'string' ? { statusCode: status, message: r } : { statusCode: status, ...(r as object) };
    } else if (isStorageUnavailable(exception)) {
      // A database outage outside the ingest write path (token or session lookup, reads) is a 503, not a 500.
      status = 503;
      body = { statusCode: 503, error: 'Service Unavailable', message: 'storage unavailable; retry later' };
      this.logger.error(`storage unavailable: ${(exception as Error).message}`);
    } else if (isUniqueViolation(exception)) {
      status = 409;
      body = {
        statusCode: 409,
        error: 'Conflict',
        message: 'already exists: a concurrent request created it',
      };
      this.logger.warn(`unique violation answered 409: ${(exception as Error).message}`);
    } else {
      // A fault, not an outage: retrying will not help, so no Retry-After; the id ties the answer to the log line.
      const requestId = requestIdOf(host.switchToHttp().getRequest<Request>());
      body.requestId = requestId;
      this.logger.error(`request ${requestId}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    if (status === 429 && !res.getHeader('Retry-After')) {
      res.setHeader('Retry-After', String(exception instanceof RetryLater ? exception.retryAfterS : 1));
    }
    if (status === 503) res.setHeader('Retry-After', '5');
    // Refused before its body arrived (in-flight limit, auth, size): close rather than read the rest, or a client
    // trickling a large body keeps the connection for as long as it likes.
    if (!host.switchToHttp().getRequest<Request>().complete) res.setHeader('Connection', 'close');
    res.status(status).json(body);
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id a proxy gave the request (X-Request-Id, when well-formed), else one of ours; set by the middleware. */
function requestIdOf(req: Request): string {
  const res = req.res;
  const set = res?.getHeader('X-Request-Id');
  if (typeof set === 'string') return set;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res?.setHeader('X-Request-Id', id);
  return id;
}

function dashboardDir(config: AppConfig): string | undefined {
  const candidates = [
    config.env.DASHBOARD_DIR,
    resolve(__dirname, '../../dashboard/dist'),
    resolve(process.cwd(), 'apps/dashboard/dist'),
  ].filter((d): d is string => !!d);
  return candidates.find((d) => existsSync(join(d, 'index.html')));
}

/**
 * pg emits 'error' on a checked-out client whose connection dies (server restart, failover,
 * pg_terminate_backend). pg-pool only listens while a client is idle, so without a listener of our own
 * that event is an uncaught exception that kills the process. The query in flight still fails (and is
 * answered 503); the pool drops the dead client on release.
 */
function guardPostgresClients(app: INestApplication): void {
  const db = app.get(DbHandle);
  if (db.dialect !== 'postgres') return;
  const logger = new Logger('Database');
  const guarded = new WeakSet<object>();
  const onError = (err: Error) => logger.warn(`PostgreSQL connection lost: ${err.message}`);
  db.pool.on('acquire', (client) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on('error', onError);
  });
}

function helmetFor(https: boolean): ReturnType<typeof helmet> {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https,
    crossOriginEmbedderPolicy: false,
  });
}

/** Builds the HTTP app (shared by main.ts and the integration tests). */
export async function createApp(
  config: AppConfig,
  opts: { logger?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: opts.logger === false ? false : LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.env.LOG_LEVEL) + 1),
  });
  app.enableShutdownHooks();
  // Idle keep-alive connections stay open 65 s, not Node's 5 s. Whoever closes an idle connection races the other
  // side's next request on it, and the client loses ("socket hang up", a proxy's 502): reverse proxies and load
  // balancers keep idle upstream connections about 60 s, so the proxy, not dcfleet, must be the one to close them.
  // Gateways that pause between batches for a few seconds hit the same race with 5 s.
  (app.getHttpServer() as Server).keepAliveTimeout = KEEP_ALIVE_MS;
  // socket.io (live push); with REDIS_URL, rooms span all API instances. Connected before listen().
  const io = new RedisIoAdapter(app, config.env.REDIS_URL, config.env.REDIS_PREFIX);
  await io.connectToRedis();
  app.useWebSocketAdapter(io);
  // Never `true` (trust every hop): the left end of X-Forwarded-For is whatever the client wrote there.
  const trust = config.env.TRUST_PROXY;
  if (trust !== 0) app.set('trust proxy', trust);
  app.disable('x-powered-by');
  // HSTS and upgrade-insecure-requests only on HTTPS (directly, or X-Forwarded-Proto from a trusted proxy): sent
  // over plain HTTP on a LAN address, the upgrade directive makes browsers fetch the dashboard's own scripts over
  // an https:// that does not exist.
  const plain = helmetFor(false);
  const tls = helmetFor(true);
  app.use((req: Request, res: Response, next: NextFunction) => (req.secure ? tls : plain)(req, res, next));
  guardPostgresClients(app);
  const metrics = app.get(MetricsService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    requestIdOf(req);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route =
        (req as Request & { route?: { path?: string } }).route?.path ??
        (req.path.startsWith('/api') ? 'unmatched' : 'static');
      metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  });
  app.use(compressResponses(RAW_BODY_PATHS));
  // Ingest routes read their own bodies (limits, gzip, line protocol); everything else is small JSON.
  const json = express.json({ limit: '1mb' });
  app.use((req: Request, res: Response, next: NextFunction) =>
    RAW_BODY_PATHS.has(req.path) ? next() : json(req, res, next),
  );
  app.useGlobalFilters(new ErrorFilter());

  const doc = new DocumentBuilder()
    .setTitle('dcfleet API')
    .setDescription('Data center fleet telemetry, live snapshots and green ratings. See README for roles.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });

  const dir = dashboardDir(config);
  if (dir) for (const handler of serveDashboard(dir)) app.use(handler);
  return app;
}
