/**
 * Request validation schemas (zod). Kept apart from the types and constants so that the dashboard only
 * pulls zod into its bundle when it really validates something.
 */
import { z } from 'zod';
import { ROLES } from './roles';
import { SITE_CODE_PATTERN } from './site';

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

export const dataCenterFieldsSchema = z.object({
  name: text(200),
  operator: text(200).nullable(),
  region: text(100).nullable(),
  hub: text(100).nullable(),
  latitude: z.number().min(-90).max(90).nullable(),
  longitude: z.number().min(-180).max(180).nullable(),
  timezone: ianaZone,
  itCapacityKw: z.number().positive().max(10_000_000).nullable(),
  racks: z.number().int().min(0).max(10_000_000).nullable(),
  pueCategory: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  gridEmissionFactor: z.number().min(0).max(5).nullable(),
  greenCertifiedYear: z.number().int().min(1990).max(2200).nullable(),
  commissionedAt: z.iso.datetime({ offset: true }).or(z.iso.date()).nullable(),
});

export const createDataCenterSchema = dataCenterFieldsSchema.partial().extend({
  code: z.string().regex(SITE_CODE_PATTERN, { message: 'must match ^[A-Z0-9][A-Z0-9-]{1,31}$ (e.g. GZ-GA-01)' }),
  name: text(200),
}).strict();

export const updateDataCenterSchema = dataCenterFieldsSchema.partial().strict();

export const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();

export const passwordSchema = z
  .string()
  .min(12, { message: 'must be at least 12 characters' })
  .max(1024);

export const createUserSchema = z
  .object({
    username: z.string().regex(/^[a-zA-Z0-9_.-]{3,64}$/, { message: 'must be 3-64 letters, digits, _ . -' }),
    password: passwordSchema,
    role: z.enum(ROLES),
  })
  .strict();

export const updateUserSchema = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: passwordSchema.optional() })
  .strict();

export const createTokenSchema = z.object({ name: text(100).optional() }).strict();

export type CreateDataCenterInput = z.infer<typeof createDataCenterSchema>;
export type UpdateDataCenterInput = z.infer<typeof updateDataCenterSchema>;
