import { describe, expect, it } from 'vitest';
import { displayName, displayValue, otherName } from './display-name';

const site = { name: "Gui'an Yelang Campus Hall 1", nameZh: '贵安夜郎园区1号楼' };

describe('displayName', () => {
  it('shows the Chinese name in zh-CN and the English one in English', () => {
    expect(displayName(site, 'zh-CN')).toBe('贵安夜郎园区1号楼');
    expect(displayName(site, 'en')).toBe("Gui'an Yelang Campus Hall 1");
  });

  it('falls back to the English name without a Chinese one (null, missing or empty)', () => {
    expect(displayName({ name: 'Site A', nameZh: null }, 'zh-CN')).toBe('Site A');
    expect(displayName({ name: 'Site A' }, 'zh-CN')).toBe('Site A');
    expect(displayName({ name: 'Site A', nameZh: '' }, 'zh-CN')).toBe('Site A');
  });
});

describe('displayValue', () => {
  it('translates a region, hub or operator value through its Chinese name, keeping null', () => {
    expect(displayValue('Anshun', '安顺', 'zh-CN')).toBe('安顺');
    expect(displayValue('Anshun', '安顺', 'en')).toBe('Anshun');
    expect(displayValue('Anshun', null, 'zh-CN')).toBe('Anshun');
    expect(displayValue(null, null, 'zh-CN')).toBeNull();
  });
});

describe('otherName', () => {
  it("gives the other language's name, or null when there is none or it is the same", () => {
    expect(otherName(site, 'en')).toBe('贵安夜郎园区1号楼');
    expect(otherName(site, 'zh-CN')).toBe("Gui'an Yelang Campus Hall 1");
    expect(otherName({ name: 'A', nameZh: null }, 'en')).toBeNull();
    expect(otherName({ name: 'A', nameZh: 'A' }, 'zh-CN')).toBeNull();
  });
});
