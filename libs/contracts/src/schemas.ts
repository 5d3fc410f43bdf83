/**
 * Request validation schemas (zod). Kept apart from the types and constants so that the dashboard only
 * pulls zod into its bundle when it really validates something.
 */
import { z } from 'zod';
import { ALARM_RULE_KINDS, ALARM_SEVERITIES, ASHRAE_INLET_BANDS, type AlarmRuleKind } from './api';
import { checkLabels } from './ingest';
import type { AlarmSeverity } from './live';
import { metricDefinition } from './metrics';
import { ROLES } from './roles';
import { GRID_REGION_PATTERN, NAME_KINDS, NAME_ZH_MAX, SITE_CODE_PATTERN } from './site';

const ianaZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Asia/Shanghai' },
);

const text = (max: number) => z.string().trim().min(1).max(max);
/** A Chinese name: trimmed, not blank, at most NAME_ZH_MAX characters; null clears it. */
const nameZh = z
  .string()
  .trim()
  .min(1, { message: 'must not be blank (send null to clear it)' })
  .max(NAME_ZH_MAX, { message: `must be at most ${NAME_ZH_MAX} characters` })
  .nullable();

export const dataCenterFieldsSchema = z.object({
  name: text(200),
  nameZh,
  operator: text(200).nullable(),
  region: text(100).nullable(),
  hub: text(100).nullable(),
  latitude: z.number().min(-90).max(90).nullable(),
  longitude: z.number().min(-180).max(180).nullable(),
  timezone: ianaZone,
  itCapacityKw: z.number().positive().max(10_000_000).nullable(),
  racks: z.number().int().min(0).max(10_000_000).nullable(),
  pueCategory: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  gridRegion: z
    .string()
    .regex(GRID_REGION_PATTERN, { message: `must match ${GRID_REGION_PATTERN.source} (e.g. CN-South)` })
    .nullable(),
  gridEmissionFactor: z.number().min(0).max(5).nullable(),
  greenCertifiedYear: z.number().int().min(1990).max(2200).nullable(),
  commissionedAt: z.iso.datetime({ offset: true }).or(z.iso.date()).nullable(),
});

/** An organisation's code has the shape of a site code (upper-case letters, digits, hyphens). */
const organizationCode = z
  .string()
  .regex(SITE_CODE_PATTERN, { message: 'must match ^[A-Z0-9][A-Z0-9-]{1,31}$ (e.g. YELANG)' });

export const createDataCenterSchema = dataCenterFieldsSchema
  .partial()
  .extend({
    code: z
      .string()
      .regex(SITE_CODE_PATTERN, { message: 'must match ^[A-Z0-9][A-Z0-9-]{1,31}$ (e.g. GZ-GA-01)' }),
    name: text(200),
    /** The owning organisation's code (hub staff only); default: the default organisation. */
    organization: organizationCode.optional(),
  })
  .strict();

export const createOrganizationSchema = z
  .object({ code: organizationCode, name: text(200), nameZh: nameZh.optional() })
  .strict();

/** PATCH /api/v1/organizations/:code: the names (the code cannot change). */
export const updateOrganizationSchema = z
  .object({ name: text(200).optional(), nameZh: nameZh.optional() })
  .strict()
  .refine((o) => o.name !== undefined || o.nameZh !== undefined, { message: 'name or nameZh is required' });
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationSchema>;

/** PUT /api/v1/names: the Chinese name of a region, hub or operator value; null removes it. */
export const setLocalizedNameSchema = z
  .object({ kind: z.enum(NAME_KINDS), name: text(200), nameZh })
  .strict();
export type SetLocalizedNameInput = z.infer<typeof setLocalizedNameSchema>;

/** Moves a site to the organisation in the path (POST /api/v1/organizations/:code/sites). */
export const moveSiteSchema = z
  .object({ site: z.string().regex(SITE_CODE_PATTERN, { message: 'must be a site code' }) })
  .strict();

export type CreateOrganizationInput = z.infer<typeof createOrganizationSchema>;

export const updateDataCenterSchema = dataCenterFieldsSchema
  .partial()
  .extend({
    /** Local date (site time zone) from which changed reference fields apply; default: today. */
    effectiveFrom: z.iso.date().optional(),
    /** Why reference fields changed: kept with the change and in any revision it causes. */
    changeReason: text(500).optional(),
  })
  .strict();

export const emissionFactorSchema = z
  .object({ factor: z.number().min(0).max(5), source: text(300) })
  .strict();
export type EmissionFactorInput = z.infer<typeof emissionFactorSchema>;

/** A recorded meter exchange; the metric must be a counter, `at` an RFC 3339 time or epoch milliseconds. */
export const meterExchangeSchema = z
  .object({
    metric: z.string().min(1).max(64),
    at: z.union([z.string().max(40), z.number().int()]),
    oldFinal: z.number().min(0).max(1e15),
    newInitial: z.number().min(0).max(1e15),
    note: text(500).optional(),
  })
  .strict();
export type MeterExchangeInput = z.infer<typeof meterExchangeSchema>;

export const loginSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict();

export const passwordSchema = z.string().min(12, { message: 'must be at least 12 characters' }).max(1024);

/** A regulator's regions: site `region` values, at least one (null means all). */
const userRegions = z.array(text(100)).min(1).max(100);

export const createUserSchema = z
  .object({
    username: z.string().regex(/^[a-zA-Z0-9_.-]{3,64}$/, { message: 'must be 3-64 letters, digits, _ . -' }),
    password: passwordSchema,
    role: z.enum(ROLES),
    organization: organizationCode.nullable().optional(),
    regions: userRegions.nullable().optional(),
  })
  .strict();

export const updateUserSchema = z
  .object({
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
    organization: organizationCode.nullable().optional(),
    regions: userRegions.nullable().optional(),
  })
  .strict();

export type UpdateUserInput = z.infer<typeof updateUserSchema>;
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const createTokenSchema = z.object({ name: text(100).optional() }).strict();

/** Kiosk (wall display) sessions: a name to recognise the screen by and a bounded lifetime. */
export const KIOSK_TTL_DAYS = { default: 90, max: 365 } as const;
export const createKioskSessionSchema = z
  .object({
    name: text(64),
    ttlDays: z.number().int().min(1).max(KIOSK_TTL_DAYS.max).optional(),
  })
  .strict();

export type CreateDataCenterInput = z.infer<typeof createDataCenterSchema>;
export type UpdateDataCenterInput = z.infer<typeof updateDataCenterSchema>;

// ---------------------------------------------------------------------------------------------------------
// Alarms (docs/contract.md "Alarms")

/** Webhook targets: absolute http:// or https:// URLs only. */
export const alarmWebhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'must be an absolute http:// or https:// URL' },
  );

/** Parameters per rule kind; omitted values take these defaults (inlet bands default by severity). */
export const alarmRuleParamSchemas = {
  /** Inlet temperature per zone outside [low, high] °C; clears inside [low + hysteresis, high - hysteresis]. */
  inlet_temp: z
    .object({
      low: z.number().min(-40).max(90).optional(),
      high: z.number().min(-40).max(90).optional(),
      hysteresis: z.number().min(0).max(10).default(0.5),
    })
    .strict(),
  /** Inlet temperature changing faster than maxCPerHour (°C/h, measured over up to windowS); clears below (1 - hysteresis) of it. */
  inlet_rate: z
    .object({
      maxCPerHour: z.number().positive().max(1000).default(20),
      windowS: z.number().int().min(60).max(86_400).default(900),
      hysteresis: z.number().min(0).max(0.9).default(0.2),
    })
    .strict(),
  /** Live PUE (facility / IT power measured within maxSkewS) above threshold for sustainS; clears at threshold - hysteresis. */
  pue: z
    .object({
      threshold: z.number().min(1).max(10).default(1.6),
      sustainS: z.number().int().min(0).max(86_400).default(900),
      hysteresis: z.number().min(0).max(1).default(0.05),
      maxSkewS: z.number().int().min(1).max(3600).default(120),
      /** A gap longer than this between two live PUE values restarts the sustain period. */
      maxGapS: z.number().int().min(10).max(86_400).default(300),
    })
    .strict(),
  /** No sample from the site for afterS seconds (default STALE_AFTER_S): one alarm per site. */
  stale: z
    .object({
      afterS: z
        .number()
        .int()
        .min(10)
        .max(30 * 86_400)
        .optional(),
    })
    .strict(),
  /**
   * IT power above facility power by more than `tolerance` (clears once IT <= facility), and energy/water
   * counters that go backwards without a reset marker (clears after clearAfterS of steady counting).
   * A step down is a reset when the new reading is at most resetFraction of the previous one (a meter
   * restarted near zero) or when an `x_counter_reset` sample labelled {metric: <counter>} lies in the step.
   */
  metering: z
    .object({
      tolerance: z.number().min(0).max(1).default(0.02),
      maxSkewS: z.number().int().min(1).max(3600).default(120),
      counters: z.boolean().default(true),
      resetFraction: z.number().min(0).max(1).default(0.05),
      clearAfterS: z
        .number()
        .int()
        .min(0)
        .max(7 * 86_400)
        .default(900),
    })
    .strict(),
} satisfies Record<AlarmRuleKind, z.ZodType>;

export type InletTempParams = Required<z.output<(typeof alarmRuleParamSchemas)['inlet_temp']>>;
export type InletRateParams = z.output<(typeof alarmRuleParamSchemas)['inlet_rate']>;
export type PueParams = z.output<(typeof alarmRuleParamSchemas)['pue']>;
export type StaleParams = z.output<(typeof alarmRuleParamSchemas)['stale']>;
export type MeteringParams = z.output<(typeof alarmRuleParamSchemas)['metering']>;

/** Validates rule parameters for a kind and fills the defaults; every problem is named. */
export function parseAlarmRuleParams(
  kind: AlarmRuleKind,
  severity: AlarmSeverity,
  input: unknown,
): { ok: true; params: Record<string, unknown> } | { ok: false; problems: string[] } {
  const result = alarmRuleParamSchemas[kind].safeParse(input ?? {});
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map(
        (i) => `params${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`,
      ),
    };
  }
  const params: Record<string, unknown> = { ...result.data };
  if (kind === 'inlet_temp') {
    const band = ASHRAE_INLET_BANDS[severity];
    const low = (params.low as number | undefined) ?? band.low;
    const high = (params.high as number | undefined) ?? band.high;
    const h = params.hysteresis as number;
    if (!(low < high)) return { ok: false, problems: ['params: low must be below high'] };
    if (2 * h >= high - low)
      return { ok: false, problems: ['params.hysteresis: must be less than half of high - low'] };
    Object.assign(params, { low, high });
  }
  return { ok: true, params };
}

export const createAlarmRuleSchema = z
  .object({
    /** Site code; omitted or null: fleet-wide. */
    datacenter: z.string().regex(SITE_CODE_PATTERN, { message: 'must be a site code' }).nullable().optional(),
    kind: z.enum(ALARM_RULE_KINDS),
    severity: z.enum(ALARM_SEVERITIES),
    params: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().optional(),
    webhookUrl: alarmWebhookUrlSchema.nullable().optional(),
  })
  .strict();

/** `params` are merged into the rule's current parameters (send null for a key to restore its default). */
export const updateAlarmRuleSchema = z
  .object({
    severity: z.enum(ALARM_SEVERITIES).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().optional(),
    webhookUrl: alarmWebhookUrlSchema.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });

export const ackAlarmSchema = z.object({ note: z.string().trim().max(1000).optional() }).strict();

export type CreateAlarmRuleInput = z.infer<typeof createAlarmRuleSchema>;
export type UpdateAlarmRuleInput = z.infer<typeof updateAlarmRuleSchema>;
export type AckAlarmInput = z.infer<typeof ackAlarmSchema>;

/** At most this many named metrics in one Sparkplug mapping. */
export const SPARKPLUG_MAX_MAPPED_METRICS = 1000;

/** `PUT /api/v1/sparkplug/mappings/:group/:edge[/:device]`: the site and the metric map (docs/contract.md). */
export const sparkplugMappingSchema = z
  .object({
    datacenter: z.string().regex(SITE_CODE_PATTERN, { message: 'must be a site code' }),
    metrics: z
      .record(
        z.string().min(1).max(200),
        z
          .object({
            metric: z.string().refine((m) => metricDefinition(m) !== undefined, {
              message: 'must be a catalog metric or a custom name matching ^x_[a-z0-9_]{1,60}$',
            }),
            labels: z
              .record(z.string(), z.string())
              .optional()
              .superRefine((labels, ctx) => {
                const problem = checkLabels(labels);
                if (problem) ctx.addIssue({ code: 'custom', message: problem });
              }),
          })
          .strict(),
      )
      .refine((m) => Object.keys(m).length <= SPARKPLUG_MAX_MAPPED_METRICS, {
        message: `at most ${SPARKPLUG_MAX_MAPPED_METRICS} metrics`,
      })
      .default({}),
  })
  .strict();
export type SparkplugMappingInput = z.infer<typeof sparkplugMappingSchema>;
