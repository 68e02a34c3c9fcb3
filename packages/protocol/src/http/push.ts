import { Type, type Static } from '@sinclair/typebox';
import {
  MAX_PUSH_ENDPOINT_LENGTH,
  PUSH_AUTH_PATTERN,
  PUSH_P256DH_PATTERN,
} from '../relay-limits.js';

/**
 * Web Push (docs/relay-api.md, `/v1/push`): the relay's VAPID public key and this device's push
 * subscription. The body of `PUT /v1/push/subscription` is what `PushSubscription.toJSON()`
 * gives in a browser (expirationTime included), so the page sends it as it is.
 */

/** `GET /v1/push/vapid-public-key`: the application server key (RFC 8292 §3.2), base64url. */
export const VapidPublicKey = Type.Object({ publicKey: Type.String() });
export type VapidPublicKeyJson = Static<typeof VapidPublicKey>;

/** `PUT /v1/push/subscription`: registers or refreshes this device's subscription. */
export const PushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 1, maxLength: MAX_PUSH_ENDPOINT_LENGTH }),
    expirationTime: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    keys: Type.Object(
      {
        p256dh: Type.String({ pattern: PUSH_P256DH_PATTERN.source }),
        auth: Type.String({ pattern: PUSH_AUTH_PATTERN.source }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type PushSubscriptionBodyJson = Static<typeof PushSubscriptionBody>;
