import { HUB_SCOPE, inScope, type Scope, type ScopedSite } from '../platform/access/scope';

/**
 * Per-scope live rooms (docs/architecture.md, "Organisations and scope"): the fleet, alarms and ratings streams go to
 * one room per scope — hub staff's (`fleet`, `alarms`, `ratings`, as before), one per organisation, one per
 * regulator's set of regions — each with its own sequence and a payload built once for it, so a socket only ever
 * receives what its user may see and no client filters one big payload.
 */
export type ScopedStream = 'fleet' | 'alarms' | 'ratings';

/** A scope as a room-name suffix: `hub`, `org:<id>`, `regions:<r1>|<r2>` (sorted, each URI-encoded: a region may hold `|`). */
export function scopeKey(scope: Scope): string {
  switch (scope.kind) {
    case 'hub':
      return 'hub';
    case 'organization':
      return `org:${scope.organizationId}`;
    case 'regions':
      return `regions:${[...scope.regions].sort().map(encodeURIComponent).join('|')}`;
  }
}

/** The scope a key names (the inverse of scopeKey); undefined for anything else. */
export function scopeOfKey(key: string): Scope | undefined {
  if (key === 'hub') return HUB_SCOPE;
  if (key.startsWith('org:')) {
    const id = Number(key.slice(4));
    return Number.isSafeInteger(id) ? { kind: 'organization', organizationId: id } : undefined;
  }
  if (key.startsWith('regions:'))
    return { kind: 'regions', regions: key.slice(8).split('|').map(decodeURIComponent) };
  return undefined;
}

/** The room of `stream` for `scope`: hub staff keep the unsuffixed room names of docs/contract.md. */
export function scopedRoom(stream: ScopedStream, scope: Scope | string): string {
  const key = typeof scope === 'string' ? scope : scopeKey(scope);
  return key === 'hub' ? stream : `${stream}:${key}`;
}

/**
 * The rooms of `stream` a site's event goes to: hub staff's always, and that of every scope in use (`keys`) that
 * includes the site.
 */
export function roomsFor(stream: ScopedStream, site: ScopedSite, keys: Iterable<string>): string[] {
  const rooms = [stream as string];
  for (const key of keys) {
    if (key === 'hub') continue;
    const scope = scopeOfKey(key);
    if (scope && inScope(scope, site)) rooms.push(scopedRoom(stream, key));
  }
  return rooms;
}
