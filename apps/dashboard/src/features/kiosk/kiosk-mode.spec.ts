import { describe, expect, it } from 'vitest';
import { allowedViews, kioskHref, nextView, pairingKeyOf, parseKiosk, withoutKey } from './kiosk-mode';

describe('kiosk mode from the URL', () => {
  it('is off without ?kiosk=1 unless the session forces it', () => {
    expect(parseKiosk({})).toBeNull();
    expect(parseKiosk({ kiosk: '0' })).toBeNull();
    expect(parseKiosk({ kiosk: '1' })).toEqual({ views: [], every: 60 });
    expect(parseKiosk({}, true)).toEqual({ views: [], every: 60 });
  });

  it('reads the rotation (unknown views and bad codes dropped) and bounds the period', () => {
    expect(
      parseKiosk({ kiosk: '1', rotate: 'fleet, alarms,site:gz-ga-01,site:bad code,nope', every: '30' }),
    ).toEqual({
      views: [{ page: 'fleet' }, { page: 'alarms' }, { page: 'site', code: 'GZ-GA-01' }],
      every: 30,
    });
    expect(parseKiosk({ kiosk: '1', every: '1' })!.every).toBe(10);
    expect(parseKiosk({ kiosk: '1', every: '999999' })!.every).toBe(3600);
    expect(parseKiosk({ kiosk: '1', every: 'soon' })!.every).toBe(60);
  });

  it('cycles through the views, keeping the settings in each URL', () => {
    const config = parseKiosk({ kiosk: '1', rotate: 'fleet,site:GZ-GA-01', every: '20' })!;
    expect(nextView(config.views, '/fleet')).toEqual({ page: 'site', code: 'GZ-GA-01' });
    expect(nextView(config.views, '/sites/GZ-GA-01')).toEqual({ page: 'fleet' });
    expect(nextView(config.views, '/admin')).toEqual({ page: 'fleet' });
    expect(nextView([], '/fleet')).toBeUndefined();
    expect(kioskHref({ page: 'site', code: 'GZ-GA-01' }, config)).toBe(
      '/sites/GZ-GA-01?kiosk=1&rotate=fleet,site:GZ-GA-01&every=20',
    );
    expect(kioskHref({ page: 'fleet' }, { views: [], every: 60 })).toBe('/fleet?kiosk=1');
  });

  it('skips views the role may not open', () => {
    const views = parseKiosk({ kiosk: '1', rotate: 'fleet,alarms' })!.views;
    expect(allowedViews(views, 'regulator')).toEqual([{ page: 'fleet' }]);
    expect(allowedViews(views, 'operator')).toEqual(views);
  });

  it('takes a pairing key out of the link', () => {
    const hash = '#/fleet?kiosk=1&key=aaa.bbb.ccc&rotate=fleet';
    expect(pairingKeyOf(hash)).toBe('aaa.bbb.ccc');
    expect(withoutKey(hash)).toBe('#/fleet?kiosk=1&rotate=fleet');
    expect(pairingKeyOf('#/fleet?kiosk=1')).toBeNull();
    expect(pairingKeyOf('#/fleet?key=<script>')).toBeNull();
    expect(withoutKey('#/fleet?key=a.b.c')).toBe('#/fleet');
  });
});
