import { describe, expect, it } from 'vitest';
import { matchSites, normalize, type SearchableSite } from './site-match';

const site = (code: string, name: string, region: string | null, operator: string | null, extra = {}) => ({
  code,
  name,
  region,
  hub: null,
  operator,
  ...extra,
});

const SITES: SearchableSite[] = [
  site('GZ-GA-01', "Gui'an Cloud Valley", 'Guizhou', 'Yelang Data', { nameZh: '贵安云谷' }),
  site('GZ-GA-02', "Gui'an North", 'Guizhou', 'Qianyun'),
  site('NM-HH-01', 'Hohhot Grassland DC', 'Inner Mongolia', 'Steppe Compute'),
  site('SZ-QH-01', 'Qianhai Edge', 'Guangdong', 'Bay Edge'),
  site('GA-01', 'Galaxy Park', 'Hebei', null),
];

const codes = (q: string, sites = SITES) => matchSites(sites, q).map((m) => m.site.code);

describe('site search matching and ranking', () => {
  it('finds a site by the Chinese name of its region or operator (the hub name list)', () => {
    const zh = [
      site('GZ-AS-01', 'Anshun Pingba', 'Anshun', 'Yelang Data', {
        regionZh: '安顺',
        operatorZh: '夜郎云工',
      }),
      ...SITES,
    ];
    expect(codes('安顺', zh)).toEqual(['GZ-AS-01']);
    expect(matchSites(zh, '夜郎')[0]).toMatchObject({ field: 'operator', text: '夜郎云工' });
  });

  it('matches code, name, region and operator case-insensitively; an empty query matches nothing', () => {
    expect(codes('nm-hh-01')).toEqual(['NM-HH-01']);
    expect(codes('grassland')).toEqual(['NM-HH-01']);
    expect(codes('inner mongolia')).toEqual(['NM-HH-01']);
    expect(codes('STEPPE')).toEqual(['NM-HH-01']);
    expect(codes('   ')).toEqual([]);
    expect(codes('no such place')).toEqual([]);
  });

  it('ranks an exact code over a code prefix over a name over a region or operator', () => {
    expect(codes('GA-01')).toEqual(['GA-01', 'GZ-GA-01']);
    // "qian": the operator Qianyun and the name Qianhai; the name ranks first.
    expect(codes('qian')).toEqual(['SZ-QH-01', 'GZ-GA-02']);
    // A word start in a name ranks above a match in its middle.
    expect(codes('north')[0]).toBe('GZ-GA-02');
  });

  it('needs every term to match somewhere, and says which field matched', () => {
    expect(codes('guizhou north')).toEqual(['GZ-GA-02']);
    const [m] = matchSites(SITES, 'yelang');
    expect(m).toMatchObject({ field: 'operator', text: 'Yelang Data' });
  });

  it('finds a Chinese name when the data has one, and folds full-width letters and accents', () => {
    expect(matchSites(SITES, '云谷')[0]).toMatchObject({
      site: { code: 'GZ-GA-01' },
      field: 'name',
      text: '贵安云谷',
    });
    expect(codes('ＧＺ－ＧＡ－０１')).toEqual(['GZ-GA-01']);
    expect(normalize('  Gúi’an  ')).toBe('gui’an');
  });

  it('finds a code typed without its hyphens, and keeps to the limit', () => {
    expect(codes('gzga02')).toEqual(['GZ-GA-02']);
    const many = Array.from({ length: 30 }, (_, i) =>
      site(`S-${String(i).padStart(2, '0')}`, `Site ${i}`, 'R', null),
    );
    expect(matchSites(many, 'site')).toHaveLength(8);
    expect(matchSites(many, 'site', 3).map((m) => m.site.code)).toEqual(['S-00', 'S-01', 'S-02']);
  });
});
