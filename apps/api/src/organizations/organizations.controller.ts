import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createOrganizationSchema,
  moveSiteSchema,
  updateOrganizationSchema,
  type CreateOrganizationInput,
  type OrganizationInfo,
  type UpdateOrganizationInput,
} from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { HubOnly, Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import { ZodBody } from '../platform/common/zod-body';
import { OrganizationsService } from './organizations.service';

@ApiTags('admin')
@ApiBearerAuth()
@HubOnly()
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Organisations with the sites each owns and its number of users (admin)' })
  list(): Promise<OrganizationInfo[]> {
    return this.organizations.list();
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add an organisation (admin)' })
  async create(
    @Body(new ZodBody(createOrganizationSchema)) body: CreateOrganizationInput,
    @Req() req: AppRequest,
  ): Promise<OrganizationInfo> {
    const org = await this.organizations.create(body);
    await this.audit.record(actorOf(req), 'organization.create', org.code, {
      name: org.name,
      ...(org.nameZh ? { nameZh: org.nameZh } : {}),
    });
    return org;
  }

  @Patch(':code')
  @Roles('admin')
  @ApiOperation({ summary: 'Rename an organisation: name and/or nameZh (null clears it) (admin)' })
  async update(
    @Param('code') code: string,
    @Body(new ZodBody(updateOrganizationSchema)) body: UpdateOrganizationInput,
    @Req() req: AppRequest,
  ): Promise<OrganizationInfo> {
    const org = await this.organizations.update(code, body);
    await this.audit.record(actorOf(req), 'organization.update', code, {
      fields: Object.keys(body),
      ...body,
    });
    return org;
  }

  @Delete(':code')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Remove an organisation that owns no site and has no user (admin)' })
  async remove(@Param('code') code: string, @Req() req: AppRequest): Promise<void> {
    await this.organizations.remove(code);
    await this.audit.record(actorOf(req), 'organization.delete', code);
  }

  @Post(':code/sites')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      "Move a site to this organisation (hub admin, audited); the previous owner's users lose sight of it",
  })
  async moveSite(
    @Param('code') code: string,
    @Body(new ZodBody(moveSiteSchema)) body: { site: string },
    @Req() req: AppRequest,
  ): Promise<OrganizationInfo> {
    const change = await this.organizations.moveSite(code, body.site);
    const from = (await this.organizations.byId(change.from))?.code ?? null;
    await this.audit.record(actorOf(req), 'organization.site_move', body.site, { from, to: code });
    return this.organizations.info(code);
  }
}
