import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CATALOG_METRICS,
  CUSTOM_METRIC_PATTERN,
  METRIC_CATALOG,
  type MetricDefinition,
} from '@dcfleet/contracts';
import { Roles } from '../platform/access/access.decorators';

@ApiTags('datacenters')
@ApiBearerAuth()
@Controller('api/v1/metrics')
export class CatalogController {
  @Get('catalog')
  @Roles('admin', 'operator', 'regulator')
  @ApiOperation({
    summary: 'The metric catalog: names, kinds, units and plausible ranges; custom metrics match x_…',
  })
  catalog(): { metrics: MetricDefinition[]; customPattern: string } {
    return {
      metrics: CATALOG_METRICS.map((name) => ({ name, ...METRIC_CATALOG[name] })),
      customPattern: CUSTOM_METRIC_PATTERN.source,
    };
  }
}
