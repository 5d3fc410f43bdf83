import { createMemoryHistory } from '@tanstack/react-router';
import { describe, expect, it } from 'vitest';
import { createAppRouter } from './router';

/** Loads a URL (the part after `#`) and says which page it shows, with which params and validated search. */
async function open(url: string) {
  const router = createAppRouter(createMemoryHistory({ initialEntries: [url] }));
  await router.load();
  const matches = router.state.matches;
  const leaf = matches[matches.length - 1];
  const notFound = matches.some((m) => m._notFound || m.status === 'notFound');
  return {
    router,
    page: notFound ? 'notFound' : leaf?.staticData.page,
    params: leaf?.params,
    search: leaf?.search,
  };
}

describe('the URLs users bookmarked keep working', () => {
  it.each([
    ['/', 'fleet'],
    ['/fleet', 'fleet'],
    ['/login', 'login'],
    ['/alarms', 'alarms'],
    ['/ratings', 'ratings'],
    ['/admin', 'admin'],
  ])('%s shows the %s page', async (url, page) => {
    expect((await open(url)).page).toBe(page);
  });

  it('reads site codes and the search', async () => {
    expect(await open('/sites/GZ-GA-01?range=24h')).toMatchObject({
      page: 'site',
      params: { code: 'GZ-GA-01' },
      search: { range: '24h' },
    });
    expect(await open('/ratings/GZ-GA-01?year=2025')).toMatchObject({
      page: 'report',
      params: { code: 'GZ-GA-01' },
      search: { year: 2025 },
    });
    expect(await open('/fleet?status=stale&sort=pue&view=table')).toMatchObject({
      page: 'fleet',
      search: { status: 'stale', sort: 'pue', view: 'table' },
    });
    expect(await open('/ratings?year=2024&view=eed&sort=pue&dir=desc')).toMatchObject({
      page: 'ratings',
      search: { year: 2024, view: 'eed', sort: 'pue', dir: 'desc' },
    });
    expect(await open('/alarms?view=all')).toMatchObject({ page: 'alarms', search: { view: 'all' } });
    expect(await open('/admin?tab=tokens')).toMatchObject({ page: 'admin', search: { tab: 'tokens' } });
  });

  it('validates the search with each page’s own validator, dropping what the page cannot use', () => {
    const router = createAppRouter(
      createMemoryHistory({ initialEntries: ['/sites/GZ-GA-01?range=bogus&x=1'] }),
    );
    const matches = router.matchRoutes(router.latestLocation);
    expect(matches.map((m) => m.routeId)).toEqual(['__root__', '/sites/$code']);
    expect(matches[1]?.search).toMatchObject({ range: undefined });
  });

  it.each(['/nope', '/sites/lower-case', '/sites/GZ-GA-01/extra', '/ratings/x', '/fleet/more'])(
    '%s is not found',
    async (url) => {
      expect((await open(url)).page).toBe('notFound');
    },
  );
});

describe('links', () => {
  it('build the same hashes the old router wrote', async () => {
    const { router } = await open('/');
    const href = (location: { href: string }) => location.href;
    expect(
      href(
        router.buildLocation({ to: '/ratings/$code', params: { code: 'GZ-GA-01' }, search: { year: 2025 } }),
      ),
    ).toBe('/ratings/GZ-GA-01?year=2025');
    expect(
      href(
        router.buildLocation({ to: '/sites/$code', params: { code: 'GZ-GA-01' }, search: { range: '24h' } }),
      ),
    ).toBe('/sites/GZ-GA-01?range=24h');
    expect(href(router.buildLocation({ to: '/fleet', search: { status: 'stale', view: 'table' } }))).toBe(
      '/fleet?status=stale&view=table',
    );
    expect(href(router.buildLocation({ to: '/admin', search: {} }))).toBe('/admin');
  });
});
