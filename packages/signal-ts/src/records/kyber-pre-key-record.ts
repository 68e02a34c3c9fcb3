/**
 * KyberPreKeyRecord: a Kyber1024 prekey, signed (XEdDSA) by the identity key over its 1569-byte
 * serialized public key. Stored in libsignal's SignedPreKeyRecordStructure with KEM keys.
 */
import { copyBytes, type Bytes } from '../bytes.js';
import { KEMKeyPair, KEMPublicKey, KEMSecretKey } from '../kem/index.js';
import {
  decodeKeyRecord,
  encodeKeyRecord,
  type KeyRecordStructure,
} from './key-record-structure.js';

/** The public part of a Kyber prekey, as a bundle carries it. */
export type SignedKyberPublicPreKey = {
  id: () => number;
  publicKey: () => KEMPublicKey;
  signature: () => Uint8Array<ArrayBuffer>;
};

export class KyberPreKeyRecord implements SignedKyberPublicPreKey {
  readonly #structure: KeyRecordStructure;

  private constructor(structure: KeyRecordStructure) {
    this.#structure = structure;
  }

  static new(
    id: number,
    timestamp: number,
    keyPair: KEMKeyPair,
    signature: Uint8Array,
  ): KyberPreKeyRecord {
    return new KyberPreKeyRecord({
      id,
      timestamp,
      publicKey: keyPair.getPublicKey().serialize(),
      privateKey: keyPair.getSecretKey().serialize(),
      signature: copyBytes(signature),
    });
  }

  /** Checks the protobuf only; keys are parsed (and can fail) when read, as in native. */
  static deserialize(buffer: Uint8Array): KyberPreKeyRecord {
    return new KyberPreKeyRecord(decodeKeyRecord(buffer, 'KyberPreKeyRecord_Deserialize'));
  }

  serialize(): Bytes {
    return encodeKeyRecord(this.#structure);
  }

  id(): number {
    return this.#structure.id;
  }

  timestamp(): number {
    return this.#structure.timestamp;
  }

  keyPair(): KEMKeyPair {
    return KEMKeyPair._fromKeys(this.publicKey(), this.secretKey());
  }

  publicKey(): KEMPublicKey {
    return KEMPublicKey.deserialize(this.#structure.publicKey);
  }

  secretKey(): KEMSecretKey {
    return KEMSecretKey.deserialize(this.#structure.privateKey);
  }

  signature(): Bytes {
    return copyBytes(this.#structure.signature);
  }
}
