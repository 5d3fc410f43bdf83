/** Simplified Chinese for messages.ts: typed by its English, so a missing key does not compile. */
import type { en } from './messages';

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
