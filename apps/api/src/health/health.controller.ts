import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Header,
  HttpException,
  Inject,
  Logger,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { Public } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { SessionService } from '../auth/auth.module';
import { AppConfig } from '../platform/config/app-config';
import { MetricsService } from '../platform/observability/metrics.service';
import { RollupService, TELEMETRY_STORE, type TelemetryStore } from '../telemetry/telemetry.module';

/** Constant-time comparison (of digests, so the lengths match and the length does not leak either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

@ApiTags('operations')
@Controller()
export class HealthController {
  private readonly logger = new Logger('Health');
  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly metrics: MetricsService,
    private readonly rollups: RollupService,
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
  ) {}

  /** The process is up (for restarts by an orchestrator). */
  @Public()
  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Storage answers: safe to route traffic here. */
  @Public()
  @Get('health/ready')
  async ready(): Promise<{ status: 'ok'; database: string }> {
    try {
      await this.store.ping();
    } catch (err) {
      // Anonymous callers learn that the database is down, not its host names or error text; the log has them.
      this.logger.warn(`readiness: database: ${(err as Error).message}`);
      throw new HttpException(
        { statusCode: 503, status: 'unavailable', message: 'database unavailable' },
        503,
      );
    }
    return { status: 'ok', database: this.config.database.type };
  }

  /** Prometheus text format. Scrapers use METRICS_TOKEN as a bearer; admins may use their session. */
  @Public()
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(@Req() req: AppRequest): Promise<string> {
    const header = req.headers.authorization ?? '';
    const bearer = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
    const metricsToken = this.config.env.METRICS_TOKEN;
    let ok = !!metricsToken && sameSecret(bearer, metricsToken);
    if (!ok && bearer) {
      const user = await this.sessions.verify(bearer);
      ok = user?.role === 'admin' && !user.kiosk; // a wall display's admin-made token is no admin session
    }
    if (!ok) throw new UnauthorizedException('metrics need METRICS_TOKEN or an admin session as bearer');
    void this.rollups;
    return this.metrics.registry.metrics();
  }
}
