import { Body, Controller, Delete, Get, Param, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  sparkplugMappingSchema,
  type SparkplugMappingInfo,
  type SparkplugMappingInput,
} from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { CallerScope, Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import type { Scope } from '../platform/access/scope';
import { ZodBody } from '../platform/common/zod-body';
import {
  keyLabel,
  parseKey,
  SparkplugMappingsService,
  type SparkplugKey,
} from './sparkplug-mappings.service';

/**
 * Sparkplug B mappings (docs/contract.md, "Sparkplug B"): admins, for the sites in their scope. A whole edge node is
 * `/:group/:edge`, one of its devices `/:group/:edge/:device`.
 */
@ApiTags('sparkplug')
@ApiBearerAuth()
@Controller('api/v1/sparkplug/mappings')
export class SparkplugMappingsController {
  constructor(
    private readonly mappings: SparkplugMappingsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'The Sparkplug mappings of the sites in your scope (datacenter=CODE: of one site)',
  })
  list(
    @CallerScope() scope: Scope,
    @Query('datacenter') datacenter?: string,
  ): Promise<SparkplugMappingInfo[]> {
    return this.mappings.list(scope, datacenter);
  }

  @Get(':group/:edge')
  @Roles('admin')
  @ApiOperation({ summary: "An edge node's own mapping (admin)" })
  getNode(
    @Param('group') group: string,
    @Param('edge') edge: string,
    @CallerScope() scope: Scope,
  ): Promise<SparkplugMappingInfo> {
    return this.mappings.get(scope, parseKey(group, edge));
  }

  @Get(':group/:edge/:device')
  @Roles('admin')
  @ApiOperation({ summary: "A device's own mapping (admin)" })
  getDevice(
    @Param('group') group: string,
    @Param('edge') edge: string,
    @Param('device') device: string,
    @CallerScope() scope: Scope,
  ): Promise<SparkplugMappingInfo> {
    return this.mappings.get(scope, parseKey(group, edge, device));
  }

  @Put(':group/:edge')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Map an edge node (and its devices without a mapping of their own) to a site and metrics (admin)',
  })
  putNode(
    @Param('group') group: string,
    @Param('edge') edge: string,
    @Body(new ZodBody(sparkplugMappingSchema)) body: SparkplugMappingInput,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<SparkplugMappingInfo> {
    return this.put(parseKey(group, edge), body, scope, req);
  }

  @Put(':group/:edge/:device')
  @Roles('admin')
  @ApiOperation({ summary: 'Map one device of an edge node to a site and metrics (admin)' })
  putDevice(
    @Param('group') group: string,
    @Param('edge') edge: string,
    @Param('device') device: string,
    @Body(new ZodBody(sparkplugMappingSchema)) body: SparkplugMappingInput,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<SparkplugMappingInfo> {
    return this.put(parseKey(group, edge, device), body, scope, req);
  }

  @Delete(':group/:edge')
  @Roles('admin')
  @ApiOperation({ summary: "Remove an edge node's own mapping (admin)" })
  removeNode(
    @Param('group') group: string,
    @Param('edge') edge: string,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<SparkplugMappingInfo> {
    return this.remove(parseKey(group, edge), scope, req);
  }

  @Delete(':group/:edge/:device')
  @Roles('admin')
  @ApiOperation({ summary: "Remove a device's own mapping (admin)" })
  removeDevice(
    @Param('group') group: string,
    @Param('edge') edge: string,
    @Param('device') device: string,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<SparkplugMappingInfo> {
    return this.remove(parseKey(group, edge, device), scope, req);
  }

  private async put(
    key: SparkplugKey,
    body: SparkplugMappingInput,
    scope: Scope,
    req: AppRequest,
  ): Promise<SparkplugMappingInfo> {
    const actor = actorOf(req);
    const { info, id, previous } = await this.mappings.put(scope, key, body, actor.actor);
    await this.audit.record(actor, 'sparkplug-mapping.put', keyLabel(key), {
      id,
      datacenter: info.datacenter,
      previousDatacenter: previous?.datacenter ?? null,
      metrics: Object.keys(info.metrics).length,
    });
    return info;
  }

  private async remove(key: SparkplugKey, scope: Scope, req: AppRequest): Promise<SparkplugMappingInfo> {
    const { info, id } = await this.mappings.remove(scope, key);
    await this.audit.record(actorOf(req), 'sparkplug-mapping.delete', keyLabel(key), {
      id,
      datacenter: info.datacenter,
    });
    return info;
  }
}
