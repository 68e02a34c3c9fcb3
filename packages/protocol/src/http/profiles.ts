import { Type, type Static } from '@sinclair/typebox';
import { MAX_PROFILE_CIPHERTEXT_BYTES } from '../relay-limits.js';
import { AccountId, Base64 } from './keys.js';

/**
 * Encrypted profiles (docs/relay-api.md, `/v1/profile`; docs/decisions/0345-profiles.md). The
 * relay stores one opaque ciphertext per account and never holds the key that opens it: the
 * owner's devices share it with contacts inside end-to-end encrypted Content.
 */

/**
 * `PUT /v1/profile` (the caller's account) and the answer of `GET /v1/profile/:accountId`.
 * `version` must grow with every write: a write whose version is not above the stored one is
 * refused (CONFLICT), so two devices of one account never overwrite a newer profile with an
 * older one.
 */
export const ProfileBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    ciphertext: Base64(MAX_PROFILE_CIPHERTEXT_BYTES),
  },
  { additionalProperties: false },
);
export type ProfileBodyJson = Static<typeof ProfileBody>;

export const ProfileParams = Type.Object({ accountId: AccountId });
