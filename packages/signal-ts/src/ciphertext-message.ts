/**
 * CiphertextMessage: what signalEncrypt / groupEncrypt return, a serialized message plus its type
 * (libsignal-client CiphertextMessage.d.ts and `CiphertextMessageType` in index.d.ts).
 */
import { copyBytes, type Bytes } from './bytes.js';

/** libsignal's message types, same numbers. */
export enum CiphertextMessageType {
  Whisper = 2,
  PreKey = 3,
  SenderKey = 7,
  Plaintext = 8,
}

/** A message object that can present itself as a CiphertextMessage. */
export interface CiphertextMessageConvertible {
  asCiphertextMessage: () => CiphertextMessage;
}

export class CiphertextMessage {
  readonly #type: CiphertextMessageType;
  readonly #serialized: Bytes;

  private constructor(type: CiphertextMessageType, serialized: Uint8Array) {
    this.#type = type;
    this.#serialized = copyBytes(serialized);
  }

  /**
   * Internal (session and sender-key code): wraps an already serialized message of `type`.
   * Not part of libsignal's API, hence the underscore like native's `_fromNativeHandle`.
   */
  static _fromSerialized(type: CiphertextMessageType, serialized: Uint8Array): CiphertextMessage {
    return new CiphertextMessage(type, serialized);
  }

  static from(message: CiphertextMessageConvertible): CiphertextMessage {
    return message.asCiphertextMessage();
  }

  serialize(): Bytes {
    return copyBytes(this.#serialized);
  }

  type(): number {
    return this.#type;
  }
}
