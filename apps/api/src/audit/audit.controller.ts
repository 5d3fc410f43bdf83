import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEntry } from '@dcfleet/contracts';
import { CallerScope, Roles } from '../platform/access/access.decorators';
import type { Scope } from '../platform/access/scope';
import { AuditService } from './audit.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit')
  @Roles('admin')
  @ApiOperation({
    summary: "Audit log, newest first (admin; an organisation's admin reads its members' entries)",
  })
  auditLog(
    @CallerScope() scope: Scope,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ): Promise<AuditEntry[]> {
    const n = Math.min(Math.max(Number(limit) || 100, 1), 1000);
    return this.audit.list(scope, n, before ? Number(before) : undefined);
  }
}
