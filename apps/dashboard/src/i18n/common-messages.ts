/**
 * Messages every part of the dashboard uses (shared components, several features), in ICU MessageFormat:
 * English, the keys' source, and Simplified Chinese, which must translate every key.
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
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'app.loading': '加载中…',
  'app.retry': '重试',
  'app.refresh': '刷新',
  'app.cancel': '取消',
  'app.save': '保存',
  'app.updated': '更新于 {time}',
  'app.refreshing': '正在刷新…',
  'app.language': '语言',
  'app.backToFleet': '返回总览',
  'app.copied': '已复制',
  'app.copy': '复制',
  'app.notAvailable': '服务器的这一部分尚未提供（{status}），提供后将在此显示。',
  'role.admin': '管理员',
  'role.operator': '运维人员',
  'role.regulator': '监管人员',
  'status.online': '在线',
  'status.stale': '数据延迟',
  'status.offline': '离线',
  'time.never': '从未',
  'time.justNow': '刚刚',
  'time.lastData': '最后数据 {ago}',
};
