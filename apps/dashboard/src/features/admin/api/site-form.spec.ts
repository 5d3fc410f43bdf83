import { describe, expect, it } from 'vitest';
import { emptySiteForm, siteFormToBody, siteToForm } from './site-form';

describe('siteFormToBody', () => {
  it('builds a create body, leaving empty optional fields out', () => {
    const form = {
      ...emptySiteForm(),
      code: 'GZ-TR-09',
      name: ' Tongren Data Park ',
      itCapacityKw: '12000',
      latitude: '27.7',
      commissionedAt: '2024-05-01',
    };
    const { body, errors } = siteFormToBody(form, 'create');
    expect(errors).toEqual({});
    expect(body).toEqual({
      code: 'GZ-TR-09',
      name: 'Tongren Data Park',
      timezone: 'Asia/Shanghai',
      latitude: 27.7,
      itCapacityKw: 12000,
      pueCategory: 1,
      commissionedAt: '2024-05-01',
    });
  });

  it('names every invalid field', () => {
    const form = {
      ...emptySiteForm(),
      code: 'bad code',
      name: '',
      latitude: '91',
      racks: '1.5',
      timezone: 'Mars/Olympus',
      pueCategory: '4',
      commissionedAt: '01/02/2024',
      itCapacityKw: '0',
    };
    const { errors } = siteFormToBody(form, 'create');
    expect(Object.keys(errors).sort()).toEqual([
      'code',
      'commissionedAt',
      'itCapacityKw',
      'latitude',
      'name',
      'pueCategory',
      'racks',
      'timezone',
    ]);
    expect(errors.latitude).toEqual({ key: 'admin.err.number', params: { min: -90, max: 90 } });
    expect(errors.racks!.key).toBe('admin.err.integer');
    expect(errors.itCapacityKw!.key).toBe('admin.err.positive');
    expect(errors.name).toEqual({ key: 'admin.err.required' });
  });

  it('clears emptied fields with null when editing, and never sends the code', () => {
    const site = {
      code: 'GZ-GA-01',
      name: 'A',
      nameZh: null,
      operator: 'Op',
      region: 'R',
      hub: 'H',
      operatorZh: null,
      regionZh: null,
      hubZh: null,
      latitude: 26.4,
      longitude: 106.4,
      timezone: 'Asia/Shanghai',
      itCapacityKw: 40000,
      racks: 8000,
      pueCategory: 2 as const,
      gridRegion: 'CN-South',
      gridEmissionFactor: 0.5366,
      greenCertifiedYear: 2023,
      commissionedAt: '2019-05-31T16:00:00.000Z',
    };
    const form = { ...siteToForm(site), operator: '', racks: '' };
    expect(form.commissionedAt).toBe('2019-05-31');
    const { body, errors } = siteFormToBody(form, 'edit');
    expect(errors).toEqual({});
    expect(body.code).toBeUndefined();
    expect(body.operator).toBeNull();
    expect(body.racks).toBeNull();
    expect(body.pueCategory).toBe(2);
    expect(body.gridEmissionFactor).toBe(0.5366);
    expect(body.gridRegion).toBe('CN-South');
    expect(body.effectiveFrom).toBeUndefined();
  });

  it('sends when reference changes take effect and why, only when editing, and checks the grid region', () => {
    const form = { ...emptySiteForm(), code: 'GZ-GA-09', name: 'B', gridRegion: 'CN South!' };
    expect(siteFormToBody(form, 'create').errors.gridRegion?.key).toBe('admin.err.gridRegion');
    const edit = { ...form, gridRegion: 'CN-South', effectiveFrom: '2025-01-01', changeReason: 'survey' };
    expect(siteFormToBody(edit, 'edit').body).toMatchObject({
      gridRegion: 'CN-South',
      effectiveFrom: '2025-01-01',
      changeReason: 'survey',
    });
    expect(siteFormToBody(edit, 'create').body.effectiveFrom).toBeUndefined();
    expect(siteFormToBody({ ...edit, effectiveFrom: '1 Jan' }, 'edit').errors.effectiveFrom?.key).toBe(
      'admin.err.date',
    );
  });

  it('takes an optional Chinese name: trimmed, bounded, left out on create when empty, cleared with null on edit', () => {
    const form = { ...emptySiteForm(), code: 'GZ-ZH-01', name: 'Z' };
    expect(siteFormToBody({ ...form, nameZh: ' 贵安 ' }, 'create').body.nameZh).toBe('贵安');
    expect(siteFormToBody(form, 'create').body).not.toHaveProperty('nameZh');
    expect(siteFormToBody(form, 'edit').body.nameZh).toBeNull();
    expect(siteFormToBody({ ...form, nameZh: '长'.repeat(101) }, 'create').errors.nameZh).toEqual({
      key: 'admin.err.length',
      params: { max: 100 },
    });
  });
});
