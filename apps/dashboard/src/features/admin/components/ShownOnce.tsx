import { useId } from 'react';
import { CopyButton } from '../../../components/ui';

/**
 * A secret the API shows only in its create answer (an ingest token, a kiosk link): titled, with a warning, selected
 * on focus, copyable, dismissed by the admin.
 */
export function ShownOnce({
  testId,
  title,
  warning,
  label,
  value,
  dismissLabel,
  onDismiss,
}: {
  testId: string;
  title: string;
  warning: string;
  label: string;
  value: string;
  dismissLabel: string;
  onDismiss: () => void;
}) {
  const id = useId();
  return (
    <div className="secret card" role="region" aria-labelledby={`${id}-title`} data-testid={testId}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p className="notice">{warning}</p>
      <div className="secret-row">
        <label htmlFor={`${id}-value`} className="visually-hidden">
          {label}
        </label>
        <input
          id={`${id}-value`}
          readOnly
          value={value}
          className="mono"
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={value} targetId={`${id}-value`} />
        <button type="button" className="btn-secondary" onClick={onDismiss}>
          {dismissLabel}
        </button>
      </div>
    </div>
  );
}
