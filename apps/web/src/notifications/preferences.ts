/**
 * This browser's notification settings. They belong to the device, not the account (a person may
 * want sound on the laptop and silence on the phone), and the service worker reads them when a
 * push wakes it, so they live in IndexedDB (workers have no localStorage).
 */
import type { DoNotDisturbChoice } from './do-not-disturb.js';

export interface NotificationPreferences {
  /** Off: no system notifications, no push subscription, no in-app toasts. */
  enabled: boolean;
  /** Off: notifications say "New message" without the text. */
  previews: boolean;
  /** A short tone when a message arrives while the app is open. */
  sound: boolean;
  /** Do not disturb ends at this time (ms; 0: off; Infinity: until turned off). do-not-disturb.ts */
  doNotDisturbUntil: number;
  /** What the person chose, to show it again in Settings while it lasts. */
  doNotDisturbChoice: DoNotDisturbChoice;
}

export const DEFAULT_PREFERENCES: NotificationPreferences = Object.freeze({
  enabled: true,
  previews: true,
  sound: true,
  doNotDisturbUntil: 0,
  doNotDisturbChoice: 'off',
});

const DATABASE = 'parley-notifications';
const STORE = 'preferences';
const KEY = 'device';

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('cannot open ' + DATABASE));
  });
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>) {
  return openDatabase().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const request = work(transaction.objectStore(STORE));
        transaction.oncomplete = () => {
          db.close();
          resolve(request.result);
        };
        transaction.onerror = () => {
          db.close();
          reject(transaction.error ?? new Error('notification settings transaction failed'));
        };
      }),
  );
}

export async function readPreferences(): Promise<NotificationPreferences> {
  const stored = await run<Partial<NotificationPreferences> | undefined>('readonly', (store) =>
    store.get(KEY),
  );
  return { ...DEFAULT_PREFERENCES, ...stored };
}

export async function writePreferences(preferences: NotificationPreferences): Promise<void> {
  await run('readwrite', (store) => store.put({ ...preferences }, KEY));
}
