/** Prekey records: round trips, lazy key parsing and garbage handling (Node and Chromium). */
import { describe, expect, it } from 'vitest';
import { expectGenericError } from '../../test/unit/expect-error.js';
import { PrivateKey } from '../curve/index.js';
import { KEMKeyPair } from '../kem/index.js';
import { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from './index.js';

describe('prekey records', () => {
  it('round-trip a one-time prekey', () => {
    const key = PrivateKey.generate();
    const record = PreKeyRecord.new(42, key.getPublicKey(), key);
    const back = PreKeyRecord.deserialize(record.serialize());
    expect(back.id()).toBe(42);
    expect(back.publicKey().equals(key.getPublicKey())).toBe(true);
    expect(back.privateKey().serialize()).toEqual(key.serialize());
    expect(back.serialize()).toEqual(record.serialize());
  });

  it('round-trip a signed prekey with its signature and timestamp', () => {
    const identity = PrivateKey.generate();
    const key = PrivateKey.generate();
    const signature = identity.sign(key.getPublicKey().serialize());
    const timestamp = 1_764_000_000_123;
    const record = SignedPreKeyRecord.new(7, timestamp, key.getPublicKey(), key, signature);
    const back = SignedPreKeyRecord.deserialize(record.serialize());
    expect(back.id()).toBe(7);
    expect(back.timestamp()).toBe(timestamp);
    expect(back.signature()).toEqual(signature);
    expect(identity.getPublicKey().verify(back.publicKey().serialize(), back.signature())).toBe(
      true,
    );
    expect(back.privateKey().serialize()).toEqual(key.serialize());
  });

  it('round-trip a Kyber prekey', () => {
    const identity = PrivateKey.generate();
    const pair = KEMKeyPair.generate();
    const signature = identity.sign(pair.getPublicKey().serialize());
    const record = KyberPreKeyRecord.new(0xffffff, 99, pair, signature);
    const back = KyberPreKeyRecord.deserialize(record.serialize());
    expect(back.id()).toBe(0xffffff);
    expect(back.timestamp()).toBe(99);
    expect(back.publicKey().serialize()).toEqual(pair.getPublicKey().serialize());
    expect(back.secretKey().serialize()).toEqual(pair.getSecretKey().serialize());
    expect(back.keyPair().getPublicKey().serialize()).toEqual(pair.getPublicKey().serialize());
    expect(identity.getPublicKey().verify(back.publicKey().serialize(), back.signature())).toBe(
      true,
    );
  });

  it('rejects bad protobuf at once and bad keys when they are read (as native)', () => {
    for (const parse of [
      PreKeyRecord.deserialize,
      SignedPreKeyRecord.deserialize,
      KyberPreKeyRecord.deserialize,
    ]) {
      expect(() => parse(Uint8Array.of(0x0a, 0x05, 1))).toThrow(/protobuf encoding was invalid/);
    }
    const record = PreKeyRecord.deserialize(Uint8Array.of(0x08, 0x01));
    expect(record.id()).toBe(1);
    expectGenericError(() => record.publicKey());
    expect(() => KyberPreKeyRecord.deserialize(Uint8Array.of(0x08, 0x01)).publicKey()).toThrow(
      /no key type identifier/,
    );
  });
});
