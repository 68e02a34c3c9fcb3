/** Curve25519 keys and XEdDSA on their own (runs in Node and in Chromium). */
import { describe, expect, it } from 'vitest';
import { IdentityKeyPair, PrivateKey, PublicKey } from './index.js';
import { expectGenericError } from '../../test/unit/expect-error.js';
import { CURVE_KNOWN_ANSWER as KAT, fromHex } from '../../test/unit/fixtures/curve-known-answer.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('Curve25519 keys', () => {
  it('serializes public keys as 0x05 || u and private keys as 32 clamped bytes', () => {
    const key = PrivateKey.generate();
    const pub = key.getPublicKey();
    expect(pub.serialize().length).toBe(33);
    expect(pub.serialize()[0]).toBe(0x05);
    expect(pub.getPublicKeyBytes()).toEqual(pub.serialize().subarray(1));
    const raw = key.serialize();
    expect(raw.length).toBe(32);
    expect(raw[0]! & 7).toBe(0);
    expect(raw[31]! & 0xc0).toBe(0x40);
    expect(PublicKey.deserialize(pub.serialize()).equals(pub)).toBe(true);
    expect(PrivateKey.deserialize(raw).getPublicKey().equals(pub)).toBe(true);
  });

  it('clamps a private key on load, as native does', () => {
    expect(PrivateKey.deserialize(new Uint8Array(32).fill(0xff)).serialize()).toEqual(
      Uint8Array.from([0xf8, ...new Array<number>(30).fill(0xff), 0x7f]),
    );
  });

  it('rejects malformed keys with clear errors', () => {
    expectGenericError(() => PublicKey.deserialize(new Uint8Array(0)), /no key type identifier/);
    expectGenericError(() => PublicKey.deserialize(new Uint8Array(33)), /bad key type <0x00>/);
    expectGenericError(() => PublicKey.deserialize(Uint8Array.of(5, 1, 2)), /bad key length <3>/);
    expectGenericError(() => PrivateKey.deserialize(new Uint8Array(31)), /bad key length <31>/);
    expectGenericError(() => PrivateKey.deserialize(new Uint8Array(33)), /bad key length <33>/);
  });

  it('ignores bytes after the 33rd, as native does', () => {
    const pub = PrivateKey.generate().getPublicKey();
    const longer = Uint8Array.from([...pub.serialize(), 1, 2, 3]);
    expect(PublicKey.deserialize(longer).serialize()).toEqual(pub.serialize());
  });

  it('agrees on a shared secret both ways', () => {
    const a = PrivateKey.generate();
    const b = PrivateKey.generate();
    expect(a.agree(b.getPublicKey())).toEqual(b.agree(a.getPublicKey()));
    expect(a.agree(b.getPublicKey()).length).toBe(32);
  });

  it.each([
    ['zero', 0n],
    ['one', 1n],
    ['p - 1', 2n ** 255n - 20n],
    ['p (non-canonical zero)', 2n ** 255n - 19n],
    [
      'an order-8 point',
      325606250916557431795983626356110631294008115727848805560023387167927233504n,
    ],
  ])('refuses agreement with a low-order key (%s)', (_name, u) => {
    const bytes = new Uint8Array(33);
    bytes[0] = 5;
    for (let i = 0; i < 32; i++) bytes[1 + i] = Number((u >> BigInt(8 * i)) & 0xffn);
    expectGenericError(
      () => PrivateKey.generate().agree(PublicKey.deserialize(bytes)),
      /invalid key agreement/,
    );
  });

  it('returns copies, never its internal bytes', () => {
    const key = PrivateKey.generate();
    const pub = key.getPublicKey();
    const copy = pub.serialize();
    copy[5] = copy[5]! ^ 1;
    expect(pub.serialize()).not.toEqual(copy);
    const raw = key.serialize();
    raw[5] = raw[5]! ^ 1;
    expect(key.serialize()).not.toEqual(raw);
  });
});

describe('XEdDSA', () => {
  const key = PrivateKey.generate();
  const pub = key.getPublicKey();
  const message = utf8('a signed prekey, say');
  const signature = key.sign(message);

  it('signs 64 bytes that verify, for empty, short and large messages', () => {
    expect(signature.length).toBe(64);
    expect(pub.verify(message, signature)).toBe(true);
    for (const m of [new Uint8Array(0), Uint8Array.of(1), new Uint8Array(100_000).fill(7)]) {
      expect(pub.verify(m, key.sign(m))).toBe(true);
    }
  });

  it('randomizes signatures (fresh nonce randomness each time)', () => {
    expect(key.sign(message)).not.toEqual(key.sign(message));
  });

  it('is deterministic for fixed nonce randomness', () => {
    const random = new Uint8Array(64).fill(9);
    expect(key._signWithRandom(message, random)).toEqual(key._signWithRandom(message, random));
  });

  it('detects every flipped bit of the signature', () => {
    for (let bit = 0; bit < 512; bit++) {
      const forged = Uint8Array.from(signature);
      forged[bit >> 3]! ^= 1 << (bit & 7);
      expect(pub.verify(message, forged), `bit ${bit}`).toBe(false);
    }
  });

  it('detects a flipped bit of the message, a wrong key and wrong lengths', () => {
    for (let bit = 0; bit < message.length * 8; bit += 7) {
      const altered = Uint8Array.from(message);
      altered[bit >> 3]! ^= 1 << (bit & 7);
      expect(pub.verify(altered, signature)).toBe(false);
    }
    expect(PrivateKey.generate().getPublicKey().verify(message, signature)).toBe(false);
    expect(pub.verify(message, signature.subarray(0, 63))).toBe(false);
    expect(pub.verify(message, Uint8Array.from([...signature, 0]))).toBe(false);
    expect(pub.verify(message, new Uint8Array(64))).toBe(false);
  });

  it('rejects an s with its top bits set even if it would reduce to the right value', () => {
    // s + 8L has the same residue mod L as s but needs bits above 2^253: libsignal refuses it.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--)
      s = (s << 8n) | BigInt(signature[32 + i]! & (i === 31 ? 0x7f : 0xff));
    const bumped = s + 8n * L;
    const forged = Uint8Array.from(signature);
    for (let i = 0; i < 32; i++) forged[32 + i] = Number((bumped >> BigInt(8 * i)) & 0xffn);
    forged[63] = (forged[63]! & 0x7f) | (signature[63]! & 0x80);
    expect(pub.verify(message, forged)).toBe(false);
  });
});

describe('known answers from native', () => {
  const key = PrivateKey.deserialize(fromHex(KAT.privateKey));
  const message = utf8(KAT.message);

  it('derives the public key and agreement native derived', () => {
    expect(key.getPublicKey().serialize()).toEqual(fromHex(KAT.publicKey));
    expect(key.agree(PublicKey.deserialize(fromHex(KAT.peerPublicKey)))).toEqual(
      fromHex(KAT.agreement),
    );
  });

  it('verifies the native signature and rejects it on another message', () => {
    const pub = PublicKey.deserialize(fromHex(KAT.publicKey));
    expect(pub.verify(message, fromHex(KAT.nativeSignature))).toBe(true);
    expect(pub.verify(utf8(KAT.message + '!'), fromHex(KAT.nativeSignature))).toBe(false);
  });

  it('signs deterministically for fixed nonce randomness', () => {
    expect(key._signWithRandom(message, new Uint8Array(64).fill(0x5a))).toEqual(
      fromHex(KAT.ourSignatureWithRandom5a),
    );
  });
});

describe('IdentityKeyPair', () => {
  it('round-trips through its protobuf form', () => {
    const pair = IdentityKeyPair.generate();
    const bytes = pair.serialize();
    expect(bytes.length).toBe(69);
    const back = IdentityKeyPair.deserialize(bytes);
    expect(back.publicKey.equals(pair.publicKey)).toBe(true);
    expect(back.privateKey.serialize()).toEqual(pair.privateKey.serialize());
    expect(back.serialize()).toEqual(bytes);
  });

  it('rejects garbage with an error', () => {
    expectGenericError(
      () => IdentityKeyPair.deserialize(Uint8Array.of(1, 2, 3)),
      /protobuf encoding was invalid/,
    );
    expectGenericError(
      () => IdentityKeyPair.deserialize(new Uint8Array(0)),
      /no key type identifier/,
    );
  });
});

describe('WebCrypto fast paths', () => {
  it('agree the same as the synchronous path, and refuse low-order keys the same way', async () => {
    const a = PrivateKey.generate();
    const b = PrivateKey.generate();
    expect(await a._agreeAsync(b.getPublicKey())).toEqual(a.agree(b.getPublicKey()));
    expect(await b._agreeAsync(a.getPublicKey())).toEqual(a.agree(b.getPublicKey()));
    const lowOrder = PublicKey.deserialize(
      Uint8Array.from([5, 1, ...new Array<number>(31).fill(0)]),
    );
    await expect(a._agreeAsync(lowOrder)).rejects.toThrow(/invalid key agreement/);
  });

  it('verify exactly what the synchronous path verifies, including every flipped bit', async () => {
    const key = PrivateKey.generate();
    const pub = key.getPublicKey();
    const message = utf8('group message, say');
    const signature = key.sign(message);
    expect(await pub._verifyAsync(message, signature)).toBe(true);
    for (let bit = 0; bit < 512; bit += 5) {
      const forged = Uint8Array.from(signature);
      forged[bit >> 3] = forged[bit >> 3]! ^ (1 << (bit & 7));
      expect(await pub._verifyAsync(message, forged), `bit ${bit}`).toBe(
        pub.verify(message, forged),
      );
    }
    expect(await pub._verifyAsync(utf8('other'), signature)).toBe(false);
    expect(await pub._verifyAsync(message, signature.subarray(1))).toBe(false);
    expect(
      await PublicKey.deserialize(fromHex(KAT.publicKey))._verifyAsync(
        utf8(KAT.message),
        fromHex(KAT.nativeSignature),
      ),
    ).toBe(true);
  });
});

describe('async key generation', () => {
  it('derives the same public key as the synchronous path', async () => {
    for (let i = 0; i < 5; i++) {
      const key = await PrivateKey._generateAsync();
      const reloaded = PrivateKey.deserialize(key.serialize());
      expect(key.getPublicKey().serialize()).toEqual(reloaded.getPublicKey().serialize());
    }
  });
});
