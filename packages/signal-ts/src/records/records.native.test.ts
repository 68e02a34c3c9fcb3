/** Prekey records exchanged with libsignal-client: byte-identical serializations both ways. */
import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { PrivateKey, PublicKey } from '../curve/index.js';
import { KEMKeyPair, KEMPublicKey } from '../kem/index.js';
import { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from './index.js';

describe('records against native', () => {
  it('serializes a one-time prekey exactly as native (including id 0)', () => {
    for (const id of [0, 1, 300, 0xffffff]) {
      const theirs = native.PrivateKey.generate();
      const nativeRecord = native.PreKeyRecord.new(id, theirs.getPublicKey(), theirs);
      const key = PrivateKey.deserialize(theirs.serialize());
      expect(PreKeyRecord.new(id, key.getPublicKey(), key).serialize()).toEqual(
        nativeRecord.serialize(),
      );
      const back = PreKeyRecord.deserialize(nativeRecord.serialize());
      expect(back.id()).toBe(id);
      expect(back.publicKey().serialize()).toEqual(theirs.getPublicKey().serialize());
    }
  });

  it('serializes a signed prekey exactly as native, and native reads ours', () => {
    const identity = native.PrivateKey.generate();
    const theirs = native.PrivateKey.generate();
    const signature = identity.sign(theirs.getPublicKey().serialize());
    for (const timestamp of [0, 1, Date.now()]) {
      const nativeRecord = native.SignedPreKeyRecord.new(
        5,
        timestamp,
        theirs.getPublicKey(),
        theirs,
        signature,
      );
      const key = PrivateKey.deserialize(theirs.serialize());
      const ours = SignedPreKeyRecord.new(5, timestamp, key.getPublicKey(), key, signature);
      expect(ours.serialize()).toEqual(nativeRecord.serialize());
      const read = native.SignedPreKeyRecord.deserialize(ours.serialize());
      expect(read.timestamp()).toBe(timestamp);
      expect(read.signature()).toEqual(signature);
      expect(SignedPreKeyRecord.deserialize(nativeRecord.serialize()).timestamp()).toBe(timestamp);
    }
  });

  it('exchanges Kyber prekey records both ways, and native verifies our signature over it', () => {
    const identity = PrivateKey.generate();
    const pair = KEMKeyPair.generate();
    const signature = identity.sign(pair.getPublicKey().serialize());
    const ours = KyberPreKeyRecord.new(9, 1234, pair, signature);
    const read = native.KyberPreKeyRecord.deserialize(ours.serialize());
    expect(read.id()).toBe(9);
    expect(read.timestamp()).toBe(1234);
    expect(read.publicKey().serialize()).toEqual(pair.getPublicKey().serialize());
    expect(read.secretKey().serialize()).toEqual(pair.getSecretKey().serialize());
    const nativeIdentity = native.PublicKey.deserialize(identity.getPublicKey().serialize());
    expect(nativeIdentity.verify(read.publicKey().serialize(), read.signature())).toBe(true);
    expect(read.serialize()).toEqual(ours.serialize());

    const theirPair = native.KEMKeyPair.generate();
    const theirIdentity = native.PrivateKey.generate();
    const theirRecord = native.KyberPreKeyRecord.new(
      3,
      77,
      theirPair,
      theirIdentity.sign(theirPair.getPublicKey().serialize()),
    );
    const back = KyberPreKeyRecord.deserialize(theirRecord.serialize());
    expect(back.serialize()).toEqual(theirRecord.serialize());
    expect(
      PublicKey.deserialize(theirIdentity.getPublicKey().serialize()).verify(
        KEMPublicKey.deserialize(back.publicKey().serialize()).serialize(),
        back.signature(),
      ),
    ).toBe(true);
  });
});
