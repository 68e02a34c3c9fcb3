/**
 * One session with one peer device (libsignal `state/session.rs` SessionState): identities, the
 * Double Ratchet state, the SPQR state, and — while the peer has not answered a session we built
 * from their bundle — what is needed to keep wrapping messages as PreKey messages.
 */
import type { Bytes } from '../bytes.js';
import { MAX_UNACKNOWLEDGED_SESSION_AGE_MS } from '../consts.js';
import { cloneRatchetState, type RatchetState } from '../ratchet/double-ratchet.js';
import type { PqRatchet } from '../spqr/index.js';

/** What a PreKey message repeats until the peer replies (libsignal PendingPreKey + Kyber). */
export interface PendingPreKey {
  readonly preKeyId: number | null;
  readonly signedPreKeyId: number;
  /** Our PQXDH base key (33 bytes). */
  readonly baseKey: Bytes;
  /** Milliseconds since the epoch when the session was built. */
  readonly timestamp: number;
  readonly kyberPreKeyId: number;
  /** Serialized KEM ciphertext (type byte included). */
  readonly kyberCiphertext: Bytes;
}

export interface SessionStateFields {
  readonly version: number;
  /** Serialized identity public keys (33 bytes each). */
  readonly localIdentityKey: Bytes;
  readonly remoteIdentityKey: Bytes;
  /** The initiator's base key: identifies the PQXDH run that created this session. */
  readonly aliceBaseKey: Bytes;
  localRegistrationId: number;
  remoteRegistrationId: number;
  ratchet: RatchetState;
  pq: PqRatchet;
  pendingPreKey: PendingPreKey | undefined;
}

export class SessionState {
  constructor(readonly fields: SessionStateFields) {}

  clone(): SessionState {
    return new SessionState({
      ...this.fields,
      ratchet: cloneRatchetState(this.fields.ratchet),
      pq: this.fields.pq.clone(),
    });
  }

  /** Usable for sending: always true once built, unless a PreKey session went unanswered too long. */
  isUsableForSending(now: Date): boolean {
    const pending = this.fields.pendingPreKey;
    return (
      pending === undefined ||
      pending.timestamp + MAX_UNACKNOWLEDGED_SESSION_AGE_MS >= now.getTime()
    );
  }

  /** Once the peer has answered, messages go out as plain SignalMessages. */
  acknowledge(): void {
    this.fields.pendingPreKey = undefined;
  }
}
