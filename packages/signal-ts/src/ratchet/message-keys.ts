/**
 * Per-message keys (libsignal `ratchet/keys.rs` MessageKeys): HKDF(salt = SPQR message key,
 * ikm = chain seed, "WhisperMessageKeys", 80) -> AES-256 key (32) || HMAC key (32) || CBC IV (16).
 * The SPQR key as salt is what makes every message key depend on the post-quantum ratchet too.
 */
import type { Bytes } from '../bytes.js';
import { hkdfSha256, label } from './kdf.js';

const MESSAGE_KEYS_INFO = label('WhisperMessageKeys');

export interface MessageKeys {
  readonly cipherKey: Bytes;
  readonly macKey: Bytes;
  readonly iv: Bytes;
  readonly counter: number;
}

/** `pqKey` absent means "no SPQR key for this message" (HKDF's default all-zero salt). */
export function deriveMessageKeys(
  seed: Uint8Array,
  pqKey: Uint8Array | undefined,
  counter: number,
): MessageKeys {
  const okm = hkdfSha256(seed, pqKey, MESSAGE_KEYS_INFO, 80);
  return {
    cipherKey: okm.slice(0, 32),
    macKey: okm.slice(32, 64),
    iv: okm.slice(64, 80),
    counter,
  };
}
