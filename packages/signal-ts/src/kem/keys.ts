/**
 * KEM keys as libsignal-client exposes them (KemKeys.d.ts), serialized with their type byte:
 * 0x08 || 1568-byte public key, 0x08 || 3168-byte secret key. Only Kyber1024 (0x08) is accepted,
 * as in libsignal 0.103's default build (0x0A ML-KEM-1024 is refused).
 */
import { concatBytes, copyBytes, type Bytes } from '../bytes.js';
import {
  KYBER1024_CIPHERTEXT_LENGTH,
  KYBER1024_KEY_TYPE,
  KYBER1024_PUBLIC_KEY_LENGTH,
  KYBER1024_SECRET_KEY_LENGTH,
} from '../consts.js';
import { protocolError } from '../error.js';
import * as kyber1024 from './kyber1024.js';

const hex = (value: number) => `0x${value.toString(16).padStart(2, '0')}`;

/** Checks the type byte and exact length of a serialized key or ciphertext; returns the raw bytes. */
function parseTyped(
  buf: Uint8Array,
  rawLength: number,
  operation: string,
  what: 'key' | 'ciphertext',
): Bytes {
  if (buf.length === 0)
    throw protocolError('NoKeyTypeIdentifier', operation, 'no key type identifier');
  if (buf[0] !== KYBER1024_KEY_TYPE) {
    throw protocolError('BadKEMKeyType', operation, `bad KEM key type <${hex(buf[0] as number)}>`);
  }
  if (buf.length !== rawLength + 1) {
    const kind = what === 'key' ? 'BadKEMKeyLength' : 'BadKEMCiphertextLength';
    throw protocolError(
      kind,
      operation,
      `bad KEM ${what} length <${buf.length}> for key with type <Kyber1024 key>`,
    );
  }
  return copyBytes(buf.subarray(1));
}

function typed(raw: Uint8Array): Bytes {
  return concatBytes(Uint8Array.of(KYBER1024_KEY_TYPE), raw);
}

export class KEMPublicKey {
  readonly #raw: Bytes;

  private constructor(raw: Bytes) {
    this.#raw = raw;
  }

  /** Internal: wraps raw (untyped) public key bytes already known to be valid. */
  static _fromRaw(raw: Bytes): KEMPublicKey {
    return new KEMPublicKey(raw);
  }

  static deserialize(buf: Uint8Array): KEMPublicKey {
    return new KEMPublicKey(
      parseTyped(buf, KYBER1024_PUBLIC_KEY_LENGTH, 'KyberPublicKey_Deserialize', 'key'),
    );
  }

  serialize(): Bytes {
    return typed(this.#raw);
  }

  /**
   * Internal (session: PQXDH initiator). Encapsulates a fresh shared secret to this key and returns
   * it with the ciphertext serialized as on the wire (0x08 || 1568 bytes).
   */
  _encapsulate(): { sharedSecret: Bytes; ciphertext: Bytes } {
    let result: { sharedSecret: Bytes; ciphertext: Bytes };
    try {
      result = kyber1024.encapsulate(this.#raw);
    } catch {
      throw protocolError(
        'InvalidArgument',
        'KyberPublicKey_Encapsulate',
        'invalid Kyber1024 public key',
      );
    }
    return { sharedSecret: result.sharedSecret, ciphertext: typed(result.ciphertext) };
  }
}

export class KEMSecretKey {
  readonly #raw: Bytes;

  private constructor(raw: Bytes) {
    this.#raw = raw;
  }

  /** Internal: wraps raw (untyped) secret key bytes already known to be valid. */
  static _fromRaw(raw: Bytes): KEMSecretKey {
    return new KEMSecretKey(raw);
  }

  static deserialize(buf: Uint8Array): KEMSecretKey {
    return new KEMSecretKey(
      parseTyped(buf, KYBER1024_SECRET_KEY_LENGTH, 'KyberSecretKey_Deserialize', 'key'),
    );
  }

  serialize(): Bytes {
    return typed(this.#raw);
  }

  /**
   * Internal (session: PQXDH responder). Recovers the shared secret from a wire ciphertext
   * (0x08 || 1568 bytes). Wrong type byte or length throws; a ciphertext for another key yields
   * an unrelated secret (the message MAC then fails), as in native.
   */
  _decapsulate(serializedCiphertext: Uint8Array): Bytes {
    const ciphertext = parseTyped(
      serializedCiphertext,
      KYBER1024_CIPHERTEXT_LENGTH,
      'KyberSecretKey_Decapsulate',
      'ciphertext',
    );
    try {
      return kyber1024.decapsulate(this.#raw, ciphertext);
    } catch {
      throw protocolError(
        'InvalidArgument',
        'KyberSecretKey_Decapsulate',
        'invalid Kyber1024 secret key',
      );
    }
  }
}

export class KEMKeyPair {
  readonly #publicKey: KEMPublicKey;
  readonly #secretKey: KEMSecretKey;

  private constructor(publicKey: KEMPublicKey, secretKey: KEMSecretKey) {
    this.#publicKey = publicKey;
    this.#secretKey = secretKey;
  }

  /** A fresh Kyber1024 key pair from crypto.getRandomValues. */
  static generate(): KEMKeyPair {
    const { publicKey, secretKey } = kyber1024.generateKeyMaterial();
    return new KEMKeyPair(KEMPublicKey._fromRaw(publicKey), KEMSecretKey._fromRaw(secretKey));
  }

  /** Internal (records): pairs two keys loaded from storage. */
  static _fromKeys(publicKey: KEMPublicKey, secretKey: KEMSecretKey): KEMKeyPair {
    return new KEMKeyPair(publicKey, secretKey);
  }

  getPublicKey(): KEMPublicKey {
    return this.#publicKey;
  }

  getSecretKey(): KEMSecretKey {
    return this.#secretKey;
  }
}
