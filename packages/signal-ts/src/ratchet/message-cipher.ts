/**
 * The message body cipher: AES-256-CBC with PKCS#7 padding (libsignal `signal-crypto` aes_256_cbc).
 * Authenticity comes from the SignalMessage MAC, checked before decryption is attempted.
 */
import { cbc } from '@noble/ciphers/aes.js';
import type { Bytes } from '../bytes.js';

export function encryptBody(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array): Bytes {
  return cbc(key, iv).encrypt(plaintext) as Bytes;
}

/** Throws on bad padding or a length that is not a whole number of blocks. */
export function decryptBody(ciphertext: Uint8Array, key: Uint8Array, iv: Uint8Array): Bytes {
  return cbc(key, iv).decrypt(ciphertext) as Bytes;
}
