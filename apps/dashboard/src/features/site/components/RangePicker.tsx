import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/i18n';
import { RANGES, type RangeId, type RangeSelection, type TimeWindow } from '../api/time-range';
import type { SiteSearch } from '../api/site-search';

/** `YYYY-MM-DDTHH:mm` in local time, for datetime-local inputs. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

interface Props {
  selection: RangeSelection;
  window: TimeWindow;
  onChange: (search: SiteSearch) => void;
}

export function RangePicker({ selection, window, onChange }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [custom, setCustom] = useState(selection.range === 'custom');
  const [from, setFrom] = useState(() => toLocalInput(window.from));
  const [to, setTo] = useState(() => toLocalInput(window.to));
  const [error, setError] = useState<string | null>(null);
  const active: RangeId = custom ? 'custom' : selection.range;

  function pick(range: RangeId) {
    if (range === 'custom') {
      setCustom(true);
      setFrom(toLocalInput(window.from));
      setTo(toLocalInput(window.to));
      return;
    }
    setCustom(false);
    setError(null);
    onChange({ range });
  }

  function apply(e: FormEvent) {
    e.preventDefault();
    const f = Date.parse(from);
    const tt = Date.parse(to);
    if (!Number.isFinite(f) || !Number.isFinite(tt) || f >= tt) {
      setError(t('site.range.invalid'));
      return;
    }
    setError(null);
    onChange({ range: 'custom', from: new Date(f).toISOString(), to: new Date(tt).toISOString() });
  }

  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label={t('site.range')}>
        {RANGES.map((r) => (
          <button key={r} type="button" aria-pressed={active === r} onClick={() => pick(r)} data-range={r}>
            {r === 'live' ? <span className="live-dot" aria-hidden="true" /> : null}
            {t(`site.range.${r}`)}
          </button>
        ))}
      </div>
      {custom ? (
        <form className="custom-range" onSubmit={apply} noValidate>
          <label htmlFor={`${id}-from`}>{t('site.range.from')}</label>
          <input
            id={`${id}-from`}
            type="datetime-local"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            aria-invalid={!!error}
          />
          <label htmlFor={`${id}-to`}>{t('site.range.to')}</label>
          <input
            id={`${id}-to`}
            type="datetime-local"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            aria-invalid={!!error}
          />
          <button type="submit">{t('site.range.apply')}</button>
          {error ? (
            <span className="error inline" role="alert">
              {error}
            </span>
          ) : null}
        </form>
      ) : null}
      <span className="muted small">{t('site.range.step', { step: t(`site.step.${window.step}`) })}</span>
    </div>
  );
}
