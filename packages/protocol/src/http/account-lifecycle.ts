import { Type, type Static } from '@sinclair/typebox';
import { Username } from './accounts.js';

/**
 * Ending an account (docs/relay-api.md, "Deleting an account"). Signing one device out is
 * `DELETE /v1/devices/:deviceId` with the caller's own device id (devices.ts).
 */

/**
 * `DELETE /v1/accounts/me`: the body repeats the account's username, as the person typed it to
 * confirm; a body naming another account is refused (FORBIDDEN), so a stale or mixed-up client
 * cannot delete what its user did not mean to.
 */
export const DeleteAccountBody = Type.Object(
  { username: Username },
  { additionalProperties: false },
);
export type DeleteAccountBodyJson = Static<typeof DeleteAccountBody>;
