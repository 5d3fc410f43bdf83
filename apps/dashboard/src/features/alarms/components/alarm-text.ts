/** Rule names and alarm messages in the UI's language (the API writes its messages in English). */
import { ALARM_RULE_KINDS, type AlarmInfo } from '@dcfleet/contracts';
import { useMemo } from 'react';
import { useI18n, type I18n } from '../../../i18n/i18n';

type RuleKind = (typeof ALARM_RULE_KINDS)[number];

function isRuleKind(rule: string): rule is RuleKind {
  return (ALARM_RULE_KINDS as readonly string[]).includes(rule);
}

/** Translators for an alarm's rule and message; unknown rules and alarms without values keep the API's text. */
export function alarmText({ t, fmt, language }: Pick<I18n, 't' | 'fmt' | 'language'>) {
  return {
    rule: (rule: string): string => (isRuleKind(rule) ? t(`alarms.rule.${rule}`) : rule),
    message: (a: AlarmInfo): string => {
      // English keeps the API's message: it carries more detail (bands, durations, counter names).
      if (language === 'en' || !isRuleKind(a.rule)) return a.message;
      const zone = a.zone ?? (a.key || null);
      const value = a.value ?? null;
      const threshold = a.threshold ?? null;
      switch (a.rule) {
        case 'inlet_temp':
        case 'inlet_rate':
          if (value === null || threshold === null) return a.message;
          return t(`alarms.msg.${a.rule}`, {
            zone: zone ?? '—',
            value: fmt.number(value, 1),
            threshold: fmt.number(threshold, 1),
          });
        case 'pue':
          if (value === null || threshold === null) return a.message;
          return t('alarms.msg.pue', { value: fmt.pue(value), threshold: fmt.pue(threshold) });
        case 'stale':
          return t('alarms.msg.stale', { site: a.datacenter });
        case 'metering':
          return t('alarms.msg.metering');
      }
    },
  };
}

export type AlarmText = ReturnType<typeof alarmText>;

export function useAlarmText(): AlarmText {
  const { t, fmt, language } = useI18n();
  return useMemo(() => alarmText({ t, fmt, language }), [t, fmt, language]);
}
