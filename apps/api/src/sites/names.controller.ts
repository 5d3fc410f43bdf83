import { Body, Controller, Get, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { setLocalizedNameSchema, type LocalizedName, type SetLocalizedNameInput } from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { CallerScope, HubOnly, Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import type { Scope } from '../platform/access/scope';
import { ZodBody } from '../platform/common/zod-body';
import { LocalizedNamesService } from './localized-names.service';
import { SitesService } from './sites.service';

/**
 * Chinese names of the region, hub and operator values sites carry (docs/contract.md, "Chinese names"): one entry per
 * value, shared by every site that carries it. Hub admins edit them.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/names')
export class NamesController {
  constructor(
    private readonly names: LocalizedNamesService,
    private readonly sites: SitesService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary:
      "Chinese names of region, hub and operator values; outside the hub scope only those of the caller's sites",
  })
  async list(@CallerScope() scope: Scope): Promise<LocalizedName[]> {
    const visible = await this.sites.visible(scope);
    const all = await this.names.list(visible);
    // Another organisation's operator name is not the caller's business.
    return scope.kind === 'hub' ? all : all.filter((n) => n.sites > 0);
  }

  @Put()
  @Roles('admin')
  @HubOnly()
  @ApiOperation({
    summary:
      'Set the Chinese name of a region, hub or operator value (hub admin, audited); nameZh null removes it',
  })
  async set(
    @Body(new ZodBody(setLocalizedNameSchema)) body: SetLocalizedNameInput,
    @Req() req: AppRequest,
  ): Promise<LocalizedName | null> {
    const previous = await this.names.set(body, actorOf(req).actor);
    await this.audit.record(actorOf(req), 'name.set', `${body.kind}:${body.name}`, {
      nameZh: body.nameZh,
      previous,
    });
    const all = await this.names.list(await this.sites.all());
    return all.find((n) => n.kind === body.kind && n.name === body.name) ?? null;
  }
}
