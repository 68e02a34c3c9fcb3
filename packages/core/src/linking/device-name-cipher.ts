import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concatBytes } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MAX_DEVICE_NAME_LENGTH } from '@parley/protocol';
import type { Bytes, IdentityKeyPair, PublicKey, SignalEngine } from '../crypto/engine.js';
import { ParleyError } from '../errors.js';

/**
 * Device names sealed to the account's identity key (docs/decisions/0351), as Signal encrypts
 * device names: only the account's own devices, which all hold the identity key pair, can read
 * them; the relay stores an opaque blob. Sealing makes an ephemeral Curve25519 pair, derives the
 * key with HKDF-SHA256 over the X25519 agreement with the identity key (salt: both public keys)
 * and encrypts with XChaCha20-Poly1305 (random 192-bit nonce). The associated data binds the blob
 * to its version, account and device, so the relay cannot move a name onto another device.
 *
 * sealed = version(1) || ephemeral public key(33, libsignal's 0x05 || u) || nonce(24) || ciphertext+tag
 */

export const DEVICE_NAME_VERSION = 1;
const PUBLIC_KEY_BYTES = 33;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + PUBLIC_KEY_BYTES + NONCE_BYTES;
/** The smallest sealed name: longer than any plaintext name, which is how old ones are told apart. */
export const MIN_SEALED_NAME_BYTES = HEADER_BYTES + TAG_BYTES;
const KEY_BYTES = 32;
const INFO = new TextEncoder().encode('Parley device name v1');

/** What a device's sealed record says: the name people see and what the device is. */
export interface DeviceNameRecord {
  /** The name shown in Settings; any device of the account may change it. */
  name: string;
  /** What the device is, set by the device itself: "Chromium on Linux", "Desktop app on macOS". */
  platform: string | null;
}

/** Where a sealed name belongs: it opens only for this account's device `deviceId`. */
export interface DeviceNameBinding {
  accountId: string;
  deviceId: number;
}

export function sealDeviceName(
  engine: SignalEngine,
  identityPublic: PublicKey,
  binding: DeviceNameBinding,
  record: DeviceNameRecord,
): Uint8Array {
  const ephemeral = engine.PrivateKey.generate();
  const ephemeralPublic = ephemeral.getPublicKey().serialize();
  const key = deriveKey(ephemeral.agree(identityPublic), ephemeralPublic, identityPublic);
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const plaintext = new TextEncoder().encode(
    JSON.stringify({ v: DEVICE_NAME_VERSION, name: record.name, platform: record.platform }),
  );
  const ciphertext = xchacha20poly1305(key, nonce, associatedData(binding)).encrypt(plaintext);
  return concatBytes(Uint8Array.of(DEVICE_NAME_VERSION), ephemeralPublic, nonce, ciphertext);
}

/** Opens a sealed name with the identity key pair; DEVICE_NAME_TAMPERED if it fails. */
export function openDeviceName(
  engine: SignalEngine,
  identity: IdentityKeyPair,
  binding: DeviceNameBinding,
  sealed: Uint8Array,
): DeviceNameRecord {
  if (sealed.length < MIN_SEALED_NAME_BYTES || sealed[0] !== DEVICE_NAME_VERSION)
    throw tampered('not a sealed device name of this version');
  const ephemeralPublic = sealed.slice(1, 1 + PUBLIC_KEY_BYTES) as Bytes;
  const nonce = sealed.subarray(1 + PUBLIC_KEY_BYTES, HEADER_BYTES);
  let plaintext: Uint8Array;
  try {
    const shared = identity.privateKey.agree(engine.PublicKey.deserialize(ephemeralPublic));
    const key = deriveKey(shared, ephemeralPublic, identity.publicKey);
    plaintext = xchacha20poly1305(key, nonce, associatedData(binding)).decrypt(
      sealed.subarray(HEADER_BYTES),
    );
  } catch (error) {
    throw tampered('the sealed device name failed authentication', error);
  }
  return decodeRecord(plaintext);
}

/** A name as a person typed it: trimmed, not empty, at most MAX_DEVICE_NAME_LENGTH characters. */
export function validDeviceName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || [...trimmed].length > MAX_DEVICE_NAME_LENGTH)
    throw new ParleyError(
      'INVALID_DEVICE_NAME',
      `a device name has 1 to ${MAX_DEVICE_NAME_LENGTH} characters`,
    );
  return trimmed;
}

function decodeRecord(plaintext: Uint8Array): DeviceNameRecord {
  let wire: unknown;
  try {
    wire = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch (error) {
    throw tampered('a sealed device name holds no record', error);
  }
  const { v, name, platform } = (wire ?? {}) as Record<string, unknown>;
  const platformOk = platform === null || (typeof platform === 'string' && isShort(platform));
  if (v !== DEVICE_NAME_VERSION || typeof name !== 'string' || !isShort(name) || !platformOk)
    throw tampered('a sealed device name holds a malformed record');
  return { name, platform: platform as string | null };
}

const isShort = (text: string) => text.length > 0 && [...text].length <= MAX_DEVICE_NAME_LENGTH;

function deriveKey(shared: Uint8Array, ephemeralPublic: Uint8Array, identityPublic: PublicKey) {
  return hkdf(
    sha256,
    shared,
    concatBytes(ephemeralPublic, identityPublic.serialize()),
    INFO,
    KEY_BYTES,
  );
}

function associatedData(binding: DeviceNameBinding): Uint8Array {
  const deviceId = new Uint8Array(4);
  new DataView(deviceId.buffer).setUint32(0, binding.deviceId);
  return concatBytes(
    Uint8Array.of(DEVICE_NAME_VERSION),
    deviceId,
    new TextEncoder().encode(binding.accountId),
  );
}

function tampered(message: string, cause?: unknown): ParleyError {
  return new ParleyError(
    'DEVICE_NAME_TAMPERED',
    message,
    cause === undefined ? undefined : { cause },
  );
}
