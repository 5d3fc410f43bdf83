/** Messages of the header's site search and the keyboard shortcuts (English source; Simplified Chinese in messages.zh-CN.ts). */

export const en = {
  'search.label': 'Search sites',
  'search.placeholder': 'Search sites…',
  'search.hint': 'Code, name, region or operator. Press / to search, ? for shortcuts.',
  'search.results': '{count, plural, =0 {No site matches} one {# site} other {# sites}}',
  'search.loading': 'Loading sites…',
  'search.field.code': 'code',
  'search.field.name': 'name',
  'search.field.region': 'region',
  'search.field.hub': 'hub',
  'search.field.operator': 'operator',
  'shortcuts.title': 'Keyboard shortcuts',
  'shortcuts.search': 'Search sites',
  'shortcuts.fleet': 'Go to the fleet',
  'shortcuts.alarms': 'Go to alarms',
  'shortcuts.ratings': 'Go to ratings',
  'shortcuts.help': 'Show this list',
  'shortcuts.close': 'Close',
  'shortcuts.then': 'then',
  'shortcuts.or': 'or',
} as const;
