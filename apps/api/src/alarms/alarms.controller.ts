import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ackAlarmSchema,
  createAlarmRuleSchema,
  updateAlarmRuleSchema,
  type AckAlarmInput,
  type AlarmInfo,
  type AlarmRuleInfo,
  type CreateAlarmRuleInput,
  type UpdateAlarmRuleInput,
} from '@dcfleet/contracts';
import { CallerScope, Roles } from '../platform/access/access.decorators';
import type { Scope } from '../platform/access/scope';
import type { AppRequest } from '../platform/access/access.types';
import { actorOf } from '../platform/access/request-actor';
import { ZodBody } from '../platform/common/zod-body';
import { AlarmRulesService } from './alarm-rules.service';
import { AlarmsService, type AlarmQuery } from './alarms.service';

/** Alarms for operations (docs/contract.md "Alarms"). Regulators never see alarms. */
@ApiTags('alarms')
@ApiBearerAuth()
@Controller('api/v1')
export class AlarmsController {
  constructor(
    private readonly alarms: AlarmsService,
    private readonly rules: AlarmRulesService,
  ) {}

  @Get('alarms')
  @Roles('admin', 'operator')
  @ApiOperation({
    summary:
      'Alarms, newest first: state=active (default) | all; datacenter=CODE; limit (≤ 5000), before=<id> to page',
  })
  list(@Query() q: AlarmQuery, @CallerScope() scope: Scope): Promise<AlarmInfo[]> {
    return this.alarms.list(q, scope);
  }

  @Get('alarms/:id')
  @Roles('admin', 'operator')
  @ApiOperation({ summary: 'One alarm' })
  one(@Param('id', ParseIntPipe) id: number, @CallerScope() scope: Scope): Promise<AlarmInfo> {
    return this.alarms.one(id, scope);
  }

  @Post('alarms/:id/ack')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @ApiOperation({ summary: 'Acknowledge an alarm with an optional note (once; 409 if already acknowledged)' })
  ack(
    @Param('id', ParseIntPipe) id: number,
    @Body(new ZodBody(ackAlarmSchema)) body: AckAlarmInput,
    @Req() req: AppRequest,
    @CallerScope() scope: Scope,
  ): Promise<AlarmInfo> {
    return this.alarms.acknowledge(id, scope, actorOf(req), body.note);
  }

  @Get('alarm-rules')
  @Roles('admin', 'operator')
  @ApiOperation({
    summary: 'Alarm rules: fleet-wide and per site (datacenter=CODE: the ones that can apply to that site)',
  })
  listRules(@CallerScope() scope: Scope, @Query('datacenter') datacenter?: string): Promise<AlarmRuleInfo[]> {
    return this.rules.list(scope, datacenter);
  }

  @Get('alarm-rules/:id')
  @Roles('admin', 'operator')
  @ApiOperation({ summary: 'One alarm rule' })
  oneRule(@Param('id', ParseIntPipe) id: number, @CallerScope() scope: Scope): Promise<AlarmRuleInfo> {
    return this.rules.info(id, scope);
  }

  @Post('alarm-rules')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Create a rule (admin): fleet-wide, or for one site (replaces the fleet rule of the same kind and severity there)',
  })
  createRule(
    @Body(new ZodBody(createAlarmRuleSchema)) body: CreateAlarmRuleInput,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<AlarmRuleInfo> {
    return this.rules.create(body, actorOf(req), scope);
  }

  @Patch('alarm-rules/:id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Tune a rule (admin): params are merged, null restores a default; enabled; severity; webhookUrl',
  })
  updateRule(
    @Param('id', ParseIntPipe) id: number,
    @Body(new ZodBody(updateAlarmRuleSchema)) body: UpdateAlarmRuleInput,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<AlarmRuleInfo> {
    return this.rules.update(id, body, actorOf(req), scope);
  }

  @Delete('alarm-rules/:id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({
    summary: 'Delete a rule (admin); built-in rules can only be disabled. Its active alarms are cleared.',
  })
  async deleteRule(
    @Param('id', ParseIntPipe) id: number,
    @CallerScope() scope: Scope,
    @Req() req: AppRequest,
  ): Promise<void> {
    await this.rules.remove(id, actorOf(req), scope);
  }
}
