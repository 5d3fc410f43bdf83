/**
 * Messages of the sign-in page, in ICU MessageFormat: English, the keys' source, and Simplified Chinese,
 * which must translate every key.
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

export const zhCN: Record<keyof typeof en, string> = {
  'login.title': '登录 dcfleet',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.pending': '正在登录…',
  'login.missing': '请输入用户名和密码。',
  'login.wrong': '用户名或密码错误。',
  'login.failed': '登录失败。',
};
