/**
 * KyberPreKeyRecord: a Kyber1024 prekey, signed (XEdDSA) by the identity key over its 1569-byte
 * serialized public key. Stored in libsignal's SignedPreKeyRecordStructure with KEM keys.
 */
import { copyBytes } from '../bytes.js';
import { KEMKeyPair, KEMPublicKey, KEMSecretKey } from '../kem/index.js';
import { decodeKeyRecord } from './key-record-structure.js';
import { SignedKeyRecord } from './signed-key-record.js';

/** The public part of a Kyber prekey, as a bundle carries it. */
export type SignedKyberPublicPreKey = {
  id: () => number;
  publicKey: () => KEMPublicKey;
  signature: () => Uint8Array<ArrayBuffer>;
};

export class KyberPreKeyRecord extends SignedKeyRecord implements SignedKyberPublicPreKey {
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

  keyPair(): KEMKeyPair {
    return KEMKeyPair._fromKeys(this.publicKey(), this.secretKey());
  }

  publicKey(): KEMPublicKey {
    return KEMPublicKey.deserialize(this.structure.publicKey);
  }

  secretKey(): KEMSecretKey {
    return KEMSecretKey.deserialize(this.structure.privateKey);
  }
}
