/** Kyber1024 keys and the round-3 shared-secret wrapper (runs in Node and in Chromium). */
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { KEMKeyPair, KEMPublicKey, KEMSecretKey } from './index.js';
import { expectGenericError } from '../../test/unit/expect-error.js';

describe('KEM keys', () => {
  const pair = KEMKeyPair.generate();

  it('serializes with the Kyber1024 type byte and libsignal lengths', () => {
    expect(pair.getPublicKey().serialize().length).toBe(1569);
    expect(pair.getSecretKey().serialize().length).toBe(3169);
    expect(pair.getPublicKey().serialize()[0]).toBe(0x08);
    expect(pair.getSecretKey().serialize()[0]).toBe(0x08);
    const pub = KEMPublicKey.deserialize(pair.getPublicKey().serialize());
    expect(pub.serialize()).toEqual(pair.getPublicKey().serialize());
    const sec = KEMSecretKey.deserialize(pair.getSecretKey().serialize());
    expect(sec.serialize()).toEqual(pair.getSecretKey().serialize());
  });

  it('refuses ML-KEM-1024 (0x0A), other types and wrong lengths', () => {
    const pub = pair.getPublicKey().serialize();
    expectGenericError(() => KEMPublicKey.deserialize(new Uint8Array(0)), /no key type identifier/);
    expectGenericError(
      () => KEMPublicKey.deserialize(Uint8Array.from([0x0a, ...pub.subarray(1)])),
      /bad KEM key type <0x0a>/,
    );
    expectGenericError(
      () => KEMPublicKey.deserialize(pub.subarray(0, 1568)),
      /bad KEM key length <1568>/,
    );
    expectGenericError(
      () => KEMPublicKey.deserialize(Uint8Array.from([...pub, 0])),
      /bad KEM key length <1570>/,
    );
    expectGenericError(() => KEMSecretKey.deserialize(pub), /bad KEM key length <1569>/);
  });

  it('encapsulates and decapsulates the same 32-byte secret', () => {
    const { sharedSecret, ciphertext } = pair.getPublicKey()._encapsulate();
    expect(ciphertext.length).toBe(1569);
    expect(ciphertext[0]).toBe(0x08);
    expect(sharedSecret.length).toBe(32);
    expect(pair.getSecretKey()._decapsulate(ciphertext)).toEqual(sharedSecret);
  });

  it('derives the round-3 secret SHAKE256(K || SHA3-256(ct)), not the ML-KEM one', () => {
    const { sharedSecret, ciphertext } = pair.getPublicKey()._encapsulate();
    const k = ml_kem1024.decapsulate(
      ciphertext.subarray(1),
      pair.getSecretKey().serialize().subarray(1),
    );
    expect(sharedSecret).not.toEqual(k);
    const expected = shake256(new Uint8Array([...k, ...sha3_256(ciphertext.subarray(1))]), {
      dkLen: 32,
    });
    expect(sharedSecret).toEqual(expected);
  });

  it('yields a different secret for a tampered ciphertext or the wrong key (implicit rejection)', () => {
    const { sharedSecret, ciphertext } = pair.getPublicKey()._encapsulate();
    for (const index of [1, 700, 1568]) {
      const tampered = Uint8Array.from(ciphertext);
      tampered[index] = tampered[index]! ^ 0x01;
      expect(pair.getSecretKey()._decapsulate(tampered)).not.toEqual(sharedSecret);
    }
    expect(KEMKeyPair.generate().getSecretKey()._decapsulate(ciphertext)).not.toEqual(sharedSecret);
  });

  it('refuses a ciphertext of the wrong type or length with an error', () => {
    const { ciphertext } = pair.getPublicKey()._encapsulate();
    expectGenericError(
      () => pair.getSecretKey()._decapsulate(ciphertext.subarray(0, 100)),
      /bad KEM ciphertext length <100>/,
    );
    expectGenericError(
      () => pair.getSecretKey()._decapsulate(Uint8Array.from([0x0a, ...ciphertext.subarray(1)])),
      /bad KEM key type <0x0a>/,
    );
  });
});
