import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createUserSchema,
  updateUserSchema,
  type CreateUserInput,
  type UpdateUserInput,
  type UserInfo,
} from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { CallerScope, Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import type { Scope } from '../platform/access/scope';
import { ZodBody } from '../platform/common/zod-body';
import { AccountsService } from './accounts.service';

/** Admins manage users; an organisation's admin only its own organisation's (AccountsService). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1')
export class UsersController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
  ) {}

  @Post('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user with one role, in an organisation or as hub staff (admin)' })
  async create(
    @Body(new ZodBody(createUserSchema)) body: CreateUserInput,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<UserInfo> {
    const user = await this.accounts.create(scope, body);
    await this.audit.record(actorOf(req), 'user.create', user.username, {
      role: user.role,
      organization: user.organization,
      regions: user.regions,
    });
    return user;
  }

  @Get('users')
  @Roles('admin')
  @ApiOperation({ summary: "List users (admin; an organisation's admin sees its members)" })
  list(@CallerScope() scope: Scope): Promise<UserInfo[]> {
    return this.accounts.list(scope);
  }

  @Patch('users/:username')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change role, organisation or regions, disable, or reset the password of a user (admin)',
  })
  async update(
    @Param('username') username: string,
    @Body(new ZodBody(updateUserSchema)) body: UpdateUserInput,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<UserInfo> {
    const user = await this.accounts.update(scope, username, body);
    const fields = Object.keys(body).map((k) => (k === 'password' ? 'password(reset)' : k));
    await this.audit.record(actorOf(req), 'user.update', username, {
      fields,
      role: body.role,
      disabled: body.disabled,
      organization: body.organization,
      regions: body.regions,
    });
    return user;
  }

  @Post('users/:username/logout')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'End every session of a user on every instance (admin)' })
  async logout(
    @Param('username') username: string,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<UserInfo> {
    const user = await this.accounts.endSessions(scope, username);
    await this.audit.record(actorOf(req), 'user.logout_all', username);
    return user;
  }
}
