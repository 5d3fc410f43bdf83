import {
  ALARM_RULE_KINDS,
  ASHRAE_INLET_BANDS,
  parseAlarmRuleParams,
  type AlarmRuleInfo,
  type AlarmRuleKind,
} from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import * as common from '../../../i18n/common-messages';
import * as commonZh from '../../../i18n/common-messages.zh-CN';
import { createI18n, type Messages } from '../../../i18n/i18n';
import * as alarms from '../../alarms/messages';
import * as alarmsZh from '../../alarms/messages.zh-CN';
import * as admin from '../messages';
import * as adminZh from '../messages.zh-CN';
import {
  alarmRuleFormToCreate,
  alarmRuleFormToUpdate,
  describeRule,
  emptyAlarmRuleForm,
  INLET_BANDS,
  isWebhookUrl,
  PARAM_SPECS,
  paramDefault,
  ruleToForm,
  sortRules,
  withKind,
  withSeverity,
} from './alarm-rule-form';

const EN: Partial<Messages> = { ...common.en, ...alarms.en, ...admin.en };
const ZH: Partial<Messages> = { ...commonZh.zhCN, ...alarmsZh.zhCN, ...adminZh.zhCN };
const { t } = createI18n('en', EN);
const zh = createI18n('zh-CN', ZH).t;

function rule(over: Partial<AlarmRuleInfo> = {}): AlarmRuleInfo {
  return {
    id: 7,
    datacenter: 'GZ-GA-01',
    kind: 'pue',
    severity: 'warning',
    params: { threshold: 1.5, sustainS: 600, hysteresis: 0.05, maxSkewS: 120, maxGapS: 300 },
    enabled: true,
    builtin: null,
    webhookUrl: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

describe('alarmRuleFormToCreate', () => {
  it('builds a create body, leaving empty parameters to the API defaults', () => {
    const form = { ...withKind(emptyAlarmRuleForm(), 'pue'), datacenter: 'GZ-GA-01' };
    form.params = { ...form.params, threshold: ' 1.45 ', sustainS: '600' };
    const { body, errors } = alarmRuleFormToCreate(form);
    expect(errors).toEqual({});
    expect(body).toEqual({
      datacenter: 'GZ-GA-01',
      kind: 'pue',
      severity: 'warning',
      params: { threshold: 1.45, sustainS: 600 },
      enabled: true,
    });
  });

  it('fleet-wide is datacenter null; booleans are always sent; a webhook URL is trimmed', () => {
    const form = { ...withKind(emptyAlarmRuleForm(), 'metering'), webhookUrl: ' https://hooks.example/x ' };
    form.params = { ...form.params, counters: 'false' };
    const { body, errors } = alarmRuleFormToCreate(form);
    expect(errors).toEqual({});
    expect(body.datacenter).toBeNull();
    expect(body.params).toEqual({ counters: false });
    expect(body.webhookUrl).toBe('https://hooks.example/x');
  });

  it('names every invalid field with a message key', () => {
    const form = { ...withKind(emptyAlarmRuleForm(), 'pue'), datacenter: 'bad code', webhookUrl: 'ftp://x' };
    form.params = { ...form.params, threshold: '0.9', sustainS: '1.5', maxGapS: 'abc' };
    const { errors } = alarmRuleFormToCreate(form);
    expect(Object.keys(errors).sort()).toEqual([
      'datacenter',
      'params.maxGapS',
      'params.sustainS',
      'params.threshold',
      'webhookUrl',
    ]);
    expect(errors['params.threshold']).toEqual({ key: 'admin.err.number', params: { min: 1, max: 10 } });
    expect(errors['params.sustainS']).toEqual({
      key: 'admin.err.integer',
      params: { min: 0, max: 86_400 },
    });
    expect(errors.webhookUrl).toEqual({ key: 'admin.rule.err.webhook' });
  });

  it('checks the inlet band and hysteresis against the defaults of the severity', () => {
    const form = emptyAlarmRuleForm('inlet_temp');
    // low 28 with the warning band's default high (27): refused, as the API does.
    expect(alarmRuleFormToCreate({ ...form, params: { ...form.params, low: '28' } }).errors).toEqual({
      'params.high': { key: 'admin.rule.err.lowHigh' },
    });
    // ... but fine for critical (high 32).
    expect(
      alarmRuleFormToCreate({ ...form, severity: 'critical', params: { ...form.params, low: '28' } }).errors,
    ).toEqual({});
    expect(alarmRuleFormToCreate({ ...form, params: { ...form.params, hysteresis: '4.5' } }).errors).toEqual({
      'params.hysteresis': { key: 'admin.rule.err.hysteresis', params: { max: 4.5 } },
    });
  });
});

describe('alarmRuleFormToUpdate', () => {
  it('sends every parameter, null for emptied ones, and never kind or scope', () => {
    const form = ruleToForm(rule({ webhookUrl: 'https://a.example/' }));
    expect(form.params.threshold).toBe('1.5');
    form.params = { ...form.params, sustainS: '', threshold: '1.7' };
    form.webhookUrl = '';
    form.enabled = false;
    const { body, errors } = alarmRuleFormToUpdate(form);
    expect(errors).toEqual({});
    expect(body).toEqual({
      severity: 'warning',
      params: { threshold: 1.7, sustainS: null, hysteresis: 0.05, maxSkewS: 120, maxGapS: 300 },
      enabled: false,
      webhookUrl: null,
    });
    expect(body).not.toHaveProperty('kind');
    expect(body).not.toHaveProperty('datacenter');
  });

  it('moves default inlet limits with the severity, keeps custom ones', () => {
    const inlet = rule({ kind: 'inlet_temp', params: { low: 18, high: 27, hysteresis: 0.5 } });
    const moved = withSeverity(ruleToForm(inlet), 'critical');
    expect(moved.params).toEqual({ low: '15', high: '32', hysteresis: '0.5' });
    const custom = withSeverity(
      ruleToForm({ ...inlet, params: { low: 20, high: 27, hysteresis: 0.5 } }),
      'critical',
    );
    expect(custom.params).toEqual({ low: '20', high: '32', hysteresis: '0.5' });
    expect(alarmRuleFormToUpdate(custom).body.params).toEqual({ low: 20, high: 32, hysteresis: 0.5 });
  });
});

describe('client validation mirrors the API (parseAlarmRuleParams)', () => {
  it('uses the same defaults and inlet bands', () => {
    expect(INLET_BANDS).toEqual(ASHRAE_INLET_BANDS);
    for (const kind of ALARM_RULE_KINDS) {
      for (const severity of ['warning', 'critical'] as const) {
        const parsed = parseAlarmRuleParams(kind, severity, {});
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) continue;
        for (const spec of PARAM_SPECS[kind]) {
          expect([kind, spec.name, parsed.params[spec.name] ?? null]).toEqual([
            kind,
            spec.name,
            paramDefault(kind, severity, spec.name),
          ]);
        }
        // No parameter the API knows is missing from the form.
        expect(Object.keys(parsed.params).every((k) => PARAM_SPECS[kind].some((p) => p.name === k))).toBe(
          true,
        );
      }
    }
  });

  it('accepts and refuses the same values at and around every bound', () => {
    const probes = (min?: number, max?: number) =>
      [
        min,
        max,
        min !== undefined ? min - 0.5 : 0,
        max !== undefined ? max + 0.5 : 0,
        0,
        1,
        0.5,
        61.5,
        100,
      ].filter((v): v is number => v !== undefined);
    for (const kind of ALARM_RULE_KINDS as readonly AlarmRuleKind[]) {
      for (const spec of PARAM_SPECS[kind]) {
        if (spec.type === 'boolean') continue;
        for (const severity of ['warning', 'critical'] as const) {
          for (const v of probes(spec.min, spec.max)) {
            const form = { ...emptyAlarmRuleForm(kind), severity };
            form.params = { ...form.params, [spec.name]: String(v) };
            const client = Object.keys(alarmRuleFormToCreate(form).errors).length === 0;
            const api = parseAlarmRuleParams(kind, severity, { [spec.name]: v }).ok;
            expect({ kind, severity, param: spec.name, value: v, ok: client }).toEqual({
              kind,
              severity,
              param: spec.name,
              value: v,
              ok: api,
            });
          }
        }
      }
    }
  });
});

describe('display helpers', () => {
  it('describes thresholds per kind', () => {
    expect(describeRule(rule(), t)).toBe('PUE above 1.5 for 10 min (hysteresis 0.05)');
    expect(
      describeRule(rule({ kind: 'inlet_temp', params: { low: 18, high: 27, hysteresis: 0.5 } }), t),
    ).toBe('Outside 18–27 °C (hysteresis 0.5 °C)');
    expect(describeRule(rule({ kind: 'stale', params: {} }), t)).toBe(
      'No data for the server default (STALE_AFTER_S)',
    );
    expect(describeRule(rule({ kind: 'stale', params: { afterS: 7200 } }), t)).toBe('No data for 2 h');
    expect(describeRule(rule({ kind: 'metering', params: { tolerance: 0.02, counters: true } }), t)).toBe(
      'IT above facility power by more than 2%; counters going backwards',
    );
    expect(describeRule(rule({ kind: 'inlet_rate', params: {} }), zh)).toBe(
      '15 分钟 内变化快于 20 °C/h（回差 20%）',
    );
  });

  it('sorts fleet-wide rules first, then by site, kind and severity', () => {
    const sorted = sortRules([
      rule({ id: 1, datacenter: 'B-1' }),
      rule({ id: 2, datacenter: null, kind: 'stale', severity: 'critical' }),
      rule({ id: 3, datacenter: null, kind: 'inlet_temp', severity: 'critical' }),
      rule({ id: 4, datacenter: null, kind: 'inlet_temp', severity: 'warning' }),
      rule({ id: 5, datacenter: 'A-1' }),
    ]);
    expect(sorted.map((r) => r.id)).toEqual([4, 3, 2, 5, 1]);
  });

  it('recognises webhook URLs like the API', () => {
    expect(isWebhookUrl('https://hooks.example/a')).toBe(true);
    expect(isWebhookUrl('http://10.0.0.1:8080/x')).toBe(true);
    expect(isWebhookUrl('ftp://hooks.example/a')).toBe(false);
    expect(isWebhookUrl('hooks.example/a')).toBe(false);
  });

  it('every parameter label and kind is translated into Simplified Chinese', () => {
    for (const kind of ALARM_RULE_KINDS) {
      expect(ZH[`admin.rule.kind.${kind}`]).toBeTruthy();
      for (const p of PARAM_SPECS[kind]) expect(ZH[p.label]).not.toBe(EN[p.label]);
    }
  });
});
