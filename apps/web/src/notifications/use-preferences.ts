import { useSyncExternalStore } from 'react';
import {
  DEFAULT_PREFERENCES,
  readPreferences,
  writePreferences,
  type NotificationPreferences,
} from './preferences.js';

/** The page's copy of this device's notification settings (preferences.ts holds them). */
let current: NotificationPreferences = DEFAULT_PREFERENCES;
const listeners = new Set<() => void>();
let loading: Promise<void> | undefined;

function load(): Promise<void> {
  loading ??= readPreferences().then(
    (stored) => {
      current = stored;
      for (const listener of listeners) listener();
    },
    () => undefined, // IndexedDB unavailable (private mode in some browsers): defaults stay
  );
  return loading;
}

export function notificationPreferences(): NotificationPreferences {
  return current;
}

/** Resolves with the stored settings once they are read. */
export async function loadedPreferences(): Promise<NotificationPreferences> {
  await load();
  return current;
}

export async function setNotificationPreferences(
  change: Partial<NotificationPreferences>,
): Promise<void> {
  await load();
  current = { ...current, ...change };
  for (const listener of listeners) listener();
  await writePreferences(current);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  void load();
  return () => listeners.delete(listener);
}

export function useNotificationPreferences(): NotificationPreferences {
  return useSyncExternalStore(subscribe, notificationPreferences);
}
