/**
 * Keys, XEdDSA and safety numbers across engines: what one engine makes, the other reads, checks
 * and agrees on. (Node-only: imports libsignal-client.)
 */
import { describe, expect } from 'vitest';
import { interopCase } from './harness/cases.js';
import { text } from './harness/party.js';

const MESSAGES = [
  new Uint8Array(0),
  text('x'),
  text('a signed prekey'),
  new Uint8Array(1000).fill(7),
];

function flipBit(bytes: Uint8Array, bit: number): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

describe('Curve25519 keys', () => {
  interopCase('public keys serialize as 0x05 || u and agree both ways', ({ sender, receiver }) => {
    const a = sender.api.PrivateKey.generate();
    const b = receiver.api.PrivateKey.generate();
    const aPublic = a.getPublicKey().serialize();
    expect(aPublic.length).toBe(33);
    expect(aPublic[0]).toBe(0x05);

    const aSeenByB = receiver.api.PublicKey.deserialize(aPublic);
    const bSeenByA = sender.api.PublicKey.deserialize(b.getPublicKey().serialize());
    expect(aSeenByB.serialize()).toEqual(aPublic);
    expect(a.agree(bSeenByA)).toEqual(b.agree(aSeenByB));
    expect(a.agree(bSeenByA).length).toBe(32);
  });

  interopCase(
    'private keys and identity key pairs round-trip across engines',
    ({ sender, receiver }) => {
      const key = sender.api.PrivateKey.generate();
      const copy = receiver.api.PrivateKey.deserialize(key.serialize());
      expect(copy.serialize()).toEqual(key.serialize());
      expect(copy.getPublicKey().serialize()).toEqual(key.getPublicKey().serialize());

      const pair = sender.api.IdentityKeyPair.generate();
      const pairCopy = receiver.api.IdentityKeyPair.deserialize(pair.serialize());
      expect(pairCopy.publicKey.serialize()).toEqual(pair.publicKey.serialize());
      expect(pairCopy.serialize()).toEqual(pair.serialize());
    },
  );

  interopCase('malformed public keys are refused with a libsignal error', ({ receiver }) => {
    const good = receiver.api.PrivateKey.generate().getPublicKey().serialize();
    const wrongType = new Uint8Array(good);
    wrongType[0] = 0x06;
    for (const bad of [new Uint8Array(0), good.slice(0, 32), wrongType]) {
      expect(() => receiver.api.PublicKey.deserialize(bad)).toThrow();
    }
  });
});

describe('XEdDSA', () => {
  interopCase('signatures made by one engine verify in the other', ({ sender, receiver }) => {
    const key = sender.api.PrivateKey.generate();
    const verifier = receiver.api.PublicKey.deserialize(key.getPublicKey().serialize());
    for (const message of MESSAGES) {
      const signature = key.sign(message);
      expect(signature.length).toBe(64);
      expect(verifier.verify(message, signature)).toBe(true);
    }
  });

  interopCase(
    'every flipped signature bit, a changed message or another key is rejected',
    ({ sender, receiver }) => {
      const key = sender.api.PrivateKey.generate();
      const verifier = receiver.api.PublicKey.deserialize(key.getPublicKey().serialize());
      const message = text('signed prekey bytes');
      const signature = key.sign(message);
      for (let bit = 0; bit < 512; bit++) {
        expect(verifier.verify(message, flipBit(signature, bit)), `bit ${bit}`).toBe(false);
      }
      expect(verifier.verify(flipBit(message, 3), signature)).toBe(false);
      const stranger = receiver.api.PrivateKey.generate().getPublicKey();
      expect(stranger.verify(message, signature)).toBe(false);
      expect(verifier.verify(message, signature.slice(0, 63))).toBe(false);
    },
  );

  interopCase('a signature whose s has its top bits set is rejected', ({ sender, receiver }) => {
    const key = sender.api.PrivateKey.generate();
    const verifier = receiver.api.PublicKey.deserialize(key.getPublicKey().serialize());
    const message = text('high s');
    const signature = new Uint8Array(key.sign(message));
    signature[63]! |= 0x60;
    expect(verifier.verify(message, signature)).toBe(false);
  });
});

describe('Kyber keys', () => {
  interopCase(
    'Kyber1024 keys carry type byte 0x08 and read across engines',
    ({ sender, receiver }) => {
      const pair = sender.api.KEMKeyPair.generate();
      const publicKey = pair.getPublicKey().serialize();
      const secretKey = pair.getSecretKey().serialize();
      expect(publicKey.length).toBe(1569);
      expect(secretKey.length).toBe(3169);
      expect(publicKey[0]).toBe(0x08);
      expect(receiver.api.KEMPublicKey.deserialize(publicKey).serialize()).toEqual(publicKey);
      expect(receiver.api.KEMSecretKey.deserialize(secretKey).serialize()).toEqual(secretKey);
      expect(() => receiver.api.KEMPublicKey.deserialize(publicKey.slice(0, 1000))).toThrow();
    },
  );
});

describe('Safety numbers', () => {
  interopCase(
    'both engines compute the same displayable and scannable fingerprints',
    ({ sender, receiver }) => {
      const local = sender.api.IdentityKeyPair.generate().publicKey.serialize();
      const remote = receiver.api.IdentityKeyPair.generate().publicKey.serialize();
      const localId = text('+14155550100');
      const remoteId = text('+14155550111');
      const compute = (api: typeof sender.api) =>
        api.Fingerprint.new(
          5200,
          2,
          localId,
          api.PublicKey.deserialize(local),
          remoteId,
          api.PublicKey.deserialize(remote),
        );
      const mine = compute(sender.api);
      const theirs = compute(receiver.api);
      expect(mine.displayableFingerprint().toString()).toMatch(/^\d{60}$/);
      expect(theirs.displayableFingerprint().toString()).toBe(
        mine.displayableFingerprint().toString(),
      );
      expect(theirs.scannableFingerprint().toBuffer()).toEqual(
        mine.scannableFingerprint().toBuffer(),
      );
    },
  );
});
