/**
 * Messages every part of the dashboard uses (shared components, several features), in ICU MessageFormat:
 * English, the keys' source, Simplified Chinese
 * in common-messages.zh-CN.ts, loaded only for that language.
 */

export const en = {
  'app.loading': 'Loading…',
  'app.retry': 'Try again',
  'app.refresh': 'Refresh',
  'app.cancel': 'Cancel',
  'app.save': 'Save',
  'app.updated': 'Updated {time}',
  'app.refreshing': 'Refreshing…',
  'app.language': 'Language',
  'app.backToFleet': 'Back to the fleet',
  'app.copied': 'Copied',
  'app.copy': 'Copy',
  'app.filters': '{n, plural, =0 {Filters} other {Filters (# active)}}',
  'app.notAvailable':
    'This part of the server is not available yet ({status}). It will appear here once it is.',
  'role.admin': 'admin',
  'role.operator': 'operator',
  'role.regulator': 'regulator',
  'status.online': 'Online',
  'status.stale': 'Stale',
  'status.offline': 'Offline',
  'time.never': 'never',
  'time.justNow': 'just now',
  'time.lastData': 'last data {ago}',
  'scope.label': 'Scope',
  'scope.hub': 'Hub',
  'scope.regions': 'Regions: {regions}',
  'scope.fleet.all': 'Fleet — all sites',
  'scope.fleet.of': 'Fleet — {scope}',
} as const;
