import { useCallback } from 'react';
import { useI18n, type Language } from './i18n';

/** Something with an English name and an optional Chinese one (a site, an organisation, a rating row). */
export interface Named {
  name: string;
  nameZh?: string | null;
}

/**
 * The name to show in `language`: the Chinese one in zh-CN where there is one, else the English one. The one place
 * that decides, so every view names a site the same way (docs/contract.md, "Chinese names").
 */
export function displayName(entity: Named, language: Language): string {
  return language === 'zh-CN' && entity.nameZh ? entity.nameZh : entity.name;
}

/** A plain value (region, hub, operator) and its Chinese name from the hub's list, shown like `displayName`. */
export function displayValue(
  value: string | null,
  zh: string | null | undefined,
  language: Language,
): string | null {
  return value === null ? null : displayName({ name: value, nameZh: zh }, language);
}

/** The other language's name when it differs from the one shown (the site page's second line), else null. */
export function otherName(entity: Named, language: Language): string | null {
  if (!entity.nameZh || entity.nameZh === entity.name) return null;
  return language === 'zh-CN' ? entity.name : entity.nameZh;
}

/** `displayName` bound to the current language. */
export function useDisplayName(): (entity: Named) => string {
  const { language } = useI18n();
  return useCallback((entity: Named) => displayName(entity, language), [language]);
}
