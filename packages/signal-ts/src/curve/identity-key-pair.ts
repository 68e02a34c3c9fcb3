/**
 * IdentityKeyPair: a device's long-term key pair. Serialized as libsignal's
 * IdentityKeyPairStructure protobuf (storage.proto: 1 public_key (33 bytes), 2 private_key (32)).
 */
import type { Bytes } from '../bytes.js';
import { BinaryWriter, ProtoFields, WireType } from '../protobuf/reader.js';
import { alternateIdentityMessage } from './alternate-identity.js';
import { PrivateKey, PublicKey } from './keys.js';

const PUBLIC_KEY_FIELD = 1;
const PRIVATE_KEY_FIELD = 2;

export class IdentityKeyPair {
  readonly publicKey: PublicKey;
  readonly privateKey: PrivateKey;

  constructor(publicKey: PublicKey, privateKey: PrivateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  static generate(): IdentityKeyPair {
    const privateKey = PrivateKey.generate();
    return new IdentityKeyPair(privateKey.getPublicKey(), privateKey);
  }

  static deserialize(buffer: Uint8Array): IdentityKeyPair {
    const fields = ProtoFields.parse(buffer, 'IdentityKeyPair_Deserialize');
    const publicKey = PublicKey.deserialize(fields.bytes(PUBLIC_KEY_FIELD) ?? new Uint8Array(0));
    const privateKey = PrivateKey.deserialize(fields.bytes(PRIVATE_KEY_FIELD) ?? new Uint8Array(0));
    return new IdentityKeyPair(publicKey, privateKey);
  }

  /** Vouches for `other`, another identity key of this account (verifyAlternateIdentity checks it). */
  signAlternateIdentity(other: PublicKey): Bytes {
    return this.privateKey.sign(alternateIdentityMessage(other.serialize()));
  }

  serialize(): Bytes {
    return new BinaryWriter()
      .tag(PUBLIC_KEY_FIELD, WireType.LengthDelimited)
      .bytes(this.publicKey.serialize())
      .tag(PRIVATE_KEY_FIELD, WireType.LengthDelimited)
      .bytes(this.privateKey.serialize())
      .finish();
  }
}
