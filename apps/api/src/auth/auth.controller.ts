import { Body, Controller, HttpCode, HttpException, Post, Req, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { isRole, loginSchema, type LoginRequest, type LoginResponse } from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.service';
import { clientIp } from '../common/request-context';
import { ZodBody } from '../common/zod-body';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { Public } from './auth.decorators';
import type { AppRequest } from './auth.types';
import { LoginLimiter } from './login-limiter';
import { SessionService } from './session.service';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  private readonly limiter: LoginLimiter;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.limiter = new LoginLimiter(config.env.LOGIN_RATE_LIMIT);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for a JWT (throttled per address and username)' })
  async login(
    @Body(new ZodBody(loginSchema)) body: LoginRequest,
    @Req() req: AppRequest,
  ): Promise<LoginResponse> {
    const ip = clientIp(req);
    const keys = [`ip:${ip ?? '?'}`, `user:${body.username.toLowerCase()}`];
    const wait = this.limiter.retryAfter(keys);
    if (wait > 0) {
      req.res?.setHeader('Retry-After', String(wait));
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `too many failed logins; retry in ${wait} s`,
        },
        429,
      );
    }
    const user = await this.users.verifyPassword(body.username, body.password);
    if (!user || !isRole(user.role)) {
      this.limiter.fail(keys);
      await this.audit.record(
        { actor: body.username.slice(0, 64), actorType: 'anonymous', ip },
        'auth.login_failed',
        null,
      );
      throw new UnauthorizedException('wrong username or password');
    }
    this.limiter.succeed(keys);
    await this.audit.record({ actor: user.username, actorType: 'user', ip }, 'auth.login', null);
    return this.sessions.issue({ id: user.id, username: user.username, role: user.role });
  }
}
