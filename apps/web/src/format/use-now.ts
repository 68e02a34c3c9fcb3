import { useSyncExternalStore } from 'react';

/**
 * The current time, refreshed each minute, so labels like "Today" and clock times roll over
 * without a reload. One shared timer serves every component.
 */
const MINUTE_MS = 60_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const listener of [...listeners]) listener();
  }, MINUTE_MS);
  return () => {
    listeners.delete(onChange);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
