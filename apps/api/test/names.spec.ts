/**
 * Chinese names (docs/contract.md, "Chinese names"), on each database: a site's and an organisation's own (set,
 * changed, cleared, validated, audited) and the hub's shared list for region, hub and operator values, and their
 * presence wherever a site is named — the site list and detail, ratings, their CSV and the regulator exports.
 */
import type {
  AuditEntry,
  DataCenterWithSnapshot,
  EedExport,
  LocalizedName,
  LoginResponse,
  OrganizationInfo,
  RatingDetailResponse,
  RatingsResponse,
} from '@dcfleet/contracts';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const YEAR = new Date().getUTCFullYear() - 1;

describe.each(dialects())('Chinese names on %s', (dialect) => {
  let t: TestApp;
  let hub: string;

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    hub = await t.login('admin');
    const org = await t.request('/api/v1/organizations', {
      method: 'POST',
      token: hub,
      json: { code: 'NORTH', name: 'North Cloud Co.', nameZh: ' 北方云 ' },
    });
    expect(org.status).toBe(201);
    expect(((await org.json()) as OrganizationInfo).nameZh).toBe('北方云');
    await t.createSite('ZH-1', {
      nameZh: '  贵安一号  ',
      organization: 'NORTH',
      region: "Gui'an New Area",
      hub: 'Guizhou hub',
      operator: 'North Cloud Co.',
    });
    await t.createSite('ZH-2', { region: 'Anshun' });
  });
  afterAll(() => t?.close());

  const site = async (code: string, token = hub) =>
    (await (await t.request(`/api/v1/datacenters/${code}`, { token })).json()) as DataCenterWithSnapshot;
  const patch = (path: string, json: unknown, token = hub) =>
    t.request(path, { method: 'PATCH', token, json });
  const putName = (json: unknown, token = hub) => t.request('/api/v1/names', { method: 'PUT', token, json });
  const audit = async () =>
    (await (await t.request('/api/v1/audit?limit=1000', { token: hub })).json()) as AuditEntry[];

  it("stores a site's Chinese name trimmed; one never given is null", async () => {
    expect(await site('ZH-1')).toMatchObject({ name: 'Site ZH-1', nameZh: '贵安一号' });
    expect((await site('ZH-2')).nameZh).toBeNull();
  });

  it('changes and clears it through PATCH, audited like any edit', async () => {
    expect((await patch('/api/v1/datacenters/ZH-2', { nameZh: '安顺二号' })).status).toBe(200);
    expect((await site('ZH-2')).nameZh).toBe('安顺二号');
    const list = (await (
      await t.request('/api/v1/datacenters', { token: hub })
    ).json()) as DataCenterWithSnapshot[];
    expect(list.find((s) => s.code === 'ZH-2')?.nameZh).toBe('安顺二号');
    expect((await patch('/api/v1/datacenters/ZH-2', { nameZh: null })).status).toBe(200);
    expect((await site('ZH-2')).nameZh).toBeNull();
    const entries = (await audit()).filter((e) => e.action === 'datacenter.update' && e.target === 'ZH-2');
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries[0]!.details).toMatchObject({ fields: ['nameZh'] });
  });

  it.each([
    ['blank', '   ', /nameZh: must not be blank/],
    ['too long', '长'.repeat(101), /nameZh: must be at most 100 characters/],
    ['not a string', 42, /nameZh/],
  ])('refuses a %s Chinese name with 400 and a reason, changing nothing', async (_what, nameZh, reason) => {
    const res = await patch('/api/v1/datacenters/ZH-1', { nameZh });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(reason);
    expect((await site('ZH-1')).nameZh).toBe('贵安一号');
    const created = await t.request('/api/v1/datacenters', {
      method: 'POST',
      token: hub,
      json: { code: 'ZH-BAD', name: 'Bad', nameZh },
    });
    expect(created.status).toBe(400);
  });

  it('keeps one Chinese name per region, hub and operator value, shared by every site carrying it', async () => {
    expect((await site('ZH-1')).regionZh).toBeNull();
    for (const [kind, name, nameZh] of [
      ['region', "Gui'an New Area", '贵安新区'],
      ['region', 'Anshun', ' 安顺 '],
      ['hub', 'Guizhou hub', '贵州枢纽'],
      ['operator', 'North Cloud Co.', '北方云'],
    ]) {
      const res = await putName({ kind, name, nameZh });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ kind, name, nameZh: nameZh!.trim(), updatedBy: 'admin' });
    }
    expect(await site('ZH-1')).toMatchObject({
      regionZh: '贵安新区',
      hubZh: '贵州枢纽',
      operatorZh: '北方云',
    });
    expect(await site('ZH-2')).toMatchObject({ regionZh: '安顺', hubZh: null, operatorZh: null });
    const listed = (await (await t.request('/api/v1/names', { token: hub })).json()) as LocalizedName[];
    expect(listed.map((n) => [n.kind, n.name, n.sites])).toEqual([
      ['hub', 'Guizhou hub', 1],
      ['operator', 'North Cloud Co.', 1],
      ['region', 'Anshun', 1],
      ['region', "Gui'an New Area", 1],
    ]);
    // Changing the value on a site changes which name it shows: the list is keyed by the English value.
    expect((await patch('/api/v1/datacenters/ZH-2', { region: "Gui'an New Area" })).status).toBe(200);
    expect((await site('ZH-2')).regionZh).toBe('贵安新区');
    expect((await patch('/api/v1/datacenters/ZH-2', { region: 'Anshun' })).status).toBe(200);
    expect((await audit()).some((e) => e.action === 'name.set' && e.target === 'region:Anshun')).toBe(true);
  });

  it('removes an entry with null; refuses bad entries with 400', async () => {
    expect((await putName({ kind: 'hub', name: 'Guizhou hub', nameZh: null })).status).toBe(200);
    expect((await site('ZH-1')).hubZh).toBeNull();
    expect((await putName({ kind: 'hub', name: 'Guizhou hub', nameZh: '贵州枢纽' })).status).toBe(200);
    for (const [body, reason] of [
      [{ kind: 'country', name: 'China', nameZh: '中国' }, /kind/],
      [{ kind: 'region', name: ' ', nameZh: '空' }, /name/],
      [{ kind: 'region', name: 'Anshun', nameZh: '' }, /nameZh: must not be blank/],
      [{ kind: 'region', name: 'Anshun', nameZh: '长'.repeat(101) }, /nameZh/],
      [{ kind: 'region', name: 'Anshun' }, /nameZh/],
      [{ kind: 'region', name: 'Anshun', nameZh: '安顺', extra: 1 }, /extra|Unrecognized/i],
    ] as const) {
      const res = await putName(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(reason);
    }
    expect((await site('ZH-2')).regionZh).toBe('安顺');
  });

  it("renames an organisation's Chinese name, clears it, and validates it", async () => {
    const res = await patch('/api/v1/organizations/NORTH', { nameZh: '北方云计算' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ code: 'NORTH', name: 'North Cloud Co.', nameZh: '北方云计算' });
    expect((await patch('/api/v1/organizations/NORTH', {})).status).toBe(400);
    expect((await patch('/api/v1/organizations/NORTH', { nameZh: ' ' })).status).toBe(400);
    expect((await patch('/api/v1/organizations/NOWHERE', { nameZh: '无' })).status).toBe(404);
    expect((await patch('/api/v1/organizations/NORTH', { nameZh: null })).status).toBe(200);
    const orgs = (await (
      await t.request('/api/v1/organizations', { token: hub })
    ).json()) as OrganizationInfo[];
    expect(orgs.find((o) => o.code === 'NORTH')?.nameZh).toBeNull();
    expect((await patch('/api/v1/organizations/NORTH', { nameZh: '北方云' })).status).toBe(200);
    expect((await audit()).some((e) => e.action === 'organization.update' && e.target === 'NORTH')).toBe(
      true,
    );
  });

  it("an organisation's admin reads only its sites' names and cannot edit the list", async () => {
    const northAdmin = await t.loginNew('north-names-admin', 'admin', { organization: 'NORTH' });
    const listed = (await (
      await t.request('/api/v1/names', { token: northAdmin })
    ).json()) as LocalizedName[];
    expect(listed.map((n) => n.name).sort()).toEqual(["Gui'an New Area", 'Guizhou hub', 'North Cloud Co.']);
    expect((await putName({ kind: 'region', name: 'Anshun', nameZh: '改' }, northAdmin)).status).toBe(403);
    expect((await patch('/api/v1/organizations/NORTH', { nameZh: '改' }, northAdmin)).status).toBe(403);
    // Its own site's Chinese name is a site setting it may edit.
    expect((await patch('/api/v1/datacenters/ZH-1', { nameZh: '贵安一号楼' }, northAdmin)).status).toBe(200);
    expect((await site('ZH-1')).nameZh).toBe('贵安一号楼');
    expect((await patch('/api/v1/datacenters/ZH-1', { nameZh: '贵安一号' })).status).toBe(200);
  });

  it('names the sites in Chinese in ratings, their CSV, the detail and the regulator exports', async () => {
    const ratings = (await (
      await t.request(`/api/v1/ratings?year=${YEAR}`, { token: hub })
    ).json()) as RatingsResponse;
    expect(ratings.sites.find((s) => s.code === 'ZH-1')).toMatchObject({
      name: 'Site ZH-1',
      nameZh: '贵安一号',
      hubZh: '贵州枢纽',
    });
    expect(ratings.sites.find((s) => s.code === 'ZH-2')).toMatchObject({ nameZh: null, hubZh: null });
    // A rename shows at once, although the rows are cached.
    expect((await patch('/api/v1/datacenters/ZH-2', { nameZh: '安顺二号' })).status).toBe(200);
    const again = (await (
      await t.request(`/api/v1/ratings?year=${YEAR}`, { token: hub })
    ).json()) as RatingsResponse;
    expect(again.sites.find((s) => s.code === 'ZH-2')?.nameZh).toBe('安顺二号');
    const detail = (await (
      await t.request(`/api/v1/ratings/ZH-1?year=${YEAR}`, { token: hub })
    ).json()) as RatingDetailResponse;
    expect(detail).toMatchObject({ code: 'ZH-1', nameZh: '贵安一号', hubZh: '贵州枢纽' });

    const csv = await (await t.request(`/api/v1/ratings.csv?year=${YEAR}`, { token: hub })).text();
    const [header, ...lines] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = header!.split(',');
    // Additive: the existing columns keep their places, the Chinese ones come last.
    expect(columns.slice(0, 3)).toEqual(['code', 'name', 'hub']);
    expect(columns.slice(-2)).toEqual(['name_zh', 'hub_zh']);
    const row = lines.find((l) => l.startsWith('ZH-1,'))!.split(',');
    expect(row.slice(-2)).toEqual(['贵安一号', '贵州枢纽']);

    const eed = (await (
      await t.request(`/api/v1/ratings/eed?year=${YEAR}`, { token: hub })
    ).json()) as EedExport;
    expect(eed.sites.find((s) => s.code === 'ZH-1')).toMatchObject({
      nameZh: '贵安一号',
      operatorZh: '北方云',
      regionZh: '贵安新区',
    });
    const eedCsv = await (await t.request(`/api/v1/ratings/eed.csv?year=${YEAR}`, { token: hub })).text();
    expect(eedCsv.split('\r\n')[0]!.endsWith('name_zh,operator_zh,region_zh')).toBe(true);
    const eligibility = await (
      await t.request(`/api/v1/ratings/eligibility.csv?year=${YEAR}`, { token: hub })
    ).text();
    expect(eligibility.split('\r\n').find((l) => l.startsWith('ZH-1,'))).toMatch(/,贵安一号,贵州枢纽$/);

    // An organisation's member: the scope carries its Chinese name, and the CSV's FLEET row says it.
    const member = await t.loginNew('north-names-reader', 'regulator', { organization: 'NORTH' });
    const theirs = (await (
      await t.request(`/api/v1/ratings?year=${YEAR}`, { token: member })
    ).json()) as RatingsResponse;
    expect(theirs.scope).toEqual({
      kind: 'organization',
      code: 'NORTH',
      name: 'North Cloud Co.',
      nameZh: '北方云',
    });
    const theirCsv = await (await t.request(`/api/v1/ratings.csv?year=${YEAR}`, { token: member })).text();
    expect(theirCsv).toContain('Fleet of North Cloud Co. / 北方云 (NORTH)');
    // The login names the organisation in Chinese too (the zh-CN header's scope).
    const login = await t.request('/api/v1/auth/login', {
      method: 'POST',
      json: { username: 'north-names-reader', password: 'test-scoped-password-1' },
    });
    expect(((await login.json()) as LoginResponse).user.organization).toEqual({
      code: 'NORTH',
      name: 'North Cloud Co.',
      nameZh: '北方云',
    });
  });
});
