/**
 * A symmetric-key ratchet chain (Double Ratchet §2.2; libsignal `ratchet/keys.rs` ChainKey).
 * Each step yields a message-key seed, HMAC(ck, 0x01), and the next chain key, HMAC(ck, 0x02).
 */
import type { Bytes } from '../bytes.js';
import { hmacSha256 } from './kdf.js';

const MESSAGE_KEY_SEED = Uint8Array.of(0x01);
const CHAIN_KEY_SEED = Uint8Array.of(0x02);

export class ChainKey {
  /** `index` is the counter of the message whose seed this chain key yields next. */
  constructor(
    readonly key: Bytes,
    readonly index: number,
  ) {}

  next(): ChainKey {
    return new ChainKey(hmacSha256(this.key, CHAIN_KEY_SEED), this.index + 1);
  }

  /** Seed of the message keys for message number `index` (mixed with SPQR in message-keys.ts). */
  messageKeySeed(): Bytes {
    return hmacSha256(this.key, MESSAGE_KEY_SEED);
  }
}
