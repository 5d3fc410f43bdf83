import { Body, Controller, Delete, Get, Param, ParseIntPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  KIOSK_TTL_DAYS,
  createKioskSessionSchema,
  type CreateKioskSessionRequest,
  type CreatedKioskSession,
  type KioskSessionInfo,
} from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { CallerScope, Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import type { Scope } from '../platform/access/scope';
import { ZodBody } from '../platform/common/zod-body';
import { KioskSessionService, toInfo } from './kiosk-session.service';
import { SessionService } from './session.service';

/**
 * Kiosk (wall display) sessions: an admin issues a long-lived, read-only token for a screen in a control room, lists
 * them and revokes one (docs/contract.md "Kiosk sessions"). The guard keeps every kiosk token to reading.
 */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/v1/auth/kiosk-sessions')
export class KioskSessionsController {
  constructor(
    private readonly kiosks: KioskSessionService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Issue a read-only wall-display token (shown once; default 90 days, at most 365; admin)',
  })
  async create(
    @Body(new ZodBody(createKioskSessionSchema)) body: CreateKioskSessionRequest,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<CreatedKioskSession> {
    const me = req.user!;
    const row = await this.kiosks.create({
      name: body.name,
      userId: me.id,
      createdBy: me.username,
      organizationId: scope.kind === 'organization' ? scope.organizationId : null,
      ttlDays: body.ttlDays ?? KIOSK_TTL_DAYS.default,
    });
    const token = this.sessions.issueKiosk(me, { id: row.id, name: row.name }, row.expiresAt);
    await this.audit.record(actorOf(req), 'kiosk.create', row.name, {
      id: row.id,
      expiresAt: new Date(row.expiresAt).toISOString(),
    });
    return { ...toInfo(row), token };
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Kiosk sessions: all (hub admins) or the organisation’s (admin)' })
  list(@CallerScope() scope: Scope): Promise<KioskSessionInfo[]> {
    return this.kiosks.list(scope);
  }

  @Delete(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke a kiosk session: the display is signed out at once (admin)' })
  async revoke(
    @Param('id', ParseIntPipe) id: number,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<KioskSessionInfo> {
    const info = await this.kiosks.revoke(id, scope);
    await this.audit.record(actorOf(req), 'kiosk.revoke', info.name, { id });
    return info;
  }
}
