/**
 * The alarm rule form: string fields in, a validated request body out (pure, unit-tested). The bounds mirror
 * `alarmRuleParamSchemas` / `parseAlarmRuleParams` in libs/contracts/src/schemas.ts by hand so that the
 * dashboard does not pull zod into its bundle; alarm-rule-form.spec.ts checks them against the real schema.
 */
import {
  ALARM_RULE_KINDS,
  ALARM_SEVERITIES,
  SITE_CODE_PATTERN,
  type AlarmRuleInfo,
  type AlarmRuleKind,
  type AlarmSeverity,
  type CreateAlarmRuleInput,
  type UpdateAlarmRuleInput,
} from '@dcfleet/contracts';
import type { MessageId, Translate } from '../../../i18n/i18n';
import type { FieldError } from './site-form';

export { ALARM_RULE_KINDS, ALARM_SEVERITIES };

/** One rule parameter: its type and bounds as the API checks them, its default when left empty. */
export interface ParamSpec {
  name: string;
  label: MessageId;
  type: 'number' | 'integer' | 'boolean';
  min?: number;
  max?: number;
  /** min itself is not allowed (zod `.positive()`). */
  exclusiveMin?: boolean;
  /** Applied by the API when the parameter is omitted; none: it depends (inlet bands, STALE_AFTER_S). */
  default?: number | boolean;
}

export const PARAM_SPECS: Record<AlarmRuleKind, ParamSpec[]> = {
  inlet_temp: [
    { name: 'low', label: 'admin.rule.p.inletLow', type: 'number', min: -40, max: 90 },
    { name: 'high', label: 'admin.rule.p.inletHigh', type: 'number', min: -40, max: 90 },
    {
      name: 'hysteresis',
      label: 'admin.rule.p.inletHysteresis',
      type: 'number',
      min: 0,
      max: 10,
      default: 0.5,
    },
  ],
  inlet_rate: [
    {
      name: 'maxCPerHour',
      label: 'admin.rule.p.maxCPerHour',
      type: 'number',
      min: 0,
      max: 1000,
      exclusiveMin: true,
      default: 20,
    },
    { name: 'windowS', label: 'admin.rule.p.windowS', type: 'integer', min: 60, max: 86_400, default: 900 },
    {
      name: 'hysteresis',
      label: 'admin.rule.p.rateHysteresis',
      type: 'number',
      min: 0,
      max: 0.9,
      default: 0.2,
    },
  ],
  pue: [
    { name: 'threshold', label: 'admin.rule.p.threshold', type: 'number', min: 1, max: 10, default: 1.6 },
    { name: 'sustainS', label: 'admin.rule.p.sustainS', type: 'integer', min: 0, max: 86_400, default: 900 },
    {
      name: 'hysteresis',
      label: 'admin.rule.p.pueHysteresis',
      type: 'number',
      min: 0,
      max: 1,
      default: 0.05,
    },
    { name: 'maxSkewS', label: 'admin.rule.p.maxSkewS', type: 'integer', min: 1, max: 3600, default: 120 },
    { name: 'maxGapS', label: 'admin.rule.p.maxGapS', type: 'integer', min: 10, max: 86_400, default: 300 },
  ],
  stale: [{ name: 'afterS', label: 'admin.rule.p.afterS', type: 'integer', min: 10, max: 30 * 86_400 }],
  metering: [
    { name: 'tolerance', label: 'admin.rule.p.tolerance', type: 'number', min: 0, max: 1, default: 0.02 },
    { name: 'maxSkewS', label: 'admin.rule.p.maxSkewS', type: 'integer', min: 1, max: 3600, default: 120 },
    { name: 'counters', label: 'admin.rule.p.counters', type: 'boolean', default: true },
    {
      name: 'resetFraction',
      label: 'admin.rule.p.resetFraction',
      type: 'number',
      min: 0,
      max: 1,
      default: 0.05,
    },
    {
      name: 'clearAfterS',
      label: 'admin.rule.p.clearAfterS',
      type: 'integer',
      min: 0,
      max: 7 * 86_400,
      default: 900,
    },
  ],
};

/** Default inlet bands by severity (ASHRAE TC 9.9; the same as ASHRAE_INLET_BANDS of the contracts). */
export const INLET_BANDS: Record<AlarmSeverity, { low: number; high: number }> = {
  warning: { low: 18, high: 27 },
  critical: { low: 15, high: 32 },
};

export interface AlarmRuleForm {
  /** Site code; '' is fleet-wide. */
  datacenter: string;
  kind: AlarmRuleKind;
  severity: AlarmSeverity;
  enabled: boolean;
  webhookUrl: string;
  /** Parameter inputs by name ('' = default); booleans as 'true' / 'false'. */
  params: Record<string, string>;
}

/** Errors by field: 'datacenter', 'webhookUrl' or 'params.<name>'. */
export type AlarmRuleFormErrors = Partial<Record<string, FieldError>>;

function emptyParams(kind: AlarmRuleKind): Record<string, string> {
  return Object.fromEntries(
    PARAM_SPECS[kind].map((p) => [p.name, p.type === 'boolean' ? String(p.default ?? false) : '']),
  );
}

export function emptyAlarmRuleForm(kind: AlarmRuleKind = 'inlet_temp'): AlarmRuleForm {
  return {
    datacenter: '',
    kind,
    severity: 'warning',
    enabled: true,
    webhookUrl: '',
    params: emptyParams(kind),
  };
}

/** The form filled from an existing rule (the API sends complete parameters, defaults filled in). */
export function ruleToForm(rule: AlarmRuleInfo): AlarmRuleForm {
  const params: Record<string, string> = {};
  for (const p of PARAM_SPECS[rule.kind]) {
    const v = rule.params[p.name];
    params[p.name] =
      typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : p.type === 'boolean'
          ? String(p.default ?? false)
          : '';
  }
  return {
    datacenter: rule.datacenter ?? '',
    kind: rule.kind,
    severity: rule.severity,
    enabled: rule.enabled,
    webhookUrl: rule.webhookUrl ?? '',
    params,
  };
}

/** Another kind (creating only): its parameters start empty. */
export function withKind(form: AlarmRuleForm, kind: AlarmRuleKind): AlarmRuleForm {
  return kind === form.kind ? form : { ...form, kind, params: emptyParams(kind) };
}

/**
 * Another severity: inlet limits that are the old severity's default band follow to the new one (what the
 * API does with limits it was not told), custom limits stay.
 */
export function withSeverity(form: AlarmRuleForm, severity: AlarmSeverity): AlarmRuleForm {
  if (severity === form.severity) return form;
  if (form.kind !== 'inlet_temp') return { ...form, severity };
  const params = { ...form.params };
  for (const edge of ['low', 'high'] as const) {
    const raw = params[edge]?.trim() ?? '';
    if (raw && Number(raw) === INLET_BANDS[form.severity][edge])
      params[edge] = String(INLET_BANDS[severity][edge]);
  }
  return { ...form, severity, params };
}

/** The default a parameter input shows as its placeholder, or null when the server decides. */
export function paramDefault(
  kind: AlarmRuleKind,
  severity: AlarmSeverity,
  name: string,
): number | boolean | null {
  if (kind === 'inlet_temp' && (name === 'low' || name === 'high')) return INLET_BANDS[severity][name];
  return PARAM_SPECS[kind].find((p) => p.name === name)?.default ?? null;
}

/** An absolute http(s) URL, as `alarmWebhookUrlSchema` wants it. */
export function isWebhookUrl(value: string): boolean {
  if (value.length > 2000) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

type ParamValues = Record<string, number | boolean | null>;

function validate(
  form: AlarmRuleForm,
  mode: 'create' | 'edit',
): { params: ParamValues; webhookUrl: string | null; errors: AlarmRuleFormErrors } {
  const errors: AlarmRuleFormErrors = {};
  const params: ParamValues = {};
  for (const spec of PARAM_SPECS[form.kind]) {
    const raw = (form.params[spec.name] ?? '').trim();
    const field = `params.${spec.name}`;
    if (spec.type === 'boolean') {
      params[spec.name] = raw === 'true';
      continue;
    }
    if (!raw) {
      // Empty: the default. Creating leaves it out; editing sends null, which restores the default.
      if (mode === 'edit') params[spec.name] = null;
      continue;
    }
    const v = Number(raw);
    const min = spec.min ?? -Infinity;
    const max = spec.max ?? Infinity;
    if (
      !Number.isFinite(v) ||
      (spec.type === 'integer' && !Number.isInteger(v)) ||
      v > max ||
      (spec.exclusiveMin ? v <= min : v < min)
    ) {
      errors[field] = {
        key:
          spec.type === 'integer'
            ? 'admin.err.integer'
            : spec.exclusiveMin
              ? 'admin.err.positive'
              : 'admin.err.number',
        params: { min, max },
      };
      continue;
    }
    params[spec.name] = v;
  }

  // parseAlarmRuleParams' cross-field checks, with the defaults the API would use.
  if (
    form.kind === 'inlet_temp' &&
    !errors['params.low'] &&
    !errors['params.high'] &&
    !errors['params.hysteresis']
  ) {
    const band = INLET_BANDS[form.severity];
    const low = (params.low as number | null | undefined) ?? band.low;
    const high = (params.high as number | null | undefined) ?? band.high;
    const h = (params.hysteresis as number | null | undefined) ?? 0.5;
    if (!(low < high)) errors['params.high'] = { key: 'admin.rule.err.lowHigh' };
    else if (2 * h >= high - low) {
      errors['params.hysteresis'] = { key: 'admin.rule.err.hysteresis', params: { max: (high - low) / 2 } };
    }
  }

  const url = form.webhookUrl.trim();
  let webhookUrl: string | null = null;
  if (url) {
    if (isWebhookUrl(url)) webhookUrl = url;
    else errors.webhookUrl = { key: 'admin.rule.err.webhook' };
  }
  return { params, webhookUrl, errors };
}

/** Validates a new rule with the API's rules; empty parameters are left out (the API fills the defaults). */
export function alarmRuleFormToCreate(form: AlarmRuleForm): {
  body: CreateAlarmRuleInput;
  errors: AlarmRuleFormErrors;
} {
  const { params, webhookUrl, errors } = validate(form, 'create');
  const datacenter = form.datacenter.trim();
  if (datacenter && !SITE_CODE_PATTERN.test(datacenter)) errors.datacenter = { key: 'admin.err.code' };
  const body: CreateAlarmRuleInput = {
    datacenter: datacenter || null,
    kind: form.kind,
    severity: form.severity,
    params,
    enabled: form.enabled,
  };
  if (webhookUrl) body.webhookUrl = webhookUrl;
  return { body, errors };
}

/**
 * Validates a change. Every parameter is sent (null for an emptied one: its default), so the rule ends up as
 * the form shows it whatever the API's merge does; kind and scope cannot change.
 */
export function alarmRuleFormToUpdate(form: AlarmRuleForm): {
  body: UpdateAlarmRuleInput;
  errors: AlarmRuleFormErrors;
} {
  const { params, webhookUrl, errors } = validate(form, 'edit');
  return { body: { severity: form.severity, params, enabled: form.enabled, webhookUrl }, errors };
}

/** `900` → `15 min`, `7200` → `2 h`, `45` → `45 s`. */
export function formatSeconds(s: number, t: Translate): string {
  if (s >= 3600 && s % 3600 === 0) return t('admin.rule.dur.h', { n: s / 3600 });
  if (s >= 60 && s % 60 === 0) return t('admin.rule.dur.min', { n: s / 60 });
  return t('admin.rule.dur.s', { n: s });
}

/** The rule's thresholds in one line for the table. */
export function describeRule(
  rule: Pick<AlarmRuleInfo, 'kind' | 'severity' | 'params'>,
  t: Translate,
): string {
  const p = rule.params;
  const num = (name: string): number => {
    const v = p[name];
    if (typeof v === 'number') return v;
    const d = paramDefault(rule.kind, rule.severity, name);
    return typeof d === 'number' ? d : NaN;
  };
  switch (rule.kind) {
    case 'inlet_temp':
      return t('admin.rule.sum.inlet_temp', { low: num('low'), high: num('high'), h: num('hysteresis') });
    case 'inlet_rate':
      return t('admin.rule.sum.inlet_rate', {
        max: num('maxCPerHour'),
        window: formatSeconds(num('windowS'), t),
        h: num('hysteresis'),
      });
    case 'pue':
      return t('admin.rule.sum.pue', {
        threshold: num('threshold'),
        sustain: formatSeconds(num('sustainS'), t),
        h: num('hysteresis'),
      });
    case 'stale':
      return typeof p.afterS === 'number'
        ? t('admin.rule.sum.stale', { after: formatSeconds(p.afterS, t) })
        : t('admin.rule.sum.staleDefault');
    case 'metering':
      return (
        t('admin.rule.sum.metering', { tol: num('tolerance') }) +
        (p.counters === false ? '' : t('admin.rule.sum.counters'))
      );
  }
}

/** Fleet-wide rules first, then by site, kind and severity (warning before critical). */
export function sortRules(rules: AlarmRuleInfo[]): AlarmRuleInfo[] {
  const kindRank = (k: AlarmRuleKind) => ALARM_RULE_KINDS.indexOf(k);
  const sevRank = (s: AlarmSeverity) => ALARM_SEVERITIES.indexOf(s);
  return [...rules].sort(
    (a, b) =>
      Number(a.datacenter !== null) - Number(b.datacenter !== null) ||
      (a.datacenter ?? '').localeCompare(b.datacenter ?? '') ||
      kindRank(a.kind) - kindRank(b.kind) ||
      sevRank(a.severity) - sevRank(b.severity) ||
      a.id - b.id,
  );
}
