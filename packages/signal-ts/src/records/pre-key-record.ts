/** PreKeyRecord: a one-time Curve25519 prekey with its id (libsignal ProtocolTypes.d.ts). */
import type { Bytes } from '../bytes.js';
import { PrivateKey, PublicKey } from '../curve/index.js';
import {
  decodeKeyRecord,
  encodeKeyRecord,
  type KeyRecordStructure,
} from './key-record-structure.js';

export class PreKeyRecord {
  readonly #structure: KeyRecordStructure;

  private constructor(structure: KeyRecordStructure) {
    this.#structure = structure;
  }

  static new(id: number, pubKey: PublicKey, privKey: PrivateKey): PreKeyRecord {
    return new PreKeyRecord({
      id,
      publicKey: pubKey.serialize(),
      privateKey: privKey.serialize(),
      signature: new Uint8Array(0),
      timestamp: 0,
    });
  }

  /** Checks the protobuf only; keys are parsed (and can fail) when read, as in native. */
  static deserialize(buffer: Uint8Array): PreKeyRecord {
    return new PreKeyRecord(decodeKeyRecord(buffer, 'PreKeyRecord_Deserialize'));
  }

  id(): number {
    return this.#structure.id;
  }

  publicKey(): PublicKey {
    return PublicKey.deserialize(this.#structure.publicKey);
  }

  privateKey(): PrivateKey {
    return PrivateKey.deserialize(this.#structure.privateKey);
  }

  serialize(): Bytes {
    return encodeKeyRecord({ ...this.#structure, signature: new Uint8Array(0), timestamp: 0 });
  }
}
