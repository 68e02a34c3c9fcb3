/**
 * SessionRecord: everything we hold for one peer device (libsignal `state/session.rs`
 * SessionRecord, SessionRecord in index.d.ts): the current session and up to 40 archived ones,
 * newest first. Archived states stay serialized until a trial decryption needs one, which keeps a
 * record with many old sessions cheap to load and save.
 *
 * Stored layout (protobuf): 1 current state, 2 archived state (repeated, newest first).
 */
import { constantTimeEqual, type Bytes } from '../bytes.js';
import { ARCHIVED_STATES_MAX_LENGTH } from '../consts.js';
import type { PublicKey } from '../curve/keys.js';
import { LibSignalErrorBase, protocolError } from '../error.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { ProtoFields } from '../protobuf/reader.js';
import { decodeSessionState, encodeSessionState } from './session-state-codec.js';
import type { SessionState } from './session-state.js';

export class SessionRecord {
  private constructor(
    private current: SessionState | undefined,
    private previous: Bytes[],
  ) {}

  /** Internal: a record with no session (libsignal `new_fresh`). */
  static _newFresh(): SessionRecord {
    return new SessionRecord(undefined, []);
  }

  static deserialize(buffer: Uint8Array): SessionRecord {
    try {
      const p = ProtoFields.parse(buffer, 'SessionRecord_Deserialize');
      const current = p.bytes(1);
      return new SessionRecord(
        current === undefined ? undefined : decodeSessionState(current),
        p.repeatedBytes(2).slice(0, ARCHIVED_STATES_MAX_LENGTH),
      );
    } catch (error) {
      // Native reports any undecodable record as InvalidSessionStructure.
      if (error instanceof LibSignalErrorBase) {
        throw protocolError(
          'InvalidSessionStructure',
          'SessionRecord_Deserialize',
          'invalid session record',
        );
      }
      throw error;
    }
  }

  serialize(): Bytes {
    const writer = new ProtoWriter();
    if (this.current !== undefined) writer.bytes(1, encodeSessionState(this.current));
    for (const state of this.previous) writer.bytes(2, state);
    return writer.finish();
  }

  /** Moves the current session to the archive (a no-op without one), as on a session reset. */
  archiveCurrentState(): void {
    if (this.current === undefined) return;
    const archived = this.current;
    this.current = undefined;
    // An archived session never wraps PreKey messages again.
    archived.acknowledge();
    this.previous.unshift(encodeSessionState(archived));
    if (this.previous.length > ARCHIVED_STATES_MAX_LENGTH)
      this.previous.length = ARCHIVED_STATES_MAX_LENGTH;
  }

  localRegistrationId(): number {
    return this.requireCurrent('SessionRecord_GetLocalRegistrationId').fields.localRegistrationId;
  }

  remoteRegistrationId(): number {
    return this.requireCurrent('SessionRecord_GetRemoteRegistrationId').fields.remoteRegistrationId;
  }

  /** Whether the current session can be used to send (false without one, or when it is stale). */
  hasCurrentState(now: Date = new Date()): boolean {
    return this.current?.isUsableForSending(now) ?? false;
  }

  currentRatchetKeyMatches(key: PublicKey): boolean {
    const current = this.current;
    if (current === undefined) return false;
    return constantTimeEqual(current.fields.ratchet.senderChain.ratchetPublic, key.serialize());
  }

  // ---- internal (session builder and cipher) ----

  _current(): SessionState | undefined {
    return this.current;
  }

  _setCurrent(state: SessionState): void {
    this.current = state;
  }

  /** Makes `state` current, archiving the one it replaces. */
  _promoteState(state: SessionState): void {
    this.archiveCurrentState();
    this.current = state;
  }

  _previousCount(): number {
    return this.previous.length;
  }

  /** Archived state `index` (newest is 0), decoded afresh: callers may mutate it freely. */
  _previousState(index: number): SessionState {
    const bytes = this.previous[index];
    if (bytes === undefined) throw new RangeError('no such archived session');
    return decodeSessionState(bytes);
  }

  /** Replaces archived state `index` by `state` as the current session (trial-decryption success). */
  _promoteArchived(index: number, state: SessionState): void {
    this.previous.splice(index, 1);
    this._promoteState(state);
  }

  /**
   * Makes current the session created by the PreKey message with `baseKey`, if we already have it
   * (a repeated PreKey message). Returns whether one was found.
   */
  _promoteMatchingSession(version: number, baseKey: Uint8Array): boolean {
    const current = this.current;
    if (
      current?.fields.version === version &&
      constantTimeEqual(current.fields.aliceBaseKey, baseKey)
    ) {
      return true;
    }
    for (let index = 0; index < this.previous.length; index++) {
      const state = this._previousState(index);
      if (
        state.fields.version === version &&
        constantTimeEqual(state.fields.aliceBaseKey, baseKey)
      ) {
        this._promoteArchived(index, state);
        return true;
      }
    }
    return false;
  }

  private requireCurrent(operation: string): SessionState {
    if (this.current === undefined) {
      throw protocolError('SessionNotFound', operation, 'no current session');
    }
    return this.current;
  }

  /**
   * A copy sharing nothing mutable, so a failed operation can be dropped without side effects.
   * (Archived states are shared: their bytes are never changed in place, only replaced.)
   */
  _clone(): SessionRecord {
    return new SessionRecord(this.current?.clone(), [...this.previous]);
  }
}
