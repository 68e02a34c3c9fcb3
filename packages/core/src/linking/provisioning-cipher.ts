import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concatBytes } from '@noble/ciphers/utils.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ParleyError } from '../errors.js';

/**
 * The provisioning cipher (decision 0350): the existing device seals the account to the new
 * device's ephemeral X25519 key from the QR code. Sealing makes a second ephemeral pair, derives
 * the key with HKDF-SHA256 over the X25519 shared secret (salt: both public keys, so the key is
 * bound to this exchange) and encrypts with XChaCha20-Poly1305, whose 192-bit random nonce never
 * repeats in practice. The version byte and both public keys are authenticated data: a flipped
 * bit anywhere, a swapped key or another version fails to open.
 *
 * sealed = version(1) || sender public key(32) || nonce(24) || ciphertext+tag
 */

export const PROVISIONING_VERSION = 1;
const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const HEADER_BYTES = 1 + KEY_BYTES + NONCE_BYTES;
const INFO = new TextEncoder().encode('Parley provisioning v1');

export interface ProvisioningKeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** The new device's ephemeral pair: its public half goes into the QR code. */
export function generateProvisioningKeyPair(): ProvisioningKeyPair {
  const { secretKey, publicKey } = x25519.keygen();
  return { secretKey, publicKey };
}

function deriveKey(shared: Uint8Array, senderPublic: Uint8Array, recipientPublic: Uint8Array) {
  return hkdf(sha256, shared, concatBytes(senderPublic, recipientPublic), INFO, KEY_BYTES);
}

function associatedData(senderPublic: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(PROVISIONING_VERSION), senderPublic, recipientPublic);
}

/** Seals `plaintext` to `recipientPublic` (32 bytes, from the provisioning link). */
export function sealProvisioning(recipientPublic: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (recipientPublic.length !== KEY_BYTES) throw tampered('a provisioning key is 32 bytes');
  const sender = generateProvisioningKeyPair();
  const shared = x25519.getSharedSecret(sender.secretKey, recipientPublic);
  const key = deriveKey(shared, sender.publicKey, recipientPublic);
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const aad = associatedData(sender.publicKey, recipientPublic);
  const ciphertext = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
  return concatBytes(Uint8Array.of(PROVISIONING_VERSION), sender.publicKey, nonce, ciphertext);
}

/** Opens a sealed provisioning message with the new device's ephemeral pair; LINK_TAMPERED if it fails. */
export function openProvisioning(recipient: ProvisioningKeyPair, sealed: Uint8Array): Uint8Array {
  if (sealed.length < HEADER_BYTES + 16 || sealed[0] !== PROVISIONING_VERSION)
    throw tampered('not a provisioning message of this version');
  const senderPublic = sealed.subarray(1, 1 + KEY_BYTES);
  const nonce = sealed.subarray(1 + KEY_BYTES, HEADER_BYTES);
  try {
    const shared = x25519.getSharedSecret(recipient.secretKey, senderPublic);
    const key = deriveKey(shared, senderPublic, recipient.publicKey);
    const aad = associatedData(senderPublic, recipient.publicKey);
    return xchacha20poly1305(key, nonce, aad).decrypt(sealed.subarray(HEADER_BYTES));
  } catch (error) {
    throw tampered('the provisioning message failed authentication', error);
  }
}

function tampered(message: string, cause?: unknown): ParleyError {
  return new ParleyError('LINK_TAMPERED', message, cause === undefined ? undefined : { cause });
}
