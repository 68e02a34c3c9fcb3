import type { PushSubscriptionBodyJson } from '@parley/protocol';
import type { RelayHttp } from '../transport/relay-http.js';

/** What `PushSubscription.toJSON()` gives in a browser: the relay stores it per device. */
export type WebPushSubscription = PushSubscriptionBodyJson;

/**
 * This device's Web Push registration on the relay (RFC 8030/8292). The relay learns an
 * endpoint and its encryption keys, and sends to it only a random wake-up id; the service
 * worker then fetches and decrypts the envelopes itself.
 */
export class WebPush {
  constructor(private readonly http: RelayHttp) {}

  /** The relay's VAPID public key: the `applicationServerKey` of PushManager.subscribe. */
  publicKey(): Promise<string> {
    return this.http.vapidPublicKey();
  }

  /** Registers or refreshes the subscription; null removes it (notifications off, sign-out). */
  async setSubscription(subscription: WebPushSubscription | null): Promise<void> {
    if (subscription === null) await this.http.deletePushSubscription();
    else
      await this.http.putPushSubscription({
        endpoint: subscription.endpoint,
        keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
        ...(subscription.expirationTime !== undefined && {
          expirationTime: subscription.expirationTime,
        }),
      });
  }
}
