import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.module';
import { Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { LoginThrottle } from './login-limiter';
import { actorOf } from '../platform/access/request-actor';

/** The admin's side of the login throttle; on the users' path, as the admin screens see it. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UnlockController {
  constructor(
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
  ) {}

  @Post(':username/unlock')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Lift the failed-login lockout of a username (every instance with REDIS_URL, else this one; admin)',
  })
  async unlock(@Param('username') username: string, @Req() req: AppRequest): Promise<{ cleared: number }> {
    const cleared = await this.throttle.attempts.unlock(username);
    await this.audit.record(actorOf(req), 'user.unlock', username, { cleared });
    return { cleared };
  }
}
