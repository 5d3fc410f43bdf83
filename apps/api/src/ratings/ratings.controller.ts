import { BadRequestException, Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CallerScope, Roles } from '../platform/access/access.decorators';
import type { Scope } from '../platform/access/scope';
import { ratingsCsv } from './ratings-csv';
import { parsePeriodSpec } from './rating-period';
import { RatingsService } from './ratings.service';
import type { EedExport, EligibilityExport, RatingDetailResponse, RatingsResponse } from '@dcfleet/contracts';
import { eedCsv, eligibilityCsv } from './regulator-exports';
import { RegulatorExportsService } from './regulator-exports.service';

const YEAR_QUERY = {
  name: 'year',
  required: false,
  description: 'calendar year YYYY (site local time), 2000..current',
};
const PERIOD_QUERY = {
  name: 'period',
  required: false,
  description: 'trailing12: the 12 complete local months before now',
};

/** Regulator exports are annual: a calendar year is required. */
function annual(year: string | undefined): number {
  const spec = parsePeriodSpec(year, undefined);
  if (spec.kind !== 'year') throw new BadRequestException('year is required (YYYY)');
  return spec.year;
}

/** Green ratings for regulators (docs/contract.md "API" and "Green ratings"). Read-only; every user role may read them. */
@ApiTags('ratings')
@ApiBearerAuth()
@Controller('api/v1')
export class RatingsController {
  constructor(
    private readonly ratings: RatingsService,
    private readonly exports: RegulatorExportsService,
  ) {}

  @Get('ratings')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary: 'One rating row per site for a year (or trailing 12 months) and the energy-weighted fleet row',
  })
  @ApiQuery(YEAR_QUERY)
  @ApiQuery(PERIOD_QUERY)
  list(
    @CallerScope() scope: Scope,
    @Query('year') year?: string,
    @Query('period') period?: string,
  ): Promise<RatingsResponse> {
    return this.ratings.list(parsePeriodSpec(year, period), scope);
  }

  @Get('ratings.csv')
  @Roles('admin', 'operator', 'regulator')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The ratings table as CSV (header row, one row per site, FLEET row)' })
  @ApiQuery(YEAR_QUERY)
  @ApiQuery(PERIOD_QUERY)
  async csv(
    @Res({ passthrough: true }) res: Response,
    @CallerScope() scope: Scope,
    @Query('year') year?: string,
    @Query('period') period?: string,
  ): Promise<string> {
    const spec = parsePeriodSpec(year, period);
    const body = ratingsCsv(await this.ratings.list(spec, scope));
    const name =
      spec.kind === 'year'
        ? `dcfleet-ratings-${spec.year}.csv`
        : `dcfleet-ratings-trailing12-${new Date().toISOString().slice(0, 7)}.csv`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    return body;
  }

  @Get('ratings/eligibility')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary:
      'National Green Data Center eligibility of every site for a year: each criterion met, failed or missing',
  })
  @ApiQuery(YEAR_QUERY)
  async eligibility(@CallerScope() scope: Scope, @Query('year') year?: string): Promise<EligibilityExport> {
    return this.exports.eligibility(annual(year), scope);
  }

  @Get('ratings/eligibility.csv')
  @Roles('admin', 'operator', 'regulator')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'National Green Data Center eligibility as CSV' })
  @ApiQuery(YEAR_QUERY)
  async eligibilityCsv(
    @Res({ passthrough: true }) res: Response,
    @CallerScope() scope: Scope,
    @Query('year') year?: string,
  ): Promise<string> {
    const y = annual(year);
    res.setHeader('Content-Disposition', `attachment; filename="dcfleet-green-dc-eligibility-${y}.csv"`);
    return eligibilityCsv(await this.exports.eligibility(y, scope));
  }

  @Get('ratings/eed')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary:
      'EU EED annual report (Delegated Regulation 2024/1364 Annexes I/II) of every site: the fields dcfleet fills, and those it cannot',
  })
  @ApiQuery(YEAR_QUERY)
  async eed(@CallerScope() scope: Scope, @Query('year') year?: string): Promise<EedExport> {
    return this.exports.eed(annual(year), scope);
  }

  @Get('ratings/eed.csv')
  @Roles('admin', 'operator', 'regulator')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'EU EED annual report as CSV' })
  @ApiQuery(YEAR_QUERY)
  async eedCsv(
    @Res({ passthrough: true }) res: Response,
    @CallerScope() scope: Scope,
    @Query('year') year?: string,
  ): Promise<string> {
    const y = annual(year);
    res.setHeader('Content-Disposition', `attachment; filename="dcfleet-eu-eed-${y}.csv"`);
    return eedCsv(await this.exports.eed(y, scope));
  }

  @Get('ratings/:code')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary:
      "A site's rating with the monthly breakdown, evidence (receipts, chain, data gaps) and revisions",
  })
  @ApiQuery(YEAR_QUERY)
  @ApiQuery(PERIOD_QUERY)
  detail(
    @Param('code') code: string,
    @CallerScope() scope: Scope,
    @Query('year') year?: string,
    @Query('period') period?: string,
  ): Promise<RatingDetailResponse> {
    return this.ratings.detail(code, parsePeriodSpec(year, period), scope);
  }
}
