import { BadRequestException, Body, Controller, Delete, Get, Param, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  GRID_REGION_PATTERN,
  emissionFactorSchema,
  type EmissionFactorEntry,
  type EmissionFactorInput,
} from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { HubOnly, Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import { ZodBody } from '../platform/common/zod-body';
import { SiteEvents } from './site-events';
import { NATIONAL_REGION, SiteReferenceService } from './site-reference.service';
import { SitesService } from './sites.service';

function key(region: string, year: string): { region: string; year: number } {
  if (!GRID_REGION_PATTERN.test(region))
    throw new BadRequestException(`region must match ${GRID_REGION_PATTERN.source} (e.g. CN-South)`);
  const y = /^\d{4}$/.test(year) ? Number(year) : NaN;
  if (!(y >= 1990 && y <= 2200)) throw new BadRequestException('year must be a year between 1990 and 2200');
  return { region, year: y };
}

/** Published grid emission factors per region and year (docs/contract.md, "Reference data"): everyone reads, admins edit. */
@ApiTags('emission-factors')
@ApiBearerAuth()
@Controller('api/v1/emission-factors')
export class EmissionFactorsController {
  constructor(
    private readonly reference: SiteReferenceService,
    private readonly sites: SitesService,
    private readonly events: SiteEvents,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary: `Every grid emission factor (kgCO₂e/kWh) by region and year; ${NATIONAL_REGION} is national`,
  })
  list(): Promise<EmissionFactorEntry[]> {
    return this.reference.listFactors();
  }

  @Put(':region/:year')
  @Roles('admin')
  @HubOnly()
  @ApiOperation({ summary: 'Set the factor of a region and year, with its source (admin)' })
  async put(
    @Param('region') region: string,
    @Param('year') year: string,
    @Body(new ZodBody(emissionFactorSchema)) body: EmissionFactorInput,
    @Req() req: AppRequest,
  ): Promise<EmissionFactorEntry> {
    const k = key(region, year);
    const { entry, previous } = await this.reference.putFactor(k.region, k.year, body, actorOf(req).actor);
    await this.audit.record(actorOf(req), 'emission-factor.put', `${k.region}/${k.year}`, {
      factor: entry.factor,
      previous: previous?.factor ?? null,
      source: entry.source,
    });
    const was = previous ? `${previous.factor}` : 'none';
    await this.changed(
      k,
      `emission factor ${k.region} ${k.year} ${was} → ${entry.factor} (by ${entry.recordedBy})`,
    );
    return entry;
  }

  @Delete(':region/:year')
  @Roles('admin')
  @HubOnly()
  @ApiOperation({ summary: 'Remove the factor of a region and year (admin)' })
  async remove(
    @Param('region') region: string,
    @Param('year') year: string,
    @Req() req: AppRequest,
  ): Promise<EmissionFactorEntry> {
    const k = key(region, year);
    const removed = await this.reference.deleteFactor(k.region, k.year);
    await this.audit.record(actorOf(req), 'emission-factor.delete', `${k.region}/${k.year}`, {
      factor: removed.factor,
    });
    await this.changed(
      k,
      `emission factor ${k.region} ${k.year} ${removed.factor} removed (by ${actorOf(req).actor})`,
    );
    return removed;
  }

  /** Sites of the region re-check their closed ratings of that year on (recording revisions where CUE moved). */
  private async changed(k: { region: string; year: number }, description: string): Promise<void> {
    await this.reference.load(0);
    for (const site of this.reference.sitesUsingRegion(k.region, await this.sites.all()))
      this.events.emitReferenceChanged({
        siteId: site.id,
        from: Date.UTC(k.year, 0, 1) - 86_400_000,
        description,
      });
  }
}
