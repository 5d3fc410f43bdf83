/**
 * Kiosk (wall display) mode from the URL: `?kiosk=1` hides the chrome; `rotate=fleet,alarms,site:CODE` with
 * `every=<seconds>` cycles through views, else the page stays fixed. A kiosk session is always in kiosk mode.
 */
import type { Role } from '@dcfleet/contracts';
import { canAccess } from '../../routing/access';

export type KioskView =
  { page: 'fleet' } | { page: 'alarms' } | { page: 'ratings' } | { page: 'site'; code: string };

export interface KioskConfig {
  views: KioskView[];
  /** Seconds per view when rotating (10–3600, default 60). */
  every: number;
}

const SITE_CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
export const KIOSK_EVERY = { default: 60, min: 10, max: 3600 } as const;

function viewOf(token: string): KioskView | null {
  const t = token.trim();
  if (t === 'fleet' || t === 'alarms' || t === 'ratings') return { page: t };
  const m = /^site:(.+)$/i.exec(t);
  const code = m?.[1]?.toUpperCase();
  return code && SITE_CODE.test(code) ? { page: 'site', code } : null;
}

/** The kiosk settings a URL's search asks for; null when not in kiosk mode (and `forced` is false). */
export function parseKiosk(search: Record<string, unknown>, forced = false): KioskConfig | null {
  const on = search.kiosk === '1' || search.kiosk === 'true' || search.kiosk === 1 || search.kiosk === true;
  if (!on && !forced) return null;
  const rotate = typeof search.rotate === 'string' ? search.rotate : '';
  const views = rotate
    .split(',')
    .map(viewOf)
    .filter((v): v is KioskView => v !== null);
  const n = Number(search.every);
  const every = Number.isFinite(n)
    ? Math.min(KIOSK_EVERY.max, Math.max(KIOSK_EVERY.min, Math.round(n)))
    : KIOSK_EVERY.default;
  return { views, every };
}

/** Views a role may open (a regulator's wall skips alarms). */
export function allowedViews(views: readonly KioskView[], role: Role): KioskView[] {
  return views.filter((v) => canAccess(v.page, role));
}

/** The router path of a view. */
export function pathOf(view: KioskView): string {
  return view.page === 'site' ? `/sites/${view.code}` : `/${view.page}`;
}

/** The view after the one at `pathname` (the first when the page is not one of them). */
export function nextView(views: readonly KioskView[], pathname: string): KioskView | undefined {
  if (views.length === 0) return undefined;
  const at = views.findIndex((v) => pathOf(v) === pathname);
  return views[(at + 1) % views.length];
}

/** The URL (router href) of a view, keeping the kiosk settings so a reload stays in the same mode. */
export function kioskHref(view: KioskView, config: KioskConfig): string {
  const params = new URLSearchParams({ kiosk: '1' });
  if (config.views.length) {
    params.set('rotate', config.views.map((v) => (v.page === 'site' ? `site:${v.code}` : v.page)).join(','));
    params.set('every', String(config.every));
  }
  return `${pathOf(view)}?${params.toString().replace(/%3A/g, ':').replace(/%2C/g, ',')}`;
}

/** The pairing key of a kiosk link (`#/fleet?kiosk=1&key=<token>`), read before the router starts. */
export function pairingKeyOf(hash: string): string | null {
  const q = hash.indexOf('?');
  if (q < 0) return null;
  const key = new URLSearchParams(hash.slice(q + 1)).get('key');
  return key && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(key) ? key : null;
}

/** The hash without its pairing key, so the token leaves the address bar and the history at once. */
export function withoutKey(hash: string): string {
  const q = hash.indexOf('?');
  if (q < 0) return hash;
  const params = new URLSearchParams(hash.slice(q + 1));
  params.delete('key');
  const rest = params.toString();
  return hash.slice(0, q) + (rest ? `?${rest}` : '');
}
