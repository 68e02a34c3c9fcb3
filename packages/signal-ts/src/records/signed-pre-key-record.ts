/**
 * SignedPreKeyRecord: the medium-term Curve25519 prekey, signed (XEdDSA) by the identity key over
 * its 33-byte serialized public key (libsignal ProtocolTypes.d.ts).
 */
import { copyBytes } from '../bytes.js';
import { PrivateKey, PublicKey } from '../curve/index.js';
import { decodeKeyRecord } from './key-record-structure.js';
import { SignedKeyRecord } from './signed-key-record.js';

/** The public part of a signed prekey, as a bundle carries it. */
export type SignedPublicPreKey = {
  id: () => number;
  publicKey: () => PublicKey;
  signature: () => Uint8Array<ArrayBuffer>;
};

export class SignedPreKeyRecord extends SignedKeyRecord implements SignedPublicPreKey {
  /** Stores `signature` as given; checking it is the job of whoever builds a bundle from it. */
  static new(
    id: number,
    timestamp: number,
    pubKey: PublicKey,
    privKey: PrivateKey,
    signature: Uint8Array,
  ): SignedPreKeyRecord {
    return new SignedPreKeyRecord({
      id,
      timestamp,
      publicKey: pubKey.serialize(),
      privateKey: privKey.serialize(),
      signature: copyBytes(signature),
    });
  }

  /** Checks the protobuf only; keys are parsed (and can fail) when read, as in native. */
  static deserialize(buffer: Uint8Array): SignedPreKeyRecord {
    return new SignedPreKeyRecord(decodeKeyRecord(buffer, 'SignedPreKeyRecord_Deserialize'));
  }

  publicKey(): PublicKey {
    return PublicKey.deserialize(this.structure.publicKey);
  }

  privateKey(): PrivateKey {
    return PrivateKey.deserialize(this.structure.privateKey);
  }
}
