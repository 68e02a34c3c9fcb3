/**
 * What the two signed prekey records share: both are stored as libsignal's
 * SignedPreKeyRecordStructure (./key-record-structure.ts) and expose the same id, timestamp,
 * signature and serialization; they differ only in the kind of key (Curve25519 or Kyber1024).
 */
import { copyBytes, type Bytes } from '../bytes.js';
import { encodeKeyRecord, type KeyRecordStructure } from './key-record-structure.js';

export abstract class SignedKeyRecord {
  readonly #structure: KeyRecordStructure;

  protected constructor(structure: KeyRecordStructure) {
    this.#structure = structure;
  }

  /** The raw stored keys, parsed by each subclass only when read (as native does). */
  protected get structure(): KeyRecordStructure {
    return this.#structure;
  }

  id(): number {
    return this.#structure.id;
  }

  timestamp(): number {
    return this.#structure.timestamp;
  }

  signature(): Bytes {
    return copyBytes(this.#structure.signature);
  }

  serialize(): Bytes {
    return encodeKeyRecord(this.#structure);
  }
}
