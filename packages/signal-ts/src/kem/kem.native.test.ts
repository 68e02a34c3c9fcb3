/**
 * KEM key formats against libsignal-client. (Native exposes no encapsulate/decapsulate to
 * JavaScript, so the shared-secret wrapper can only be checked against native through PQXDH sessions:
 * the session and interop suites, where native decrypts our PreKey messages and we decrypt its.)
 */
import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { KEMKeyPair, KEMPublicKey, KEMSecretKey } from './index.js';

describe('KEM keys against native', () => {
  it('native reads our keys and we read native keys, byte for byte', () => {
    const ours = KEMKeyPair.generate();
    expect(native.KEMPublicKey.deserialize(ours.getPublicKey().serialize()).serialize()).toEqual(
      ours.getPublicKey().serialize(),
    );
    expect(native.KEMSecretKey.deserialize(ours.getSecretKey().serialize()).serialize()).toEqual(
      ours.getSecretKey().serialize(),
    );
    const theirs = native.KEMKeyPair.generate();
    expect(KEMPublicKey.deserialize(theirs.getPublicKey().serialize()).serialize()).toEqual(
      theirs.getPublicKey().serialize(),
    );
    expect(KEMSecretKey.deserialize(theirs.getSecretKey().serialize()).serialize()).toEqual(
      theirs.getSecretKey().serialize(),
    );
  });

  it('encapsulates to a native key pair and decapsulates with its native secret key', () => {
    const theirs = native.KEMKeyPair.generate();
    const pub = KEMPublicKey.deserialize(theirs.getPublicKey().serialize());
    const sec = KEMSecretKey.deserialize(theirs.getSecretKey().serialize());
    const { sharedSecret, ciphertext } = pub._encapsulate();
    expect(sec._decapsulate(ciphertext)).toEqual(sharedSecret);
  });
});
