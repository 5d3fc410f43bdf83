import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createUserSchema,
  updateUserSchema,
  type CreateUserRequest,
  type Role,
  type UserInfo,
} from '@dcfleet/contracts';
import { AuditService } from '../audit/audit.module';
import { Roles } from '../platform/access/access.decorators';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import { ZodBody } from '../platform/common/zod-body';
import { UsersService } from './users.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Post('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user with one role (admin)' })
  async create(
    @Body(new ZodBody(createUserSchema)) body: CreateUserRequest,
    @Req() req: AppRequest,
  ): Promise<UserInfo> {
    const user = await this.users.create(body.username, body.password, body.role);
    await this.audit.record(actorOf(req), 'user.create', user.username, { role: user.role });
    return user;
  }

  @Get('users')
  @Roles('admin')
  @ApiOperation({ summary: 'List users (admin)' })
  list(): Promise<UserInfo[]> {
    return this.users.list();
  }

  @Patch('users/:username')
  @Roles('admin')
  @ApiOperation({ summary: 'Change role, disable, or reset the password of a user (admin)' })
  async update(
    @Param('username') username: string,
    @Body(new ZodBody(updateUserSchema)) body: { role?: Role; disabled?: boolean; password?: string },
    @Req() req: AppRequest,
  ): Promise<UserInfo> {
    const user = await this.users.update(username, body);
    const fields = Object.keys(body).map((k) => (k === 'password' ? 'password(reset)' : k));
    await this.audit.record(actorOf(req), 'user.update', username, {
      fields,
      role: body.role,
      disabled: body.disabled,
    });
    return user;
  }

  @Post('users/:username/logout')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'End every session of a user on every instance (admin)' })
  async logout(@Param('username') username: string, @Req() req: AppRequest): Promise<UserInfo> {
    const user = await this.users.endSessions(username);
    await this.audit.record(actorOf(req), 'user.logout_all', username);
    return user;
  }
}
