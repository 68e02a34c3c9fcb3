import {
  EC_PUBLIC_KEY_BYTES,
  ErrorCode,
  MAX_DEVICE_ID,
  MAX_KYBER_PUBLIC_KEY_BYTES,
  MAX_SEALED_DEVICE_NAME_BYTES,
  SIGNATURE_BYTES,
  type DeviceBundleJson,
  type DeviceKeysJson,
  type KyberPreKeyJson,
  type PreKeyJson,
  type SignedPreKeyJson,
} from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { DeviceKeys, PreKey, PreKeyBundle, SignedPreKey } from '../store/records.js';

/**
 * Converts the JSON key objects of docs/relay-api.md (shapes and schemas in @parley/protocol/http)
 * to and from store records.
 */

/** Decodes base64 and checks the decoded size; the schema already checked the alphabet. */
export function decodeBytes(value: string, field: string, min: number, max = min): Uint8Array {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < min || bytes.length > max || bytes.toString('base64') !== value) {
    const size = min === max ? `${min}` : `${min} to ${max}`;
    throw new RelayError(ErrorCode.MALFORMED, `${field} must be ${size} bytes in padded base64`);
  }
  return bytes;
}

/** A sealed device name stays base64 text in the store; only its encoding and size are checked. */
export function decodeSealedName(value: string): string {
  decodeBytes(value, 'name', 1, MAX_SEALED_DEVICE_NAME_BYTES);
  return value;
}

export function decodeIdentityKey(value: string): Uint8Array {
  return decodeBytes(value, 'identityKey', EC_PUBLIC_KEY_BYTES);
}

export function decodePreKey(json: PreKeyJson): PreKey {
  return {
    keyId: json.keyId,
    publicKey: decodeBytes(json.publicKey, 'publicKey', EC_PUBLIC_KEY_BYTES),
  };
}

export function decodeSignedPreKey(json: SignedPreKeyJson): SignedPreKey {
  return {
    ...decodePreKey(json),
    signature: decodeBytes(json.signature, 'signature', SIGNATURE_BYTES),
  };
}

export function decodeKyberPreKey(json: KyberPreKeyJson): SignedPreKey {
  return {
    keyId: json.keyId,
    publicKey: decodeBytes(json.publicKey, 'Kyber publicKey', 1, MAX_KYBER_PUBLIC_KEY_BYTES),
    signature: decodeBytes(json.signature, 'signature', SIGNATURE_BYTES),
  };
}

export function decodeDeviceKeys(json: DeviceKeysJson): DeviceKeys {
  return {
    registrationId: json.registrationId,
    name: json.name === undefined ? null : decodeSealedName(json.name),
    signedPreKey: decodeSignedPreKey(json.signedPreKey),
    lastResortKyberPreKey: decodeKyberPreKey(json.lastResortKyberPreKey),
    oneTimePreKeys: (json.oneTimePreKeys ?? []).map(decodePreKey),
    kyberOneTimePreKeys: (json.kyberOneTimePreKeys ?? []).map(decodeKyberPreKey),
  };
}

const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

const encodePreKey = (key: PreKey): PreKeyJson => ({
  keyId: key.keyId,
  publicKey: b64(key.publicKey),
});

const encodeSignedKey = (key: SignedPreKey): SignedPreKeyJson => ({
  ...encodePreKey(key),
  signature: b64(key.signature),
});

export function encodeBundle(bundle: PreKeyBundle): DeviceBundleJson {
  return {
    deviceId: bundle.deviceId,
    registrationId: bundle.registrationId,
    signedPreKey: encodeSignedKey(bundle.signedPreKey),
    ...(bundle.preKey && { preKey: encodePreKey(bundle.preKey) }),
    kyberPreKey: encodeSignedKey(bundle.kyberPreKey),
  };
}

export function encodeBase64(bytes: Uint8Array): string {
  return b64(bytes);
}

/** A device id from a path the schema already checked as decimal text; past the range: 404. */
export function deviceIdParam(text: string): number {
  const deviceId = Number(text);
  if (deviceId > MAX_DEVICE_ID) throw new RelayError(ErrorCode.NOT_FOUND, 'no such device');
  return deviceId;
}
