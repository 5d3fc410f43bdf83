import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createDataCenterSchema,
  createTokenSchema,
  labelKeyProblem,
  updateDataCenterSchema,
  type CreateDataCenterInput,
  type CreatedIngestToken,
  type DataCenterWithSnapshot,
  type IngestTokenInfo,
  type SeriesResponse,
  type SiteReferenceEntry,
  type SparklinesResponse,
  type UpdateDataCenterInput,
} from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { CallerScope, HubOnly, Roles } from '../platform/access/access.decorators';
import type { Scope } from '../platform/access/scope';
import type { AppRequest } from '../platform/access/access.types';
import { IngestTokenService } from '../auth/auth.module';
import { actorOf } from '../platform/access/request-actor';
import { ZodBody } from '../platform/common/zod-body';
import { SeriesQueryService, SnapshotService, SparklineQueryService } from '../telemetry/telemetry.module';
import { OrganizationsService } from '../organizations/organizations.module';
import { LocalizedNamesService, SiteReferenceService, SitesService } from '../sites/sites.module';

@ApiTags('datacenters')
@ApiBearerAuth()
@Controller('api/v1')
export class DatacentersController {
  constructor(
    private readonly sites: SitesService,
    private readonly snapshots: SnapshotService,
    private readonly series: SeriesQueryService,
    private readonly sparklines: SparklineQueryService,
    private readonly tokens: IngestTokenService,
    private readonly audit: AuditService,
    private readonly reference: SiteReferenceService,
    private readonly organizations: OrganizationsService,
    private readonly names: LocalizedNamesService,
  ) {}

  @Get('datacenters')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({ summary: 'Every site with its live snapshot' })
  async list(@CallerScope() scope: Scope): Promise<DataCenterWithSnapshot[]> {
    const now = Date.now();
    const names = await this.names.names();
    return (await this.sites.visible(scope)).map((s) => ({
      ...SitesService.toDto(s, names),
      snapshot: this.snapshots.snapshot(s.id, s.code, now),
    }));
  }

  // Before `datacenters/:code`; site codes are upper case, so no site is shadowed.
  @Get('datacenters/sparklines')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary:
      "Every visible site's last N minutes (default 120) of one gauge, 1-minute averages, in one response",
  })
  async sparklinesOf(
    @Query('metric') metric: string | undefined,
    @Query('minutes') minutes: string | undefined,
    @CallerScope() scope: Scope,
  ): Promise<SparklinesResponse> {
    return this.sparklines.query(await this.sites.visible(scope), { metric, minutes });
  }

  @Get('datacenters/:code')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({ summary: 'Site metadata and live snapshot' })
  async one(@Param('code') code: string, @CallerScope() scope: Scope): Promise<DataCenterWithSnapshot> {
    const s = await this.sites.getIn(scope, code);
    return {
      ...SitesService.toDto(s, await this.names.names()),
      snapshot: this.snapshots.snapshot(s.id, s.code),
    };
  }

  @Get('datacenters/:code/reference')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({ summary: "History of the site's reference fields, each with the date it took effect" })
  async referenceHistory(
    @Param('code') code: string,
    @CallerScope() scope: Scope,
  ): Promise<SiteReferenceEntry[]> {
    const site = await this.sites.getIn(scope, code);
    return this.reference.entries(site.id);
  }

  @Get('datacenters/:code/series')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({ summary: 'Points {t, avg, min, max} from rollups; step auto|1m|1h|1d; gaps are null' })
  async seriesOf(
    @Param('code') code: string,
    @Query() query: Record<string, string>,
    @CallerScope() scope: Scope,
  ): Promise<SeriesResponse> {
    const site = await this.sites.getIn(scope, code);
    const labels: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(query)) {
      if (!k.startsWith('label.')) continue;
      const key = k.slice(6);
      const bad = labelKeyProblem(key);
      if (bad || typeof v !== 'string') throw new BadRequestException(bad ?? `${k} must be given once`);
      labels[key] = v;
    }
    return this.series.query(site, {
      metric: query.metric,
      from: query.from,
      to: query.to,
      step: query.step,
      labels,
    });
  }

  @Post('datacenters')
  @Roles('admin')
  @HubOnly()
  @ApiOperation({
    summary: 'Register a site, owned by `organization` or the default organisation (hub admin)',
  })
  async create(
    @Body(new ZodBody(createDataCenterSchema)) body: CreateDataCenterInput,
    @Req() req: AppRequest,
  ): Promise<DataCenterWithSnapshot> {
    const owner = body.organization ? await this.organizations.idOf(body.organization) : undefined;
    const s = await this.sites.create(body, actorOf(req).actor, owner);
    await this.audit.record(actorOf(req), 'datacenter.create', s.code, {
      name: s.name,
      ...(s.nameZh ? { nameZh: s.nameZh } : {}),
      ...(body.organization ? { organization: body.organization } : {}),
    });
    return {
      ...SitesService.toDto(s, await this.names.names()),
      snapshot: this.snapshots.snapshot(s.id, s.code),
    };
  }

  @Patch('datacenters/:code')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Edit a site (admin); the code cannot change. Reference fields (racks, pueCategory, gridRegion, ' +
      'gridEmissionFactor, greenCertifiedYear) apply from effectiveFrom (a local date, default today), with changeReason',
  })
  async update(
    @Param('code') code: string,
    @Body(new ZodBody(updateDataCenterSchema)) body: UpdateDataCenterInput,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<DataCenterWithSnapshot> {
    await this.sites.getIn(scope, code);
    const s = await this.sites.update(code, body, actorOf(req).actor);
    await this.audit.record(actorOf(req), 'datacenter.update', code, {
      fields: Object.keys(body),
      ...(body.effectiveFrom ? { effectiveFrom: body.effectiveFrom } : {}),
    });
    return {
      ...SitesService.toDto(s, await this.names.names()),
      snapshot: this.snapshots.snapshot(s.id, s.code),
    };
  }

  @Post('datacenters/:code/tokens')
  @Roles('admin')
  @ApiOperation({ summary: 'Issue an ingest token for the site; the secret is shown only in this response' })
  async createToken(
    @Param('code') code: string,
    @Body(new ZodBody(createTokenSchema)) body: { name?: string },
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<CreatedIngestToken> {
    const site = await this.sites.getIn(scope, code);
    const created = await this.tokens.create(site, body.name ?? 'gateway', req.user?.username ?? null);
    await this.audit.record(actorOf(req), 'token.create', code, {
      tokenId: created.id,
      prefix: created.prefix,
    });
    return created;
  }

  @Get('datacenters/:code/tokens')
  @Roles('admin')
  @ApiOperation({ summary: 'List the site’s ingest tokens (never the secrets)' })
  async listTokens(@Param('code') code: string, @CallerScope() scope: Scope): Promise<IngestTokenInfo[]> {
    const site = await this.sites.getIn(scope, code);
    return this.tokens.list(site.id);
  }

  @Get('tokens')
  @Roles('admin')
  @ApiOperation({ summary: "List the ingest tokens of every site in the caller's scope" })
  async allTokens(@CallerScope() scope: Scope): Promise<IngestTokenInfo[]> {
    if (scope.kind === 'hub') return this.tokens.list();
    return this.tokens.list((await this.sites.visible(scope)).map((s) => s.id));
  }

  @Delete('tokens/:id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an ingest token; its next request gets 403' })
  async revoke(
    @Param('id') id: string,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<IngestTokenInfo> {
    const visible = new Set((await this.sites.visible(scope)).map((s) => s.id));
    const info = await this.tokens.revoke(id, (siteId) => visible.has(siteId));
    await this.audit.record(actorOf(req), 'token.revoke', info.datacenter, { tokenId: id });
    return info;
  }
}
