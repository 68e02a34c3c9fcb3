import { Type, type Static } from '@sinclair/typebox';
import {
  EC_PUBLIC_KEY_BYTES,
  MAX_DEVICE_ID,
  MAX_SEALED_DEVICE_NAME_BYTES,
  MAX_KEY_ID,
  MAX_KYBER_PUBLIC_KEY_BYTES,
  MAX_PREKEYS_PER_UPLOAD,
  MAX_REGISTRATION_ID,
  SIGNATURE_BYTES,
} from '../relay-limits.js';

/**
 * The key objects of the HTTP API (docs/relay-api.md, "Encodings in HTTP bodies"): JSON schemas the
 * relay validates bodies against, and the TypeScript types clients build them with. Binary values
 * are standard padded base64; a schema bounds the text, the relay checks the decoded size.
 */

/** Standard padded base64 of at most `maxBytes` bytes. */
export const Base64 = (maxBytes: number) =>
  Type.String({
    pattern: '^[A-Za-z0-9+/]*={0,2}$',
    minLength: 4,
    maxLength: Math.ceil(maxBytes / 3) * 4,
  });

export const AccountId = Type.String({ format: 'uuid' });
export const DeviceId = Type.Integer({ minimum: 1, maximum: MAX_DEVICE_ID });
/**
 * A device id in a URL path: decimal digits without a leading zero (never "01", "1e0" or "0x1").
 * The relay validates with coercion off, so paths are checked as text and read as numbers after.
 */
export const DeviceIdParam = Type.String({ pattern: '^[1-9][0-9]{0,9}$' });
export const KeyId = Type.Integer({ minimum: 0, maximum: MAX_KEY_ID });

export const PreKey = Type.Object(
  { keyId: KeyId, publicKey: Base64(EC_PUBLIC_KEY_BYTES) },
  { additionalProperties: false },
);
export type PreKeyJson = Static<typeof PreKey>;

export const SignedPreKey = Type.Object(
  { keyId: KeyId, publicKey: Base64(EC_PUBLIC_KEY_BYTES), signature: Base64(SIGNATURE_BYTES) },
  { additionalProperties: false },
);
export type SignedPreKeyJson = Static<typeof SignedPreKey>;

export const KyberPreKey = Type.Object(
  {
    keyId: KeyId,
    publicKey: Base64(MAX_KYBER_PUBLIC_KEY_BYTES),
    signature: Base64(SIGNATURE_BYTES),
  },
  { additionalProperties: false },
);
/** Same shape as a signed prekey; only the key's size differs. */
export type KyberPreKeyJson = Static<typeof KyberPreKey>;

const OneTimePreKeys = Type.Array(PreKey, { maxItems: MAX_PREKEYS_PER_UPLOAD });
const KyberOneTimePreKeys = Type.Array(KyberPreKey, { maxItems: MAX_PREKEYS_PER_UPLOAD });

/** What a device publishes when it registers or is linked. */
export const DeviceKeys = Type.Object(
  {
    registrationId: Type.Integer({ minimum: 1, maximum: MAX_REGISTRATION_ID }),
    /** The sealed device name (base64); the relay stores it without reading it. */
    name: Type.Optional(Base64(MAX_SEALED_DEVICE_NAME_BYTES)),
    signedPreKey: SignedPreKey,
    lastResortKyberPreKey: KyberPreKey,
    oneTimePreKeys: Type.Optional(OneTimePreKeys),
    kyberOneTimePreKeys: Type.Optional(KyberOneTimePreKeys),
  },
  { additionalProperties: false },
);
export type DeviceKeysJson = Static<typeof DeviceKeys>;

/** `PUT /v1/keys`: any non-empty subset of the device's keys. */
export const PreKeyUpload = Type.Object(
  {
    signedPreKey: Type.Optional(SignedPreKey),
    lastResortKyberPreKey: Type.Optional(KyberPreKey),
    oneTimePreKeys: Type.Optional(OneTimePreKeys),
    kyberOneTimePreKeys: Type.Optional(KyberOneTimePreKeys),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PreKeyUploadJson = Static<typeof PreKeyUpload>;

/** One device's bundle in `GET /v1/keys/:accountId[/:deviceId]`. */
export const DeviceBundle = Type.Object({
  deviceId: DeviceId,
  registrationId: Type.Integer(),
  signedPreKey: SignedPreKey,
  preKey: Type.Optional(PreKey),
  kyberPreKey: KyberPreKey,
});
export type DeviceBundleJson = Static<typeof DeviceBundle>;

export const PreKeyResponse = Type.Object({
  accountId: AccountId,
  identityKey: Base64(EC_PUBLIC_KEY_BYTES),
  devices: Type.Array(DeviceBundle),
});
export type PreKeyResponseJson = Static<typeof PreKeyResponse>;

/** `GET /v1/keys`: one-time prekeys left for the calling device. */
export const PreKeyCounts = Type.Object({
  oneTimePreKeys: Type.Integer(),
  kyberOneTimePreKeys: Type.Integer(),
});
export type PreKeyCountsJson = Static<typeof PreKeyCounts>;

export const KeysParams = Type.Object({ accountId: AccountId });
export const DeviceKeysParams = Type.Object({ accountId: AccountId, deviceId: DeviceIdParam });
