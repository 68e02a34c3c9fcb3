import { ErrorCode } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { DeviceKeys, PreKey, PreKeyBundle, SignedPreKey } from '../store/records.js';
import { KYBER_KEY_MAX_BYTES } from './schemas.js';

/** Converts the JSON key objects of docs/relay-api.md to and from store records. */

interface PreKeyJson {
  keyId: number;
  publicKey: string;
}
interface SignedPreKeyJson extends PreKeyJson {
  signature: string;
}
export interface DeviceKeysJson {
  registrationId: number;
  name?: string;
  signedPreKey: SignedPreKeyJson;
  lastResortKyberPreKey: SignedPreKeyJson;
  oneTimePreKeys?: PreKeyJson[];
  kyberOneTimePreKeys?: SignedPreKeyJson[];
}

const EC_KEY_BYTES = 33;
const SIGNATURE_BYTES = 64;

/** Decodes base64 and checks the decoded size; the schema already checked the alphabet. */
export function decodeBytes(value: string, field: string, min: number, max = min): Uint8Array {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < min || bytes.length > max || bytes.toString('base64') !== value) {
    const size = min === max ? `${min}` : `${min} to ${max}`;
    throw new RelayError(ErrorCode.MALFORMED, `${field} must be ${size} bytes in padded base64`);
  }
  return bytes;
}

export function decodeIdentityKey(value: string): Uint8Array {
  return decodeBytes(value, 'identityKey', EC_KEY_BYTES);
}

export function decodePreKey(json: PreKeyJson): PreKey {
  return { keyId: json.keyId, publicKey: decodeBytes(json.publicKey, 'publicKey', EC_KEY_BYTES) };
}

export function decodeSignedPreKey(json: SignedPreKeyJson): SignedPreKey {
  return {
    ...decodePreKey(json),
    signature: decodeBytes(json.signature, 'signature', SIGNATURE_BYTES),
  };
}

export function decodeKyberPreKey(json: SignedPreKeyJson): SignedPreKey {
  return {
    keyId: json.keyId,
    publicKey: decodeBytes(json.publicKey, 'Kyber publicKey', 1, KYBER_KEY_MAX_BYTES),
    signature: decodeBytes(json.signature, 'signature', SIGNATURE_BYTES),
  };
}

export function decodeDeviceKeys(json: DeviceKeysJson): DeviceKeys {
  return {
    registrationId: json.registrationId,
    name: json.name ?? null,
    signedPreKey: decodeSignedPreKey(json.signedPreKey),
    lastResortKyberPreKey: decodeKyberPreKey(json.lastResortKyberPreKey),
    oneTimePreKeys: (json.oneTimePreKeys ?? []).map(decodePreKey),
    kyberOneTimePreKeys: (json.kyberOneTimePreKeys ?? []).map(decodeKyberPreKey),
  };
}

const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function encodeKey(key: PreKey | SignedPreKey) {
  return {
    keyId: key.keyId,
    publicKey: b64(key.publicKey),
    ...('signature' in key && { signature: b64(key.signature) }),
  };
}

export function encodeBundle(bundle: PreKeyBundle) {
  return {
    deviceId: bundle.deviceId,
    registrationId: bundle.registrationId,
    signedPreKey: encodeKey(bundle.signedPreKey),
    ...(bundle.preKey && { preKey: encodeKey(bundle.preKey) }),
    kyberPreKey: encodeKey(bundle.kyberPreKey),
  };
}

export function encodeBase64(bytes: Uint8Array): string {
  return b64(bytes);
}
