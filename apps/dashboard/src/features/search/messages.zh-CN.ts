/** Simplified Chinese for messages.ts: typed by its English, so a missing key does not compile. */
import type { en } from './messages';

export const zhCN: Record<keyof typeof en, string> = {
  'search.label': '搜索站点',
  'search.placeholder': '搜索站点…',
  'search.hint': '按代码、名称、地区或运营方搜索。按 / 搜索，按 ? 查看快捷键。',
  'search.results': '{count, plural, =0 {没有匹配的站点} other {# 个站点}}',
  'search.loading': '正在加载站点…',
  'search.field.code': '代码',
  'search.field.name': '名称',
  'search.field.region': '地区',
  'search.field.hub': '枢纽',
  'search.field.operator': '运营方',
  'shortcuts.title': '键盘快捷键',
  'shortcuts.search': '搜索站点',
  'shortcuts.fleet': '前往机群',
  'shortcuts.alarms': '前往告警',
  'shortcuts.ratings': '前往评级',
  'shortcuts.help': '显示此列表',
  'shortcuts.close': '关闭',
  'shortcuts.then': '然后',
  'shortcuts.or': '或',
};
