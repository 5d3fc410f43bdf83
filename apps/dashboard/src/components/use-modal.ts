import { useEffect, useRef } from 'react';

/** A native `<dialog>` shown modally while the component is mounted (focus trap, Escape, backdrop for free). */
export function useModal() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return ref;
}
