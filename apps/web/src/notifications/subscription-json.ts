import type { WebPushSubscription } from '@parley/core';

/** PushSubscription.toJSON() in the relay's shape (its keys are always present for Web Push). */
export function toWebPushSubscription(subscription: PushSubscription): WebPushSubscription {
  const json = subscription.toJSON();
  return {
    endpoint: subscription.endpoint,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
  };
}
