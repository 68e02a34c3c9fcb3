/**
 * SenderKeyRecord: the sender-key states one sender keeps for one distribution id, newest first,
 * at most MAX_SENDER_KEY_STATES (libsignal SenderKeyRecordStructure; sender_keys.rs).
 */
import type { Bytes } from '../bytes.js';
import { MAX_SENDER_KEY_STATES } from '../consts.js';
import type { PublicKey } from '../curve/index.js';
import { BinaryWriter, ProtoFields, WireType } from '../protobuf/reader.js';
import { SenderKeyState } from './sender-key-state.js';

const SENDER_KEY_STATES = 1;

export class SenderKeyRecord {
  readonly #states: SenderKeyState[];

  private constructor(states: SenderKeyState[]) {
    this.#states = states;
  }

  /** Internal: a record with no state yet. */
  static _newEmpty(): SenderKeyRecord {
    return new SenderKeyRecord([]);
  }

  static deserialize(buffer: Uint8Array): SenderKeyRecord {
    const operation = 'SenderKeyRecord_Deserialize';
    const fields = ProtoFields.parse(buffer, operation);
    return new SenderKeyRecord(
      fields.repeatedBytes(SENDER_KEY_STATES).map((s) => SenderKeyState.decode(s, operation)),
    );
  }

  serialize(): Bytes {
    const writer = new BinaryWriter();
    for (const state of this.#states)
      writer.tag(SENDER_KEY_STATES, WireType.LengthDelimited).bytes(state.encode());
    return writer.finish();
  }

  /** Internal: a deep copy, so a failed decryption can leave the caller's record untouched. */
  _clone(): SenderKeyRecord {
    return new SenderKeyRecord(this.#states.map((state) => state.clone()));
  }

  /** Internal: the newest state (the one a sender encrypts with), if any. */
  _currentState(): SenderKeyState | undefined {
    return this.#states[0];
  }

  /** Internal: the state for a chain id, if any. */
  _stateForChainId(chainId: number): SenderKeyState | undefined {
    return this.#states.find((state) => state.chainId === chainId);
  }

  /** Internal: how many states the record holds. */
  _stateCount(): number {
    return this.#states.length;
  }

  /**
   * Internal: installs a state at the front. A state with the same chain id and signing key is kept
   * as it is (re-processing a distribution message must not rewind the chain); one with the same
   * chain id but another key is dropped; the oldest states fall off past MAX_SENDER_KEY_STATES.
   */
  _addState(state: SenderKeyState, signingKey: PublicKey): void {
    const existingIndex = this.#states.findIndex(
      (s) => s.chainId === state.chainId && s.signingKeyPublic()?.equals(signingKey) === true,
    );
    const existing = existingIndex >= 0 ? this.#states.splice(existingIndex, 1)[0] : undefined;
    for (let i = this.#states.length - 1; i >= 0; i--) {
      if (this.#states[i]!.chainId === state.chainId) this.#states.splice(i, 1);
    }
    while (this.#states.length >= MAX_SENDER_KEY_STATES) this.#states.pop();
    this.#states.unshift(existing ?? state);
  }
}
