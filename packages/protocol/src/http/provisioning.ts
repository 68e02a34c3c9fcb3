import { Type, type Static } from '@sinclair/typebox';
import { MAX_PROVISIONING_MESSAGE_CHARS, PROVISIONING_ADDRESS_PATTERN } from '../relay-limits.js';

/**
 * Provisioning (docs/relay-api.md, `/v1/provisioning`): a new device holds an anonymous socket at
 * PROVISIONING_PATH; the relay sends it one `ProvisioningAddress` text frame, then at most one
 * `ProvisioningDelivery` (what an existing device of the account PUT to that address), then closes.
 * The message is sealed end to end to the new device's ephemeral key: the relay only forwards it.
 */

/** First text frame on a provisioning socket. */
export const ProvisioningAddress = Type.Object({
  type: Type.Literal('address'),
  address: Type.String({ pattern: PROVISIONING_ADDRESS_PATTERN.source }),
  expiresAt: Type.Integer(),
});
export type ProvisioningAddressJson = Static<typeof ProvisioningAddress>;

/** Second (and last) text frame: the sealed provisioning message, base64. */
export const ProvisioningDelivery = Type.Object({
  type: Type.Literal('message'),
  message: Type.String({ maxLength: MAX_PROVISIONING_MESSAGE_CHARS }),
});
export type ProvisioningDeliveryJson = Static<typeof ProvisioningDelivery>;

export const ProvisioningParams = Type.Object({
  address: Type.String({ pattern: PROVISIONING_ADDRESS_PATTERN.source }),
});

/** `PUT /v1/provisioning/:address` (authenticated device): hands the sealed message over, once. */
export const ProvisioningBody = Type.Object(
  {
    message: Type.String({
      minLength: 1,
      maxLength: MAX_PROVISIONING_MESSAGE_CHARS,
      pattern: '^[A-Za-z0-9+/]+={0,2}$',
    }),
  },
  { additionalProperties: false },
);
export type ProvisioningBodyJson = Static<typeof ProvisioningBody>;
