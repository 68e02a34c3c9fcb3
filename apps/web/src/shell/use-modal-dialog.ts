import { useEffect, useRef } from 'react';

/** A <dialog> opened as a modal once mounted (focus stays inside; Escape closes it). */
export function useModalDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return ref;
}
