import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ROLES,
  isRole,
  loginSchema,
  type LoginRequest,
  type LoginResponse,
  type SessionUser,
} from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { actorOf, clientIp } from '../platform/access/request-actor';
import { ZodBody } from '../platform/common/zod-body';
import { OrganizationsService } from '../organizations/organizations.module';
import { UsersService } from '../users/users.module';
import { Public, Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { LoginThrottle } from './login-limiter';
import { SessionService } from './session.service';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly organizations: OrganizationsService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for a JWT (throttled per address and username)' })
  async login(
    @Body(new ZodBody(loginSchema)) body: LoginRequest,
    @Req() req: AppRequest,
  ): Promise<LoginResponse> {
    const ip = clientIp(req);
    const { attempts, gate } = this.throttle;
    const keys = attempts.keysOf(body.username, ip);
    // Counted before the password check, so parallel guesses cannot all slip under the limit.
    const wait = await attempts.acquire(keys);
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
    const checked = await gate.run(() => this.users.verifyPassword(body.username, body.password));
    if (!checked) {
      req.res?.setHeader('Retry-After', '1');
      throw new HttpException(
        { statusCode: 503, error: 'Service Unavailable', message: 'too many logins at once; retry in 1 s' },
        503,
      );
    }
    const user = checked.value;
    if (!user || !isRole(user.role)) {
      await this.audit.record(
        { actor: body.username.slice(0, 64), actorType: 'anonymous', ip },
        'auth.login_failed',
        null,
      );
      throw new UnauthorizedException('wrong username or password');
    }
    await attempts.succeed(keys);
    const organizationId = user.organizationId;
    await this.audit.record(
      { actor: user.username, actorType: 'user', ip, organizationId },
      'auth.login',
      null,
    );
    const org = user.organizationId === null ? null : await this.organizations.byId(user.organizationId);
    return this.sessions.issue(
      {
        id: user.id,
        username: user.username,
        role: user.role,
        // nameZh only when there is one (the zh-CN header names the organisation with it).
        organization: org && {
          code: org.code,
          name: org.name,
          ...(org.nameZh ? { nameZh: org.nameZh } : {}),
        },
        regions: user.organizationId === null && user.role === 'regulator' ? user.regions : null,
      },
      user.tokenVersion,
    );
  }

  /**
   * Who the presented token is: a wall display opened with a kiosk link learns its user, scope and expiry here
   * (the token is all it has), and any client can re-check its session.
   */
  @Get('session')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'The calling session: user, scope, expiry and whether it is a kiosk session' })
  async session(@Req() req: AppRequest): Promise<LoginResponse> {
    const me = req.user!;
    const token = req.headers.authorization!.slice(7).trim();
    const user = await this.users.findByName(me.username);
    const organizationId = user?.organizationId ?? null;
    const org = organizationId === null ? null : await this.organizations.byId(organizationId);
    const sessionUser: SessionUser = {
      username: me.username,
      role: me.role,
      organization: org && { code: org.code, name: org.name },
      regions: me.scope.kind === 'regions' ? [...me.scope.regions] : null,
    };
    return {
      accessToken: token,
      expiresAt: new Date(expiryOf(token)).toISOString(),
      user: sessionUser,
      kiosk: me.kiosk ?? null,
    };
  }

  /** Ends every session of the caller, this one included, on every instance (a lost laptop, a shared screen). */
  @Post('logout-all')
  @HttpCode(204)
  @Roles(...ROLES)
  @ApiOperation({ summary: 'Log out everywhere: end every session of the calling user' })
  async logoutAll(@Req() req: AppRequest): Promise<void> {
    const me = req.user!;
    await this.users.endSessions(me.username);
    await this.audit.record(actorOf(req), 'auth.logout_all', me.username);
  }
}

/** A verified JWT's expiry (ms); the guard has checked the signature already. */
function expiryOf(token: string): number {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp?: number;
  };
  return (claims.exp ?? 0) * 1000;
}
