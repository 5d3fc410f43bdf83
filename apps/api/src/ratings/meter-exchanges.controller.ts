import { Body, Controller, Delete, Get, Param, ParseIntPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { meterExchangeSchema, type MeterExchangeInfo, type MeterExchangeInput } from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { CallerScope, IngestAuth, Roles } from '../platform/access/access.decorators';
import type { Scope } from '../platform/access/scope';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import { ZodBody } from '../platform/common/zod-body';
import { SitesService } from '../sites/sites.module';
import { MeterExchangesService } from './meter-exchanges.service';

/**
 * Recorded meter exchanges (docs/contract.md, "Counters that fall"): admins record them for the sites in their scope; a site's gateway records
 * its own with its ingest token (user sessions and ingest tokens never open each other's routes).
 */
@ApiTags('ratings')
@ApiBearerAuth()
@Controller('api/v1')
export class MeterExchangesController {
  constructor(
    private readonly exchanges: MeterExchangesService,
    private readonly sites: SitesService,
    private readonly audit: AuditService,
  ) {}

  @Get('datacenters/:code/meter-exchanges')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({ summary: "The site's recorded meter exchanges" })
  async list(@Param('code') code: string, @CallerScope() scope: Scope): Promise<MeterExchangeInfo[]> {
    return this.exchanges.list((await this.sites.getIn(scope, code)).id);
  }

  @Post('datacenters/:code/meter-exchanges')
  @Roles('admin')
  @ApiOperation({
    summary: "Record a meter exchange: the old meter's final reading and the new one's first (admin)",
  })
  async create(
    @Param('code') code: string,
    @Body(new ZodBody(meterExchangeSchema)) body: MeterExchangeInput,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<MeterExchangeInfo> {
    return this.record(await this.sites.getIn(scope, code), body, req);
  }

  @Post('ingest/meter-exchanges')
  @IngestAuth()
  @ApiOperation({ summary: "Record a meter exchange of the token's own site (gateways)" })
  async createByGateway(
    @Body(new ZodBody(meterExchangeSchema)) body: MeterExchangeInput,
    @Req() req: AppRequest,
  ): Promise<MeterExchangeInfo> {
    return this.record(await this.sites.get(req.ingest!.siteCode), body, req);
  }

  @Delete('datacenters/:code/meter-exchanges/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Remove a recorded meter exchange (admin)' })
  async remove(
    @Param('code') code: string,
    @Param('id', ParseIntPipe) id: number,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<MeterExchangeInfo> {
    const site = await this.sites.getIn(scope, code);
    const removed = await this.exchanges.remove(site, id, actorOf(req).actor);
    await this.audit.record(actorOf(req), 'meter-exchange.delete', code, { ...removed });
    return removed;
  }

  private async record(
    site: Awaited<ReturnType<SitesService['get']>>,
    body: MeterExchangeInput,
    req: AppRequest,
  ): Promise<MeterExchangeInfo> {
    const actor = actorOf(req);
    const info = await this.exchanges.create(site, body, actor.actor);
    await this.audit.record(actor, 'meter-exchange.create', site.code, { ...info });
    return info;
  }
}
