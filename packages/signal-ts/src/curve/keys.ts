/**
 * Curve25519 keys in libsignal's formats (rust/core/src/curve.rs): a public key serializes as
 * 0x05 || u (33 bytes), a private key as its 32 clamped bytes. Agreement is X25519 and refuses an
 * all-zero result (a low-order peer key); signatures are XEdDSA (./xeddsa.ts).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { constantTimeEqual, copyBytes, randomBytes, type Bytes } from '../bytes.js';
import { CURVE25519_KEY_LENGTH, DJB_KEY_TYPE, PUBLIC_KEY_SERIALIZED_LENGTH } from '../consts.js';
import { protocolError } from '../error.js';
import { alternateIdentityMessage } from './alternate-identity.js';
import { importX25519PrivateKey, x25519Agree, type WebCryptoKey } from './webcrypto.js';
import {
  edwardsPublicKeyBytes,
  montgomeryToEdwards,
  XEDDSA_NONCE_RANDOM_LENGTH,
  xeddsaSign,
  xeddsaSigningKey,
  xeddsaVerify,
  xeddsaVerifyAsync,
  type EdwardsPoint,
  type XEdDSASigningKey,
} from './xeddsa.js';

/** RFC 7748 clamping, which libsignal applies to every private key it creates or loads. */
function clamp(bytes: Uint8Array): Bytes {
  const out = copyBytes(bytes);
  out[0] = (out[0] as number) & 248;
  out[31] = ((out[31] as number) & 127) | 64;
  return out;
}

export class PublicKey {
  readonly #u: Bytes;
  /** Decompressed Edwards points per sign bit, filled on first verification. */
  readonly #edwards: [EdwardsPoint | null | undefined, EdwardsPoint | null | undefined] = [
    undefined,
    undefined,
  ];

  /** Compressed Edwards encodings per sign bit, for the WebCrypto path. */
  readonly #edwardsEncodings: [Uint8Array | null | undefined, Uint8Array | null | undefined] = [
    undefined,
    undefined,
  ];

  private constructor(u: Uint8Array) {
    this.#u = copyBytes(u);
  }

  /**
   * Parses 0x05 || u. Like native, bytes after the 33rd are ignored, and the point is not
   * validated (X25519 accepts any u; agreement rejects low-order ones).
   */
  static deserialize(buf: Uint8Array): PublicKey {
    if (buf.length === 0) {
      throw protocolError('NoKeyTypeIdentifier', 'PublicKey_Deserialize', 'no key type identifier');
    }
    if (buf[0] !== DJB_KEY_TYPE) {
      throw protocolError(
        'BadKeyType',
        'PublicKey_Deserialize',
        `bad key type <0x${hexByte(buf[0] as number)}>`,
      );
    }
    if (buf.length < PUBLIC_KEY_SERIALIZED_LENGTH) {
      throw protocolError(
        'BadKeyLength',
        'PublicKey_Deserialize',
        `bad key length <${buf.length}> for key with type <Djb>`,
      );
    }
    return new PublicKey(buf.subarray(1, PUBLIC_KEY_SERIALIZED_LENGTH));
  }

  /** Internal: a public key from its raw 32-byte u-coordinate (libsignal from_djb_public_key_bytes). */
  static _fromPublicKeyBytes(u: Uint8Array): PublicKey {
    if (u.length !== CURVE25519_KEY_LENGTH) {
      throw protocolError(
        'BadKeyLength',
        'PublicKey_Deserialize',
        `bad key length <${u.length}> for key with type <Djb>`,
      );
    }
    return new PublicKey(u);
  }

  /** Constant-time comparison of the encodings. */
  equals(other: PublicKey): boolean {
    return constantTimeEqual(this.#u, other.#u);
  }

  serialize(): Bytes {
    const out = new Uint8Array(PUBLIC_KEY_SERIALIZED_LENGTH);
    out[0] = DJB_KEY_TYPE;
    out.set(this.#u, 1);
    return out;
  }

  /** The raw 32-byte u-coordinate. */
  getPublicKeyBytes(): Bytes {
    return copyBytes(this.#u);
  }

  /** XEdDSA verification; false (never an exception) for a wrong-length or forged signature. */
  verify(msg: Uint8Array, sig: Uint8Array): boolean {
    return xeddsaVerify(this.#u, msg, sig, (bit) => this.#edwardsPoint(bit));
  }

  /** Checks that this identity key vouched for `other` (IdentityKeyPair.signAlternateIdentity). */
  verifyAlternateIdentity(other: PublicKey, signature: Uint8Array): boolean {
    return this.verify(alternateIdentityMessage(other.serialize()), signature);
  }

  /**
   * Internal: the same verification through WebCrypto where available (several times faster);
   * used by the engine's async operations (group decryption).
   */
  _verifyAsync(msg: Uint8Array, sig: Uint8Array): Promise<boolean> {
    return xeddsaVerifyAsync(this.#u, msg, sig, (bit) => this.#edwardsBytes(bit));
  }

  #edwardsBytes(signBit: number): Uint8Array | null {
    const index = signBit === 0 ? 0 : 1;
    let bytes = this.#edwardsEncodings[index];
    if (bytes === undefined) {
      bytes = edwardsPublicKeyBytes(this.#u, signBit);
      this.#edwardsEncodings[index] = bytes;
    }
    return bytes;
  }

  #edwardsPoint(signBit: number): EdwardsPoint | null {
    const index = signBit === 0 ? 0 : 1;
    let point = this.#edwards[index];
    if (point === undefined) {
      point = montgomeryToEdwards(this.#u, signBit);
      this.#edwards[index] = point;
    }
    return point;
  }
}

/** The X25519 base point, u = 9: agreement with it yields a private key's own public key. */
const BASE_POINT = PublicKey._fromPublicKeyBytes(
  Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0)),
);

export class PrivateKey {
  readonly #bytes: Bytes;
  #publicKey: PublicKey | undefined;
  #signingKey: XEdDSASigningKey | undefined;
  #webCryptoKey: Promise<WebCryptoKey | undefined> | undefined;

  private constructor(clamped: Bytes) {
    this.#bytes = clamped;
  }

  /** A fresh key from crypto.getRandomValues, clamped like libsignal's. */
  static generate(): PrivateKey {
    return new PrivateKey(clamp(randomBytes(CURVE25519_KEY_LENGTH)));
  }

  /**
   * Internal: `generate` with the public key derived through WebCrypto (X25519 of the base point),
   * several times faster than the synchronous derivation; for the engine's async operations
   * (ratchet key pairs, PQXDH base keys). The private key still comes from crypto.getRandomValues.
   */
  static async _generateAsync(): Promise<PrivateKey> {
    const key = PrivateKey.generate();
    await key._getPublicKeyAsync();
    return key;
  }

  /** Exactly 32 bytes; clamped on load as native does (so serialize() may differ from the input). */
  static deserialize(buf: Uint8Array): PrivateKey {
    if (buf.length !== CURVE25519_KEY_LENGTH) {
      throw protocolError(
        'BadKeyLength',
        'PrivateKey_Deserialize',
        `bad key length <${buf.length}> for key with type <Djb>`,
      );
    }
    return new PrivateKey(clamp(buf));
  }

  serialize(): Bytes {
    return copyBytes(this.#bytes);
  }

  getPublicKey(): PublicKey {
    this.#publicKey ??= PublicKey._fromPublicKeyBytes(x25519.getPublicKey(this.#bytes));
    return this.#publicKey;
  }

  /**
   * Internal: `getPublicKey` through WebCrypto (X25519 of the base point) where available, several
   * times faster; the result is cached for both.
   */
  async _getPublicKeyAsync(): Promise<PublicKey> {
    this.#publicKey ??= PublicKey._fromPublicKeyBytes(await this._agreeAsync(BASE_POINT));
    return this.#publicKey;
  }

  /** XEdDSA signature (64 bytes) with 64 fresh random bytes in the nonce. */
  sign(msg: Uint8Array): Bytes {
    return this._signWithRandom(msg, randomBytes(XEDDSA_NONCE_RANDOM_LENGTH));
  }

  /** Internal (known-answer tests only): sign with caller-chosen nonce randomness. */
  _signWithRandom(msg: Uint8Array, random: Uint8Array): Bytes {
    this.#signingKey ??= xeddsaSigningKey(this.#bytes);
    return xeddsaSign(this.#signingKey, msg, random);
  }

  /**
   * Internal: `agree` through WebCrypto's X25519 where available (several times faster), for the
   * engine's async operations; same result and same error as `agree`.
   */
  async _agreeAsync(otherKey: PublicKey): Promise<Bytes> {
    this.#webCryptoKey ??= importX25519PrivateKey(this.#bytes).catch(() => undefined);
    const key = await this.#webCryptoKey;
    if (key === undefined) return this.agree(otherKey);
    try {
      return await x25519Agree(key, otherKey.getPublicKeyBytes());
    } catch {
      throw protocolError('InvalidKeyAgreement', 'ECPrivateKey_Agree', 'invalid key agreement');
    }
  }

  /** X25519 with `otherKey`; throws (Generic, like native) when the result would be all zeros. */
  agree(otherKey: PublicKey): Bytes {
    try {
      return copyBytes(x25519.getSharedSecret(this.#bytes, otherKey.getPublicKeyBytes()));
    } catch {
      throw protocolError('InvalidKeyAgreement', 'ECPrivateKey_Agree', 'invalid key agreement');
    }
  }
}

function hexByte(value: number): string {
  return value.toString(16).padStart(2, '0');
}
