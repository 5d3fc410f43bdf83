import { BadRequestException, Controller, ForbiddenException, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CallerScope, Roles } from '../platform/access/access.decorators';
import type { Scope } from '../platform/access/scope';
import type { AppRequest } from '../platform/access/access.types';
import { SitesService } from '../sites/sites.module';
import { ReceiptsService } from './receipts.service';
import type { ChainVerification, ReceiptPage } from './receipts.types';

const MAX_LIMIT = 1000;

function positiveInt(value: string | undefined, name: string, max = Number.MAX_SAFE_INTEGER): number | null {
  if (value === undefined || value === '') return null;
  if (!/^\d+$/.test(value)) throw new BadRequestException(`${name} must be a positive whole number`);
  const n = Number(value);
  if (n < 1 || n > max) throw new BadRequestException(`${name} must be between 1 and ${max}`);
  return n;
}

/** Ingest receipts: the per-site hash chain regulators use as evidence (docs/architecture.md "Receipts"). Read-only. */
@ApiTags('receipts')
@ApiBearerAuth()
@Controller('api/v1/datacenters/:code/receipts')
export class ReceiptsController {
  constructor(
    private readonly sites: SitesService,
    private readonly receipts: ReceiptsService,
  ) {}

  @Get()
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({ summary: 'Ingest receipts of the site, newest first; page with before=<seq> (nextBefore)' })
  @ApiQuery({ name: 'limit', required: false, description: `1..${MAX_LIMIT}, default 100` })
  @ApiQuery({ name: 'before', required: false, description: 'only receipts with seq < before' })
  async list(
    @Param('code') code: string,
    @CallerScope() scope: Scope,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ): Promise<ReceiptPage> {
    const n = positiveInt(limit, 'limit', MAX_LIMIT) ?? 100;
    const b = positiveInt(before, 'before');
    const site = await this.sites.getIn(scope, code);
    return this.receipts.list(site, b, n);
  }

  @Get('verify')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary:
      'Recompute the whole receipt hash chain: hashes, prev links, sequence and head; reports the first break. ' +
      'deep=1 (admin, regulator) also re-hashes the stored samples against every receipt content hash',
  })
  @ApiQuery({
    name: 'deep',
    required: false,
    description:
      '1: re-hash stored samples (admin and regulator only; one deep check at a time per instance, else 429 + Retry-After)',
  })
  async verify(
    @Param('code') code: string,
    @Req() req: AppRequest,
    @CallerScope() scope: Scope,
    @Query('deep') deep?: string,
  ): Promise<ChainVerification> {
    if (deep !== undefined && !['', '0', '1', 'false', 'true'].includes(deep))
      throw new BadRequestException('deep must be 1 or 0');
    const isDeep = deep === '1' || deep === 'true';
    const role = req.user?.role;
    if (isDeep && role !== 'admin' && role !== 'regulator')
      throw new ForbiddenException(
        `role ${role} may not run a deep receipt check (needs admin or regulator)`,
      );
    const site = await this.sites.getIn(scope, code);
    return isDeep ? this.receipts.verifyDeep(site) : this.receipts.verify(site);
  }
}
