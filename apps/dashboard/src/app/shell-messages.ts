/**
 * Messages of the app shell (header, navigation, live connection, the shell's own pages), in ICU
 * MessageFormat: English, the keys' source, Simplified Chinese
 * in shell-messages.zh-CN.ts, loaded only for that language.
 */

export const en = {
  'app.name': 'dcfleet',
  'app.skip': 'Skip to content',
  'app.notFound.title': 'Page not found',
  'app.notFound.body': 'There is no page at this address.',
  'app.forbidden.title': 'Not allowed',
  'app.forbidden.body': 'Your role ({role}) is not allowed to open this page.',
  'app.crash.title': 'Something went wrong',
  'app.crash.body': 'This page failed to render. The error was: {message}',
  'app.sessionExpired': 'Your session has expired. Please sign in again.',
  'app.signedOut': 'You have signed out.',
  'nav.main': 'Main',
  'nav.fleet': 'Fleet',
  'nav.alarms': 'Alarms',
  'nav.ratings': 'Ratings',
  'nav.admin': 'Admin',
  'nav.logout': 'Log out',
  'nav.menu': 'Menu',
  'live.live': 'Live',
  'live.connecting': 'Connecting…',
  'live.reconnecting': 'Reconnecting…',
  'live.offline': 'Offline',
  'live.idle': 'Not connected',
  'live.title': 'Live connection: {state}',
} as const;
