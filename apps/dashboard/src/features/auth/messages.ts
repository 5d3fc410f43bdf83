/**
 * Messages of the sign-in page, in ICU MessageFormat: English, the keys' source, Simplified Chinese
 * in messages.zh-CN.ts, loaded only for that language.
 */

export const en = {
  'login.title': 'Sign in to dcfleet',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.pending': 'Signing in…',
  'login.missing': 'Enter your username and password.',
  'login.wrong': 'Wrong username or password.',
  'login.failed': 'Sign-in failed.',
} as const;
