/**
 * The post-quantum ratchet used by 1:1 sessions. Session code imports only from here; swapping the
 * chain-only milestone for the full SPQR means changing the two factories below.
 */
import { ChainOnlyPqRatchet } from './chain-only.js';
import type { PqChainParams, PqDirection, PqRatchet } from './pq-ratchet.js';

export type { PqChainParams, PqDirection, PqRatchet, PqSend } from './pq-ratchet.js';
export { PqRatchetError } from './pq-ratchet.js';

/** The SPQR state at session start, from the PQXDH-derived SPQR auth key. */
export function initialPqRatchet(
  authKey: Uint8Array,
  direction: PqDirection,
  params: PqChainParams,
): PqRatchet {
  return ChainOnlyPqRatchet.initial(authKey, direction, params);
}

/** Restores a state written by PqRatchet.serialize (throws ProtobufDecodeError if corrupt). */
export function deserializePqRatchet(bytes: Uint8Array): PqRatchet {
  return ChainOnlyPqRatchet.deserialize(bytes);
}
