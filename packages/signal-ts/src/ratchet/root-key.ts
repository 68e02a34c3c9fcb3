/**
 * The Diffie-Hellman ratchet's root chain (Double Ratchet §3.5 KDF_RK; libsignal `ratchet/keys.rs`
 * RootKey::create_chain): HKDF(salt = root key, ikm = DH output, "WhisperRatchet") -> new root key
 * (32) || new chain key (32).
 */
import type { Bytes } from '../bytes.js';
import { ChainKey } from './chain-key.js';
import { hkdfSha256, label } from './kdf.js';

const ROOT_INFO = label('WhisperRatchet');

export class RootKey {
  constructor(readonly key: Bytes) {}

  /** One DH-ratchet half step: mixes `dhOutput` into the root and opens a chain at index 0. */
  createChain(dhOutput: Uint8Array): [RootKey, ChainKey] {
    const okm = hkdfSha256(dhOutput, this.key, ROOT_INFO, 64);
    return [new RootKey(okm.slice(0, 32)), new ChainKey(okm.slice(32, 64), 0)];
  }
}
