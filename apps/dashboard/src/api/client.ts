/**
 * The dashboard's one HTTP client: same origin (the API serves the dashboard), JSON in and out, the
 * session's JWT as a bearer token, and API errors turned into `ApiError` with the server's message.
 */
import { accessToken, clearSession } from './session';

export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Send the session's token (default true). */
  auth?: boolean;
  /** A token to send instead of the session's (a kiosk link's, before it becomes the session). */
  token?: string;
}

const BASE_URL = '';

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when an authenticated request gets a 401: the session expired or was revoked. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Extracts a readable message from an error body (Nest sends `message` as a string or a string[]). */
export function errorMessage(body: unknown, status: number, statusText: string): string {
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string' && message) return message;
    if (Array.isArray(message) && message.length) return message.map(String).join('; ');
  }
  return `${status} ${statusText || 'request failed'}`.trim();
}

async function send(
  path: string,
  options: RequestOptions,
  accept: string,
): Promise<{ res: Response; token: string | null }> {
  const { method = 'GET', body, signal, auth = true } = options;
  const headers: Record<string, string> = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = options.token ?? (auth ? accessToken() : null);
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const res = await fetch(BASE_URL + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    return { res, token };
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError('Cannot reach the dcfleet server. Check your connection and try again.', 0);
  }
}

function unauthorized(status: number, token: string | null): void {
  // The session's own token ends the session; a refused kiosk link, or an old token after another tab signed in
  // anew, leaves the current one alone.
  const current = accessToken();
  if (status === 401 && token && (current === null || current === token)) {
    clearSession();
    unauthorizedListeners.forEach((listener) => listener());
  }
}

/** A file download (CSV): the body as a Blob and the file name from Content-Disposition. */
export async function requestBlob(
  path: string,
  options: RequestOptions = {},
): Promise<{ blob: Blob; filename: string | null }> {
  const { res, token } = await send(path, options, '*/*');
  if (!res.ok) {
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    unauthorized(res.status, token);
    throw new ApiError(errorMessage(parsed, res.status, res.statusText), res.status);
  }
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return { blob: await res.blob(), filename: match ? decodeURIComponent(match[1]!) : null };
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { res, token } = await send(path, options, 'application/json');
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (res.ok) throw new ApiError(`Unexpected response from ${path} (not JSON)`, res.status);
    }
  }
  if (!res.ok) {
    unauthorized(res.status, token);
    throw new ApiError(errorMessage(parsed, res.status, res.statusText), res.status);
  }
  return parsed as T;
}

/** True when an error means "this endpoint does not exist (yet)". */
export function isNotAvailable(error: Error | null): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 501);
}
