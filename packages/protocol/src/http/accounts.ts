import { Type, type Static } from '@sinclair/typebox';
import { EC_PUBLIC_KEY_BYTES } from '../relay-limits.js';
import { USERNAME_PATTERN } from '../username.js';
import { AccountId, Base64, DeviceId, DeviceKeys } from './keys.js';

/** Registration and username lookup (docs/relay-api.md, `/v1/accounts`). */

export const Username = Type.String({ pattern: USERNAME_PATTERN.source });

/** `POST /v1/accounts`. */
export const RegisterBody = Type.Object(
  { username: Username, identityKey: Base64(EC_PUBLIC_KEY_BYTES), device: DeviceKeys },
  { additionalProperties: false },
);
export type RegisterBodyJson = Static<typeof RegisterBody>;

/** What registering or linking a device answers: the device's HTTP Basic credentials. */
export const DeviceCredentials = Type.Object({
  accountId: AccountId,
  deviceId: DeviceId,
  secret: Type.String(),
});
export type DeviceCredentialsJson = Static<typeof DeviceCredentials>;

export const UsernameParams = Type.Object({ username: Username });

/** `GET /v1/accounts/username/:username`. */
export const UsernameLookup = Type.Object({ accountId: AccountId, username: Username });
export type UsernameLookupJson = Static<typeof UsernameLookup>;
