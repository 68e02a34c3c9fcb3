/**
 * PreKeyBundle: what a device publishes so others can start sessions with it (libsignal
 * `state/bundle.rs`; PreKeyBundle in ProtocolTypes.d.ts, same `new` parameter list as 0.103).
 * Both the signed prekey and the Kyber prekey are mandatory; the one-time prekey is optional.
 */
import { copyBytes, type Bytes } from '../bytes.js';
import type { PublicKey } from '../curve/keys.js';
import { protocolError } from '../error.js';
import type { KEMPublicKey } from '../kem/index.js';

export class PreKeyBundle {
  private constructor(
    private readonly registrationIdValue: number,
    private readonly deviceIdValue: number,
    private readonly preKey: { readonly id: number; readonly key: PublicKey } | null,
    private readonly signedPreKeyIdValue: number,
    private readonly signedPreKey: PublicKey,
    private readonly signedPreKeySignatureValue: Bytes,
    private readonly identity: PublicKey,
    private readonly kyberPreKeyIdValue: number,
    private readonly kyberPreKey: KEMPublicKey,
    private readonly kyberPreKeySignatureValue: Bytes,
  ) {}

  // Parameter names follow libsignal's declaration so the two read alike.
  static new(
    registration_id: number,
    device_id: number,
    prekey_id: number | null,
    prekey: PublicKey | null,
    signed_prekey_id: number,
    signed_prekey: PublicKey,
    signed_prekey_signature: Uint8Array,
    identity_key: PublicKey,
    kyber_prekey_id: number,
    kyber_prekey: KEMPublicKey,
    kyber_prekey_signature: Uint8Array,
  ): PreKeyBundle {
    if ((prekey_id === null) !== (prekey === null)) {
      throw protocolError(
        'InvalidArgument',
        'PreKeyBundle_New',
        'must have both or neither prekey id and prekey',
      );
    }
    return new PreKeyBundle(
      registration_id,
      device_id,
      prekey_id === null || prekey === null ? null : { id: prekey_id, key: prekey },
      signed_prekey_id,
      signed_prekey,
      copyBytes(signed_prekey_signature),
      identity_key,
      kyber_prekey_id,
      kyber_prekey,
      copyBytes(kyber_prekey_signature),
    );
  }

  deviceId(): number {
    return this.deviceIdValue;
  }

  identityKey(): PublicKey {
    return this.identity;
  }

  preKeyId(): number | null {
    return this.preKey?.id ?? null;
  }

  preKeyPublic(): PublicKey | null {
    return this.preKey?.key ?? null;
  }

  registrationId(): number {
    return this.registrationIdValue;
  }

  signedPreKeyId(): number {
    return this.signedPreKeyIdValue;
  }

  signedPreKeyPublic(): PublicKey {
    return this.signedPreKey;
  }

  signedPreKeySignature(): Bytes {
    return copyBytes(this.signedPreKeySignatureValue);
  }

  kyberPreKeyId(): number {
    return this.kyberPreKeyIdValue;
  }

  kyberPreKeyPublic(): KEMPublicKey {
    return this.kyberPreKey;
  }

  kyberPreKeySignature(): Bytes {
    return copyBytes(this.kyberPreKeySignatureValue);
  }
}
