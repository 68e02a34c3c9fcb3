/**
 * Known-answer cross-checks of keys, agreement and XEdDSA against libsignal-client (native), in
 * both directions: each engine's output is consumed by the other.
 */
import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { randomBytes } from '../bytes.js';
import { IdentityKeyPair, PrivateKey, PublicKey } from './index.js';
import { CURVE_KNOWN_ANSWER as KAT, fromHex } from '../../test/unit/fixtures/curve-known-answer.js';

const ROUNDS = 40;

describe('curve keys against native', () => {
  it('derives the same public key from the same private key, both ways', () => {
    for (let i = 0; i < ROUNDS; i++) {
      const theirs = native.PrivateKey.generate();
      const ours = PrivateKey.deserialize(theirs.serialize());
      expect(ours.getPublicKey().serialize()).toEqual(theirs.getPublicKey().serialize());
      const mine = PrivateKey.generate();
      const nativeCopy = native.PrivateKey.deserialize(mine.serialize());
      expect(nativeCopy.serialize()).toEqual(mine.serialize());
      expect(nativeCopy.getPublicKey().serialize()).toEqual(mine.getPublicKey().serialize());
    }
  });

  it('clamps arbitrary private bytes identically', () => {
    for (let i = 0; i < ROUNDS; i++) {
      const raw = randomBytes(32);
      expect(PrivateKey.deserialize(raw).serialize()).toEqual(
        native.PrivateKey.deserialize(raw).serialize(),
      );
    }
  });

  it('computes the same X25519 agreement as native', () => {
    for (let i = 0; i < ROUNDS; i++) {
      const ours = PrivateKey.generate();
      const theirs = native.PrivateKey.generate();
      const fromOurs = ours.agree(PublicKey.deserialize(theirs.getPublicKey().serialize()));
      const fromTheirs = theirs.agree(
        native.PublicKey.deserialize(ours.getPublicKey().serialize()),
      );
      expect(fromOurs).toEqual(fromTheirs);
    }
  });

  it('agrees with native on arbitrary (off-curve, twist, non-canonical) u values', () => {
    const ours = PrivateKey.generate();
    const theirs = native.PrivateKey.deserialize(ours.serialize());
    for (let i = 0; i < ROUNDS; i++) {
      const peer = Uint8Array.from([5, ...randomBytes(32)]);
      const expected = theirs.agree(native.PublicKey.deserialize(peer));
      expect(ours.agree(PublicKey.deserialize(peer))).toEqual(expected);
    }
  });

  it('exchanges IdentityKeyPair serializations byte for byte', () => {
    const theirs = native.IdentityKeyPair.generate();
    const ours = IdentityKeyPair.deserialize(theirs.serialize());
    expect(ours.serialize()).toEqual(theirs.serialize());
    const mine = IdentityKeyPair.generate();
    expect(native.IdentityKeyPair.deserialize(mine.serialize()).serialize()).toEqual(
      mine.serialize(),
    );
  });
});

describe('XEdDSA against native', () => {
  it('native verifies our signatures and we verify native signatures', () => {
    for (let i = 0; i < ROUNDS; i++) {
      const message = randomBytes(i * 37);
      const ours = PrivateKey.generate();
      const ourSig = ours.sign(message);
      const ourPubForNative = native.PublicKey.deserialize(ours.getPublicKey().serialize());
      expect(ourPubForNative.verify(message, ourSig)).toBe(true);

      const theirs = native.PrivateKey.generate();
      const theirSig = theirs.sign(message);
      const theirPub = PublicKey.deserialize(theirs.getPublicKey().serialize());
      expect(theirPub.verify(message, theirSig)).toBe(true);
    }
  });

  it('signs with the native key material and native accepts it (same key, both engines)', () => {
    const theirs = native.PrivateKey.generate();
    const ours = PrivateKey.deserialize(theirs.serialize());
    const message = randomBytes(64);
    expect(theirs.getPublicKey().verify(message, ours.sign(message))).toBe(true);
    expect(ours.getPublicKey().verify(message, theirs.sign(message))).toBe(true);
  });

  it('rejects exactly what native rejects for tampered signatures', () => {
    const theirs = native.PrivateKey.generate();
    const pubBytes = theirs.getPublicKey().serialize();
    const theirPub = native.PublicKey.deserialize(pubBytes);
    const ourPub = PublicKey.deserialize(pubBytes);
    const message = randomBytes(33);
    const signature = theirs.sign(message);
    for (let bit = 0; bit < 512; bit += 7) {
      const forged = Uint8Array.from(signature);
      forged[bit >> 3]! ^= 1 << (bit & 7);
      expect(ourPub.verify(message, forged)).toBe(theirPub.verify(message, forged));
      expect(ourPub.verify(message, forged)).toBe(false);
    }
  });

  it('matches native on verification with degenerate public keys', () => {
    const message = Uint8Array.of(1, 2, 3);
    const signatures = [
      new Uint8Array(64),
      randomBytes(64),
      native.PrivateKey.generate().sign(message),
    ];
    const specialU = [0n, 1n, 2n ** 255n - 20n, 2n ** 255n - 19n, 2n ** 255n - 1n, 9n];
    for (const u of specialU) {
      const bytes = new Uint8Array(33);
      bytes[0] = 5;
      for (let i = 0; i < 32; i++) bytes[1 + i] = Number((u >> BigInt(8 * i)) & 0xffn);
      for (const sig of signatures) {
        for (const top of [0, 0x80]) {
          const s = Uint8Array.from(sig);
          s[63] = (s[63]! & 0x7f) | top;
          const expected = native.PublicKey.deserialize(bytes).verify(message, s);
          expect(PublicKey.deserialize(bytes).verify(message, s), `u=${u} top=${top}`).toBe(
            expected,
          );
        }
      }
    }
  });
});

describe('the browser known answers still hold for native', () => {
  it('native derives the same keys and agreement and accepts both signatures', () => {
    const key = native.PrivateKey.deserialize(fromHex(KAT.privateKey));
    expect(key.serialize()).toEqual(fromHex(KAT.privateKey));
    expect(key.getPublicKey().serialize()).toEqual(fromHex(KAT.publicKey));
    expect(key.agree(native.PublicKey.deserialize(fromHex(KAT.peerPublicKey)))).toEqual(
      fromHex(KAT.agreement),
    );
    const message = new TextEncoder().encode(KAT.message);
    expect(key.getPublicKey().verify(message, fromHex(KAT.nativeSignature))).toBe(true);
    expect(key.getPublicKey().verify(message, fromHex(KAT.ourSignatureWithRandom5a))).toBe(true);
  });
});

describe('WebCrypto fast paths against native', () => {
  it('agree with native on random and degenerate u values (same result or same refusal)', async () => {
    const ours = PrivateKey.generate();
    const theirs = native.PrivateKey.deserialize(ours.serialize());
    const special = [0n, 1n, 2n ** 255n - 20n, 2n ** 255n - 19n, 2n ** 255n - 18n, 2n ** 256n - 1n];
    const peers = [
      ...Array.from({ length: 20 }, () => Uint8Array.from([5, ...randomBytes(32)])),
      ...special.map((u) => {
        const bytes = new Uint8Array(33);
        bytes[0] = 5;
        for (let i = 0; i < 32; i++) bytes[1 + i] = Number((u >> BigInt(8 * i)) & 0xffn);
        return bytes;
      }),
    ];
    for (const peer of peers) {
      let expected: Uint8Array | 'refused';
      try {
        expected = theirs.agree(native.PublicKey.deserialize(peer));
      } catch {
        expected = 'refused';
      }
      const actual = await ours
        ._agreeAsync(PublicKey.deserialize(peer))
        .catch(() => 'refused' as const);
      expect(actual).toEqual(expected);
    }
  });

  it('verify exactly as native on tampered signatures and degenerate keys', async () => {
    const signer = native.PrivateKey.generate();
    const message = randomBytes(40);
    const signature = signer.sign(message);
    const pub = PublicKey.deserialize(signer.getPublicKey().serialize());
    for (let bit = 0; bit < 512; bit += 7) {
      const forged = Uint8Array.from(signature);
      forged[bit >> 3] = forged[bit >> 3]! ^ (1 << (bit & 7));
      expect(await pub._verifyAsync(message, forged)).toBe(
        signer.getPublicKey().verify(message, forged),
      );
    }
    const specialU = [0n, 1n, 2n ** 255n - 20n, 2n ** 255n - 19n, 2n ** 255n - 1n, 9n];
    for (const u of specialU) {
      const bytes = new Uint8Array(33);
      bytes[0] = 5;
      for (let i = 0; i < 32; i++) bytes[1 + i] = Number((u >> BigInt(8 * i)) & 0xffn);
      for (const sig of [new Uint8Array(64), randomBytes(64), signature]) {
        for (const top of [0, 0x80]) {
          const s = Uint8Array.from(sig);
          s[63] = (s[63]! & 0x7f) | top;
          const expected = native.PublicKey.deserialize(bytes).verify(message, s);
          expect(await PublicKey.deserialize(bytes)._verifyAsync(message, s), `u=${u}`).toBe(
            expected,
          );
        }
      }
    }
  });
});

describe('non-canonical s', () => {
  it('accepts s + L (below 2^253) exactly when native does, on both paths', async () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let checked = 0;
    for (let i = 0; i < 30 && checked < 5; i++) {
      const signer = native.PrivateKey.generate();
      const message = randomBytes(20);
      const signature = signer.sign(message);
      let s = 0n;
      for (let j = 31; j >= 0; j--)
        s = (s << 8n) | BigInt(signature[32 + j]! & (j === 31 ? 0x7f : 0xff));
      if (s + L >= 2n ** 253n) continue;
      const bumped = Uint8Array.from(signature);
      for (let j = 0; j < 32; j++) bumped[32 + j] = Number(((s + L) >> BigInt(8 * j)) & 0xffn);
      bumped[63] = (bumped[63]! & 0x7f) | (signature[63]! & 0x80);
      const expected = signer.getPublicKey().verify(message, bumped);
      const pub = PublicKey.deserialize(signer.getPublicKey().serialize());
      expect(pub.verify(message, bumped)).toBe(expected);
      expect(await pub._verifyAsync(message, bumped)).toBe(expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('alternate-identity signatures against native', () => {
  it('native accepts ours and we accept native ones; a different key is refused', () => {
    const ours = IdentityKeyPair.generate();
    const other = PrivateKey.generate().getPublicKey();
    const signature = ours.signAlternateIdentity(other);
    const nativeSigner = native.PublicKey.deserialize(ours.publicKey.serialize());
    const nativeOther = native.PublicKey.deserialize(other.serialize());
    expect(nativeSigner.verifyAlternateIdentity(nativeOther, signature)).toBe(true);
    expect(
      nativeSigner.verifyAlternateIdentity(native.PrivateKey.generate().getPublicKey(), signature),
    ).toBe(false);

    const theirs = native.IdentityKeyPair.generate();
    const theirSignature = theirs.signAlternateIdentity(nativeOther);
    const theirPublic = PublicKey.deserialize(theirs.publicKey.serialize());
    expect(theirPublic.verifyAlternateIdentity(other, theirSignature)).toBe(true);
    expect(theirPublic.verifyAlternateIdentity(ours.publicKey, theirSignature)).toBe(false);
    // Not interchangeable with a plain signature over the key.
    expect(theirPublic.verify(other.serialize(), theirSignature)).toBe(false);
  });
});
