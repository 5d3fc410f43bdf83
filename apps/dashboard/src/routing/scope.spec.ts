import { describe, expect, it } from 'vitest';
import { createI18n, type Messages } from '../i18n/i18n';
import { en } from '../i18n/common-messages';
import { zhCN } from '../i18n/common-messages.zh-CN';
import { fleetScopeLabel, isHubAdmin, regionNamesOf, scopeLabel, scopeOf } from './scope';

const YELANG = { code: 'YELANG', name: 'Yelang Cloud Works Co., Ltd.' };

describe('scopeOf', () => {
  it('hub staff, an organisation member, a regulator with regions', () => {
    expect(scopeOf({ role: 'operator', organization: null, regions: null })).toEqual({ kind: 'hub' });
    expect(scopeOf({ role: 'admin', organization: YELANG, regions: null })).toEqual({
      kind: 'organization',
      ...YELANG,
    });
    expect(scopeOf({ role: 'regulator', organization: null, regions: ['Zunyi'] })).toEqual({
      kind: 'regions',
      regions: ['Zunyi'],
    });
  });

  it('a session saved before organisations (no fields) or an empty region list is hub-wide', () => {
    expect(scopeOf({ role: 'admin' })).toEqual({ kind: 'hub' });
    expect(scopeOf({ role: 'regulator', organization: null, regions: [] })).toEqual({ kind: 'hub' });
  });

  it('only an admin without an organisation is a hub admin', () => {
    expect(isHubAdmin({ role: 'admin', organization: null })).toBe(true);
    expect(isHubAdmin({ role: 'admin' })).toBe(true);
    expect(isHubAdmin({ role: 'admin', organization: YELANG })).toBe(false);
    expect(isHubAdmin({ role: 'operator', organization: null })).toBe(false);
  });
});

describe('scope labels', () => {
  const enI18n = createI18n('en', en as unknown as Messages);
  const zhI18n = createI18n('zh-CN', zhCN as unknown as Messages);

  it('names the scope in the header', () => {
    expect(scopeLabel({ kind: 'hub' }, enI18n.t, enI18n.intl)).toBe('Hub');
    expect(scopeLabel({ kind: 'organization', ...YELANG }, enI18n.t, enI18n.intl)).toBe(YELANG.name);
    expect(scopeLabel({ kind: 'regions', regions: ['Zunyi'] }, enI18n.t, enI18n.intl)).toBe('Regions: Zunyi');
    expect(scopeLabel({ kind: 'regions', regions: ['Zunyi', 'Anshun'] }, enI18n.t, enI18n.intl)).toBe(
      'Regions: Zunyi and Anshun',
    );
    expect(scopeLabel({ kind: 'hub' }, zhI18n.t, zhI18n.intl)).toBe('枢纽');
    expect(scopeLabel({ kind: 'regions', regions: ['Zunyi'] }, zhI18n.t, zhI18n.intl)).toBe('地区：Zunyi');
    // Regions with a Chinese name on the user's sites are named with it in Chinese only.
    const names = regionNamesOf([
      { region: 'Zunyi', regionZh: '遵义' },
      { region: 'Anshun', regionZh: null },
      { region: null },
    ]);
    const two = { kind: 'regions' as const, regions: ['Zunyi', 'Anshun'] };
    expect(scopeLabel(two, zhI18n.t, zhI18n.intl, names)).toBe('地区：遵义和Anshun');
    expect(scopeLabel(two, enI18n.t, enI18n.intl, names)).toBe('Regions: Zunyi and Anshun');
    expect(fleetScopeLabel(two, zhI18n.t, zhI18n.intl, names)).toContain('遵义');
    // An organisation with a Chinese name is named with it in Chinese only.
    const named = { kind: 'organization' as const, ...YELANG, nameZh: '夜郎云工有限公司' };
    expect(scopeLabel(named, zhI18n.t, zhI18n.intl)).toBe('夜郎云工有限公司');
    expect(scopeLabel(named, enI18n.t, enI18n.intl)).toBe(YELANG.name);
    expect(scopeLabel({ kind: 'organization', ...YELANG }, zhI18n.t, zhI18n.intl)).toBe(YELANG.name);
  });

  it('labels fleet totals with the scope', () => {
    expect(fleetScopeLabel({ kind: 'hub' }, enI18n.t, enI18n.intl)).toBe('Fleet — all sites');
    expect(fleetScopeLabel({ kind: 'organization', ...YELANG }, enI18n.t, enI18n.intl)).toBe(
      `Fleet — ${YELANG.name}`,
    );
    expect(fleetScopeLabel({ kind: 'regions', regions: ['Zunyi'] }, enI18n.t, enI18n.intl)).toBe(
      'Fleet — Regions: Zunyi',
    );
    expect(fleetScopeLabel({ kind: 'hub' }, zhI18n.t, zhI18n.intl)).toBe('总览 — 全部站点');
  });
});
