import type { Messenger } from '../messenger/types.js';
import { toWebPushSubscription } from './subscription-json.js';

export type PushState = 'subscribed' | 'unsupported' | 'not-permitted';

/** The service worker's registration, when the app runs with one (production builds). */
async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return undefined;
  return navigator.serviceWorker.getRegistration('/');
}

function sameKey(a: ArrayBuffer | null | undefined, base64url: string): boolean {
  if (!a) return false;
  const b = Uint8Array.from(atob(base64url.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
    c.charCodeAt(0),
  );
  const bytes = new Uint8Array(a);
  return bytes.length === b.length && bytes.every((value, i) => value === b[i]);
}

/**
 * Subscribes this browser to Web Push with the relay's VAPID key (or keeps the subscription it
 * has) and registers it on the relay for this device. Run at every start: the relay's copy is
 * refreshed, and a subscription made for an older relay key is replaced.
 */
export async function syncPushSubscription(messenger: Messenger): Promise<PushState> {
  const worker = await registration();
  if (!worker) return 'unsupported';
  if (Notification.permission !== 'granted') return 'not-permitted';
  const publicKey = await messenger.pushPublicKey();
  let subscription = await worker.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, publicKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  // userVisibleOnly: every push shows a notification (Chromium and Safari require the promise).
  subscription ??= await worker.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: publicKey,
  });
  await messenger.setPushSubscription(toWebPushSubscription(subscription));
  return 'subscribed';
}

/**
 * Ends Web Push for this device: the browser's subscription and the relay's copy. For turning
 * notifications off and for sign-out (call it before the device's credentials are gone).
 */
export async function removePushSubscription(messenger: Messenger): Promise<void> {
  const worker = await registration();
  const subscription = await worker?.pushManager.getSubscription();
  await subscription?.unsubscribe();
  await messenger.setPushSubscription(null);
}
