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
/** Tells the device's other tabs that the settings changed (they read them again). */
let otherTabs: BroadcastChannel | undefined;

function load(): Promise<void> {
  if (!otherTabs && typeof BroadcastChannel !== 'undefined') {
    otherTabs = new BroadcastChannel('parley-notification-preferences');
    otherTabs.onmessage = () => {
      loading = undefined;
      void load();
    };
  }
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
  otherTabs?.postMessage('changed');
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  void load();
  return () => listeners.delete(listener);
}

export function useNotificationPreferences(): NotificationPreferences {
  return useSyncExternalStore(subscribe, notificationPreferences);
}
