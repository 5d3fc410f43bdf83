/** Simplified Chinese for shell-messages.ts: typed by its English, so a missing key does not compile. */
import type { en } from './shell-messages';

export const zhCN: Record<keyof typeof en, string> = {
  'app.name': 'dcfleet',
  'app.skip': '跳到主要内容',
  'app.notFound.title': '页面不存在',
  'app.notFound.body': '此地址没有页面。',
  'app.forbidden.title': '无权访问',
  'app.forbidden.body': '您的角色（{role}）无权打开此页面。',
  'app.crash.title': '出错了',
  'app.crash.body': '此页面渲染失败。错误信息：{message}',
  'app.sessionExpired': '会话已过期，请重新登录。',
  'app.signedOut': '您已退出登录。',
  'nav.main': '主导航',
  'nav.fleet': '总览',
  'nav.alarms': '告警',
  'nav.ratings': '能效评级',
  'nav.admin': '管理',
  'nav.logout': '退出登录',
  'nav.menu': '菜单',
  'live.live': '实时',
  'live.connecting': '正在连接…',
  'live.reconnecting': '正在重连…',
  'live.offline': '离线',
  'live.idle': '未连接',
  'live.title': '实时连接：{state}',
};
