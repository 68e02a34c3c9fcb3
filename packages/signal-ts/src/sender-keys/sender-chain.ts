/**
 * The sender-key symmetric chain (libsignal sender_keys.rs): each step's message key comes from
 * HMAC-SHA256(chainKey, 0x01), the next chain key from HMAC-SHA256(chainKey, 0x02); a message key
 * seed expands by HKDF-SHA256 (no salt, info "WhisperGroup") to IV (16) || AES-256 key (32).
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Bytes } from '../bytes.js';

const MESSAGE_KEY_SEED = Uint8Array.of(0x01);
const CHAIN_KEY_SEED = Uint8Array.of(0x02);
const MESSAGE_KEY_INFO = new TextEncoder().encode('WhisperGroup');
const IV_LENGTH = 16;
const CIPHER_KEY_LENGTH = 32;

/** One link of the chain: its iteration and 32-byte chain key. */
export interface SenderChainKey {
  readonly iteration: number;
  readonly seed: Bytes;
}

/** A stored message key: the seed it expands from, at its iteration. */
export interface SenderMessageKeySeed {
  readonly iteration: number;
  readonly seed: Bytes;
}

export interface SenderMessageKey {
  readonly iteration: number;
  readonly iv: Bytes;
  readonly cipherKey: Bytes;
}

export function nextChainKey(chainKey: SenderChainKey): SenderChainKey {
  return {
    iteration: chainKey.iteration + 1,
    seed: new Uint8Array(hmac(sha256, chainKey.seed, CHAIN_KEY_SEED)),
  };
}

export function messageKeySeed(chainKey: SenderChainKey): SenderMessageKeySeed {
  return {
    iteration: chainKey.iteration,
    seed: new Uint8Array(hmac(sha256, chainKey.seed, MESSAGE_KEY_SEED)),
  };
}

export function expandMessageKey(key: SenderMessageKeySeed): SenderMessageKey {
  const derived = hkdf(
    sha256,
    key.seed,
    undefined,
    MESSAGE_KEY_INFO,
    IV_LENGTH + CIPHER_KEY_LENGTH,
  );
  return {
    iteration: key.iteration,
    iv: new Uint8Array(derived.subarray(0, IV_LENGTH)),
    cipherKey: new Uint8Array(derived.subarray(IV_LENGTH)),
  };
}
