/**
 * The seam between the Double Ratchet and the sparse post-quantum ratchet (SPQR). The session only
 * ever talks to this interface, so the chain-only milestone (chain-only.ts) can be replaced by the
 * full SPQR (incremental ML-KEM-768, erasure-coded chunks, authenticator) without touching session
 * code: same calls, same serialized-state slot in the session record.
 *
 * Mirrors `spqr::send` / `spqr::recv` (SparsePostQuantumRatchet `src/lib.rs`): each outgoing message
 * carries an SPQR payload (SignalMessage field 5) and each message key is salted with an SPQR key.
 */
import type { Bytes } from '../bytes.js';

/** Which way the session's SPQR chain runs for us: the PQXDH initiator is A. */
export type PqDirection = 'A2B' | 'B2A';

export interface PqChainParams {
  /** Furthest a received SPQR index may jump ahead (libsignal: MAX_FORWARD_JUMPS, or 2^32-1 for self). */
  readonly maxJump: number;
  /** How many skipped SPQR keys are kept for out-of-order messages (libsignal: MAX_MESSAGE_KEYS). */
  readonly maxOutOfOrderKeys: number;
}

export interface PqSend {
  /** Bytes for SignalMessage.pq_ratchet. */
  readonly message: Bytes;
  /** Salt for this message's keys; absent when the ratchet has no key for it. */
  readonly key: Bytes | undefined;
}

export interface PqRatchet {
  /** Advances the sending side; the caller commits the ratchet only if the whole encrypt succeeds. */
  send(): PqSend;
  /** Processes an incoming payload and returns its message key; throws PqRatchetError on bad input. */
  recv(message: Uint8Array): Bytes | undefined;
  /** An independent copy, for trial decryption that must leave the original untouched on failure. */
  clone(): PqRatchet;
  serialize(): Bytes;
}

/** Why an SPQR payload was refused (mapped to InvalidMessage by the session). */
export class PqRatchetError extends Error {
  constructor(reason: string) {
    super(`post-quantum ratchet: ${reason}`);
    this.name = 'PqRatchetError';
  }
}
