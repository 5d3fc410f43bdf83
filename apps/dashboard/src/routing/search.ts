/**
 * How the router reads and writes the query part of `#/path?query`. Plain strings both ways (each route's
 * search validator turns them into typed values), so bookmarked URLs keep the shape they always had
 * (`?year=2025`, `?range=custom&from=…`), not a JSON encoding (`?year=%222025%22`).
 */

/** `?a=1&b=x` → `{ a: '1', b: 'x' }` (the last value wins when a key repeats). */
export function parseSearch(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  new URLSearchParams(search.startsWith('?') ? search.slice(1) : search).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** The inverse of parseSearch; undefined, null and empty values are left out, so defaults keep URLs short. */
export function stringifySearch(search: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** A search value if it is one of the allowed strings (validateSearch helpers). */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : undefined;
}

/** A non-empty string search value, else undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
