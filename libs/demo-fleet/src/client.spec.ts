import { DcfleetClient, HttpError, type FetchLike } from './client';

function fakeServer(answers: (Response | Error)[]): {
  fetch: FetchLike;
  calls: { url: string; init?: RequestInit }[];
} {
  const calls: { url: string; init?: RequestInit }[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const login = () =>
  json(200, { accessToken: 'jwt', expiresAt: '', user: { username: 'admin', role: 'admin' } });

describe('DcfleetClient', () => {
  it('retries an ingest answered 503/429 and a network error, then returns the receipt', async () => {
    const ok = { accepted: 2, rejected: [], receipt: { id: '1', seq: 1, hash: 'h', prevHash: 'p' } };
    const server = fakeServer([
      json(503, {}, { 'retry-after': '0' }),
      new Error('ECONNRESET'),
      json(200, ok),
    ]);
    const client = new DcfleetClient('http://x/', { username: 'admin', password: 'p' }, server.fetch);
    const res = await client.ingest('dcf_token', '{"samples":[]}');
    expect(res).toEqual({ status: 200, response: ok, attempts: 3 });
    expect(server.calls[0]!.url).toBe('http://x/api/v1/ingest');
    expect(new Headers(server.calls[0]!.init!.headers).get('authorization')).toBe('Bearer dcf_token');
  });

  it('returns other refusals as they are, without retrying', async () => {
    const server = fakeServer([json(400, { message: 'no valid sample' })]);
    const client = new DcfleetClient('http://x', { username: 'admin', password: 'p' }, server.fetch);
    const res = await client.ingest('t', 'x');
    expect(res.status).toBe(400);
    expect(res.error).toContain('no valid sample');
    expect(res.attempts).toBe(1);
  });

  it('logs in on first use and again once when the session expired', async () => {
    const server = fakeServer([
      login(),
      json(401, {}),
      login(),
      json(200, [{ code: 'GZ-GA-01' }]),
      json(404, { message: 'nope' }),
    ]);
    const client = new DcfleetClient('http://x', { username: 'admin', password: 'p' }, server.fetch);
    await expect(client.request('GET', '/api/v1/datacenters')).resolves.toEqual([{ code: 'GZ-GA-01' }]);
    await expect(client.request('GET', '/api/v1/datacenters/NOPE')).rejects.toBeInstanceOf(HttpError);
    expect(server.calls.map((c) => c.url.replace('http://x', ''))).toEqual([
      '/api/v1/auth/login',
      '/api/v1/datacenters',
      '/api/v1/auth/login',
      '/api/v1/datacenters',
      '/api/v1/datacenters/NOPE',
    ]);
  });

  it('refuses a user who is not an admin', async () => {
    const server = fakeServer([
      json(200, { accessToken: 'jwt', expiresAt: '', user: { username: 'reg', role: 'regulator' } }),
    ]);
    const client = new DcfleetClient('http://x', { username: 'reg', password: 'p' }, server.fetch);
    await expect(client.login()).rejects.toThrow(/needs an admin/);
  });
});
