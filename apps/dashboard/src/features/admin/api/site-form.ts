/** The site form: string fields in, a validated request body out (pure, unit-tested). */
import {
  GRID_REGION_PATTERN,
  NAME_ZH_MAX,
  SITE_CODE_PATTERN,
  type DataCenter,
  type PueCategory,
  type UpdateDataCenterInput,
} from '@dcfleet/contracts';
import type { MessageId, MessageValues } from '../../../i18n/i18n';

export const SITE_FIELDS = [
  'code',
  'name',
  'nameZh',
  'operator',
  'region',
  'hub',
  'latitude',
  'longitude',
  'timezone',
  'itCapacityKw',
  'racks',
  'pueCategory',
  'gridRegion',
  'gridEmissionFactor',
  'greenCertifiedYear',
  'commissionedAt',
  // Editing only: when changed reference fields (racks … certification) take effect, and why.
  'effectiveFrom',
  'changeReason',
] as const;

export type SiteField = (typeof SITE_FIELDS)[number];
export type SiteForm = Record<SiteField, string>;
/** What is wrong with a field, as a message key and its parameters (translated by the form). */
export interface FieldError {
  key: MessageId;
  params?: MessageValues;
}
export type SiteFormErrors = Partial<Record<SiteField, FieldError>>;

export function emptySiteForm(): SiteForm {
  return {
    code: '',
    name: '',
    nameZh: '',
    operator: '',
    region: '',
    hub: '',
    latitude: '',
    longitude: '',
    timezone: 'Asia/Shanghai',
    itCapacityKw: '',
    racks: '',
    pueCategory: '1',
    gridRegion: '',
    gridEmissionFactor: '',
    greenCertifiedYear: '',
    commissionedAt: '',
    effectiveFrom: '',
    changeReason: '',
  };
}

/** The form filled from an existing site. */
export function siteToForm(site: DataCenter): SiteForm {
  const s = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    code: site.code,
    name: site.name,
    nameZh: s(site.nameZh),
    operator: s(site.operator),
    region: s(site.region),
    hub: s(site.hub),
    latitude: s(site.latitude),
    longitude: s(site.longitude),
    timezone: site.timezone || 'Asia/Shanghai',
    itCapacityKw: s(site.itCapacityKw),
    racks: s(site.racks),
    pueCategory: String(site.pueCategory ?? 1),
    gridRegion: s(site.gridRegion),
    gridEmissionFactor: s(site.gridEmissionFactor),
    greenCertifiedYear: s(site.greenCertifiedYear),
    commissionedAt: site.commissionedAt ? site.commissionedAt.slice(0, 10) : '',
    effectiveFrom: '',
    changeReason: '',
  };
}

type Body = Partial<Omit<DataCenter, 'pueCategory'>> & {
  pueCategory?: PueCategory;
} & Pick<UpdateDataCenterInput, 'effectiveFrom' | 'changeReason'>;

/**
 * Validates the form with the API's rules. Creating leaves empty optional fields out; editing sends them as
 * null (cleared).
 */
export function siteFormToBody(
  form: SiteForm,
  mode: 'create' | 'edit',
): { body: Body; errors: SiteFormErrors } {
  const errors: SiteFormErrors = {};
  const body: Body = {};
  const text = (
    field: 'name' | 'nameZh' | 'operator' | 'region' | 'hub' | 'timezone',
    max: number,
    required = false,
  ) => {
    const v = form[field].trim();
    if (!v) {
      if (required) errors[field] = { key: 'admin.err.required' };
      else if (mode === 'edit' && field !== 'timezone' && field !== 'name') body[field] = null;
      return;
    }
    if (v.length > max) errors[field] = { key: 'admin.err.length', params: { max } };
    else body[field] = v;
  };
  const num = (
    field: 'latitude' | 'longitude' | 'itCapacityKw' | 'racks' | 'gridEmissionFactor' | 'greenCertifiedYear',
    min: number,
    max: number,
    integer = false,
    exclusiveMin = false,
  ) => {
    const raw = form[field].trim();
    if (!raw) {
      if (mode === 'edit') body[field] = null;
      return;
    }
    const v = Number(raw);
    if (
      !Number.isFinite(v) ||
      (integer && !Number.isInteger(v)) ||
      v > max ||
      (exclusiveMin ? v <= min : v < min)
    ) {
      errors[field] = {
        key: integer ? 'admin.err.integer' : exclusiveMin ? 'admin.err.positive' : 'admin.err.number',
        params: { min, max },
      };
      return;
    }
    body[field] = v;
  };

  if (mode === 'create') {
    const code = form.code.trim();
    if (!SITE_CODE_PATTERN.test(code)) errors.code = { key: 'admin.err.code' };
    else body.code = code;
  }
  text('name', 200, true);
  text('nameZh', NAME_ZH_MAX);
  text('operator', 200);
  text('region', 100);
  text('hub', 100);
  const tz = form.timezone.trim();
  if (tz) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      body.timezone = tz;
    } catch {
      errors.timezone = { key: 'admin.err.timezone' };
    }
  }
  num('latitude', -90, 90);
  num('longitude', -180, 180);
  num('itCapacityKw', 0, 10_000_000, false, true);
  num('racks', 0, 10_000_000, true);
  num('gridEmissionFactor', 0, 5);
  num('greenCertifiedYear', 1990, 2200, true);
  const cat = Number(form.pueCategory);
  if (cat === 1 || cat === 2 || cat === 3) body.pueCategory = cat;
  else errors.pueCategory = { key: 'admin.err.category' };
  const region = form.gridRegion.trim();
  if (!region) {
    if (mode === 'edit') body.gridRegion = null;
  } else if (!GRID_REGION_PATTERN.test(region)) errors.gridRegion = { key: 'admin.err.gridRegion' };
  else body.gridRegion = region;
  if (mode === 'edit') {
    const from = form.effectiveFrom.trim();
    if (from) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(Date.parse(from)))
        errors.effectiveFrom = { key: 'admin.err.date' };
      else body.effectiveFrom = from;
    }
    const why = form.changeReason.trim();
    if (why.length > 500) errors.changeReason = { key: 'admin.err.length', params: { max: 500 } };
    else if (why) body.changeReason = why;
  }
  const date = form.commissionedAt.trim();
  if (!date) {
    if (mode === 'edit') body.commissionedAt = null;
  } else if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
    errors.commissionedAt = { key: 'admin.err.date' };
  else body.commissionedAt = date;
  return { body, errors };
}
