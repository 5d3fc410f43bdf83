import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { createMemoryLocation } from '../routing/location';
import { hrefOf } from '../routing/paths';
import { resolveRoute } from './router';

/** Loads a URL (the part after `#`) into a memory history and says which page it shows, with which params and search. */
function open(url: string) {
  const location = createMemoryLocation(url);
  const { path, search } = location.current();
  const match = resolveRoute(path, search);
  const props = (match.element as ReactElement<{ params?: object; search?: object }>).props;
  return { page: match.page ?? 'notFound', params: props.params, search: props.search };
}

describe('the URLs users bookmarked keep working', () => {
  it.each([
    ['/', 'fleet'],
    ['/fleet', 'fleet'],
    ['/fleet/', 'fleet'],
    ['/login', 'login'],
    ['/alarms', 'alarms'],
    ['/ratings', 'ratings'],
    ['/admin', 'admin'],
  ])('%s shows the %s page', (url, page) => {
    expect(open(url).page).toBe(page);
  });

  it('reads site codes and the search', () => {
    expect(open('/sites/GZ-GA-01?range=24h')).toMatchObject({
      page: 'site',
      params: { code: 'GZ-GA-01' },
      search: { range: '24h' },
    });
    expect(open('/ratings/GZ-GA-01?year=2025')).toMatchObject({
      page: 'report',
      params: { code: 'GZ-GA-01' },
      search: { year: 2025 },
    });
    expect(open('/fleet?status=stale&sort=pue&view=table')).toMatchObject({
      page: 'fleet',
      search: { status: 'stale', sort: 'pue', view: 'table' },
    });
    expect(open('/ratings?year=2024&view=eed&sort=pue&dir=desc')).toMatchObject({
      page: 'ratings',
      search: { year: 2024, view: 'eed', sort: 'pue', dir: 'desc' },
    });
    expect(open('/alarms?view=all')).toMatchObject({ page: 'alarms', search: { view: 'all' } });
    expect(open('/admin?tab=tokens')).toMatchObject({ page: 'admin', search: { tab: 'tokens' } });
  });

  it('validates the search with each page’s own validator, dropping what the page cannot use', () => {
    const { page, search } = open('/sites/GZ-GA-01?range=bogus&x=1');
    expect(page).toBe('site');
    // Keys the page does not read stay (the kiosk's `kiosk=1&rotate=…` rides along every page).
    expect(search).toEqual({ range: undefined, from: undefined, to: undefined, x: '1' });
  });

  it.each(['/nope', '/sites/lower-case', '/sites/GZ-GA-01/extra', '/ratings/x', '/fleet/more'])(
    '%s is not found',
    (url) => {
      expect(open(url).page).toBe('notFound');
    },
  );
});

describe('links', () => {
  it('build the same hashes the old router wrote', () => {
    expect(hrefOf({ to: '/ratings/$code', params: { code: 'GZ-GA-01' }, search: { year: 2025 } })).toBe(
      '/ratings/GZ-GA-01?year=2025',
    );
    expect(hrefOf({ to: '/sites/$code', params: { code: 'GZ-GA-01' }, search: { range: '24h' } })).toBe(
      '/sites/GZ-GA-01?range=24h',
    );
    expect(hrefOf({ to: '/fleet', search: { status: 'stale', view: 'table', sort: undefined } })).toBe(
      '/fleet?status=stale&view=table',
    );
    expect(hrefOf({ to: '/admin', search: {} })).toBe('/admin');
    expect(createMemoryLocation('/').hrefs('/admin?tab=tokens')).toBe('#/admin?tab=tokens');
  });
});
