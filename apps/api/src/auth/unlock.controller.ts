import { Controller, HttpCode, NotFoundException, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.module';
import { CallerScope, Roles } from '../platform/access/access.decorators';
import type { Scope } from '../platform/access/scope';
import { UsersService } from '../users/users.module';
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
    private readonly users: UsersService,
  ) {}

  @Post(':username/unlock')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Lift the failed-login lockout of a username (every instance with REDIS_URL, else this one; admin)',
  })
  async unlock(
    @Param('username') username: string,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<{ cleared: number }> {
    // An organisation's admin unlocks its own members only (hub admins any name, existing or not: the throttle
    // counts guesses at names that do not exist too).
    if (scope.kind === 'organization') {
      const user = await this.users.findByName(username);
      if (user?.organizationId !== scope.organizationId)
        throw new NotFoundException(`user ${username} not found`);
    }
    const cleared = await this.throttle.attempts.unlock(username);
    await this.audit.record(actorOf(req), 'user.unlock', username, { cleared });
    return { cleared };
  }
}
