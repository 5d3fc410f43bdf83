/**
 * A small dcfleet HTTP client over fetch: admin session for the read/admin API, ingest with a site token
 * (retrying on 429/503 as the API asks with Retry-After, and on network errors).
 */
import type { IngestResponse, LoginResponse } from '@dcfleet/contracts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'HttpError';
  }
}

export interface IngestResult {
  status: number;
  /** Parsed body of a 200 answer. */
  response?: IngestResponse;
  /** Samples stored, for answers without a JSON body (line protocol's 204, an MQTT PUBACK). */
  accepted?: number;
  /** Raw body of any other answer. */
  error?: string;
  /** Attempts needed (1 = first try). */
  attempts: number;
}

export interface Credentials {
  username: string;
  password: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DcfleetClient {
  private session: string | undefined;
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly credentials: Credentials,
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async login(): Promise<LoginResponse> {
    const res = await this.fetchImpl(`${this.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.credentials),
    });
    const text = await res.text();
    if (res.status !== 200) throw new HttpError(res.status, 'POST', '/api/v1/auth/login', text);
    const body = JSON.parse(text) as LoginResponse;
    if (body.user.role !== 'admin')
      throw new Error(`user ${this.credentials.username} is ${body.user.role}, the simulator needs an admin`);
    this.session = body.accessToken;
    return body;
  }

  /** JSON request with the admin session (logs in on first use and again once when the session expired). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = await this.requestText(method, path, body);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Like request(), for an answer that is not JSON (e.g. /metrics). */
  async requestText(method: string, path: string, body?: unknown): Promise<string> {
    if (!this.session) await this.login();
    for (let attempt = 0; ; attempt++) {
      const res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.session}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === 401 && attempt === 0) {
        await this.login();
        continue;
      }
      if ((res.status === 429 || res.status === 503) && attempt < 10) {
        await sleep(retryAfterMs(res));
        continue;
      }
      if (res.status < 200 || res.status >= 300) throw new HttpError(res.status, method, path, text);
      return text;
    }
  }

  /** Posts one JSON ingest body (already serialised) with a site token; see postIngest for retries. */
  async ingest(
    token: string,
    body: string,
    opts: { maxAttempts?: number; contentType?: string } = {},
  ): Promise<IngestResult> {
    const out = await this.postIngest(
      '/api/v1/ingest',
      opts.contentType ?? 'application/json',
      token,
      body,
      opts,
    );
    if (out.status === 200)
      return { status: 200, response: JSON.parse(out.text) as IngestResponse, attempts: out.attempts };
    return { status: out.status, error: out.text, attempts: out.attempts };
  }

  /** Posts InfluxDB line protocol (POST /api/v1/write), retrying like `ingest`; 204 means every line was stored. */
  async writeLines(
    token: string,
    body: string,
    opts: { maxAttempts?: number; precision?: string } = {},
  ): Promise<IngestResult> {
    const path = `/api/v1/write?precision=${opts.precision ?? 'ms'}`;
    const out = await this.postIngest(path, 'text/plain; charset=utf-8', token, body, opts);
    if (out.status === 204) return { status: 204, attempts: out.attempts };
    return { status: out.status, error: out.text, attempts: out.attempts };
  }

  /**
   * One ingest body with a site token. Retries 429/503 after Retry-After (up to `maxAttempts`) and network errors
   * with a short back-off; any other answer is returned as is.
   */
  private async postIngest(
    path: string,
    contentType: string,
    token: string,
    body: string,
    opts: { maxAttempts?: number },
  ): Promise<{ status: number; text: string; attempts: number }> {
    const max = opts.maxAttempts ?? 30;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
          body,
        });
      } catch (err) {
        if (attempt >= Math.min(max, 5)) throw err;
        await sleep(250 * attempt);
        continue;
      }
      const text = await res.text();
      if ((res.status === 429 || res.status === 503) && attempt < max) {
        await sleep(retryAfterMs(res));
        continue;
      }
      return { status: res.status, text, attempts: attempt };
    }
  }
}

function retryAfterMs(res: Response): number {
  const s = Number(res.headers.get('retry-after'));
  return Number.isFinite(s) && s > 0 ? Math.min(s, 10) * 1000 : 500;
}
