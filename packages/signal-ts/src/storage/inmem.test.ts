/** The in-memory stores (Node and Chromium). */
import { describe, expect, it } from 'vitest';
import { ProtocolAddress } from '../address.js';
import { IdentityKeyPair, PrivateKey } from '../curve/index.js';
import { KEMKeyPair } from '../kem/index.js';
import { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from '../records/index.js';
import { SenderKeyRecord } from '../sender-keys/index.js';
import {
  Direction,
  IdentityChange,
  InMemoryIdentityKeyStore,
  InMemoryKyberPreKeyStore,
  InMemoryPreKeyStore,
  InMemorySenderKeyStore,
  InMemorySignedPreKeyStore,
} from './index.js';

const bob = ProtocolAddress.new('bob', 1);

describe('InMemoryIdentityKeyStore', () => {
  it('serves the local identity and registration id', async () => {
    const pair = IdentityKeyPair.generate();
    const store = new InMemoryIdentityKeyStore(pair, 1234);
    expect(await store.getLocalRegistrationId()).toBe(1234);
    expect((await store.getIdentityKey()).serialize()).toEqual(pair.privateKey.serialize());
    expect((await store.getIdentityKeyPair()).publicKey.equals(pair.publicKey)).toBe(true);
  });

  it('trusts on first use, then only the saved key until it is replaced', async () => {
    const store = new InMemoryIdentityKeyStore(IdentityKeyPair.generate(), 1);
    const first = PrivateKey.generate().getPublicKey();
    const second = PrivateKey.generate().getPublicKey();
    expect(await store.getIdentity(bob)).toBeNull();
    expect(await store.isTrustedIdentity(bob, first, Direction.Receiving)).toBe(true);
    expect(await store.saveIdentity(bob, first)).toBe(IdentityChange.NewOrUnchanged);
    expect(await store.saveIdentity(bob, first)).toBe(IdentityChange.NewOrUnchanged);
    expect(await store.isTrustedIdentity(bob, second, Direction.Sending)).toBe(false);
    expect(await store.saveIdentity(bob, second)).toBe(IdentityChange.ReplacedExisting);
    expect(await store.isTrustedIdentity(bob, second, Direction.Sending)).toBe(true);
    expect((await store.getIdentity(bob))?.equals(second)).toBe(true);
    expect(
      await store.isTrustedIdentity(ProtocolAddress.new('bob', 2), second, Direction.Sending),
    ).toBe(true);
  });
});

describe('prekey stores', () => {
  it('store, return fresh copies, and throw for unknown ids', async () => {
    const key = PrivateKey.generate();
    const preKeys = new InMemoryPreKeyStore();
    await preKeys.savePreKey(1, PreKeyRecord.new(1, key.getPublicKey(), key));
    expect((await preKeys.getPreKey(1)).publicKey().equals(key.getPublicKey())).toBe(true);
    expect(await preKeys.getPreKey(1)).not.toBe(await preKeys.getPreKey(1));
    await preKeys.removePreKey(1);
    await expect(preKeys.getPreKey(1)).rejects.toThrow(/no prekey with id 1/);

    const signed = new InMemorySignedPreKeyStore();
    await signed.saveSignedPreKey(
      2,
      SignedPreKeyRecord.new(2, 5, key.getPublicKey(), key, new Uint8Array(64)),
    );
    expect((await signed.getSignedPreKey(2)).timestamp()).toBe(5);
    await expect(signed.getSignedPreKey(3)).rejects.toThrow(/no signed prekey with id 3/);

    const kyber = new InMemoryKyberPreKeyStore();
    await kyber.saveKyberPreKey(
      4,
      KyberPreKeyRecord.new(4, 6, KEMKeyPair.generate(), new Uint8Array(64)),
    );
    expect((await kyber.getKyberPreKey(4)).id()).toBe(4);
    await kyber.markKyberPreKeyUsed(4, 2, key.getPublicKey());
    expect(kyber.uses()).toHaveLength(1);
    expect((await kyber.getKyberPreKey(4)).id()).toBe(4);
    await expect(kyber.getKyberPreKey(5)).rejects.toThrow(/no Kyber prekey with id 5/);
  });
});

describe('InMemorySenderKeyStore', () => {
  it('keys records by sender address and distribution id', async () => {
    const store = new InMemorySenderKeyStore();
    const id = 'd1d1d1d1-0000-4000-8000-000000000001';
    expect(await store.getSenderKey(bob, id)).toBeNull();
    await store.saveSenderKey(bob, id, SenderKeyRecord._newEmpty());
    expect(await store.getSenderKey(bob, id)).toBeInstanceOf(SenderKeyRecord);
    expect(await store.getSenderKey(ProtocolAddress.new('bob', 2), id)).toBeNull();
  });
});
