import { useSyncExternalStore } from 'react';
import { ImageViewer } from '../media/ImageViewer.js';

interface Shown {
  url: string;
  name: string;
}

/**
 * The view-once file on screen. It lives outside the bubble that opened it: opening purges the
 * message, so its bubble is replaced by the "Opened" line (and may remount) while the viewer stays.
 */
let shown: Shown | null = null;
const listeners = new Set<() => void>();

function set(next: Shown | null): void {
  if (shown) URL.revokeObjectURL(shown.url);
  shown = next;
  for (const listener of listeners) listener();
}

export function showViewOnce(bytes: Uint8Array<ArrayBuffer>, type: string, name: string): void {
  set({ url: URL.createObjectURL(new Blob([bytes], { type })), name });
}

/** Rendered once per open chat: the viewer while a view-once file is shown. */
export function ViewOnceViewerHost() {
  const current = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => shown,
  );
  return current && <ImageViewer url={current.url} name={current.name} onClose={() => set(null)} />;
}
