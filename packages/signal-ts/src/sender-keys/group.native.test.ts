/**
 * Sender keys across engines: distribution messages, group messages (both directions, out of
 * order, duplicated, tampered), records and signatures exchanged with libsignal-client.
 */
import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { NativeSenderKeyStore } from '../../test/unit/native/native-sender-key-store.js';
import { ProtocolAddress } from '../address.js';
import { PrivateKey, PublicKey } from '../curve/index.js';
import { ErrorCode, LibSignalErrorBase } from '../error.js';
import { InMemorySenderKeyStore } from '../storage/index.js';
import {
  groupDecrypt,
  groupEncrypt,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
  SenderKeyRecord,
} from './index.js';

const DIST = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const ours = ProtocolAddress.new('sender', 2);
const theirs = native.ProtocolAddress.new('sender', 2);

describe('sender keys: native sends, signal-ts receives', () => {
  it('decrypts in order, out of order, rejects replays and tampering', async () => {
    const nativeStore = new NativeSenderKeyStore();
    const skdm = await native.SenderKeyDistributionMessage.create(theirs, DIST, nativeStore);
    const receiver = new InMemorySenderKeyStore();
    await processSenderKeyDistributionMessage(
      ours,
      SenderKeyDistributionMessage.deserialize(skdm.serialize()),
      receiver,
    );
    const sent = [];
    for (let i = 0; i < 8; i++)
      sent.push((await native.groupEncrypt(theirs, DIST, nativeStore, text(`n${i}`))).serialize());
    for (const i of [0, 4, 1, 7, 2])
      expect(str(await groupDecrypt(ours, receiver, sent[i]!))).toBe(`n${i}`);
    await expect(groupDecrypt(ours, receiver, sent[4]!)).rejects.toSatisfy((e) =>
      LibSignalErrorBase.is(e, ErrorCode.DuplicatedMessage),
    );
    const forged = Uint8Array.from(sent[5]!);
    forged[forged.length - 40] = forged[forged.length - 40]! ^ 1;
    await expect(groupDecrypt(ours, receiver, forged)).rejects.toThrow(/invalid signature/);
    expect(str(await groupDecrypt(ours, receiver, sent[5]!))).toBe('n5');
  });

  it('reads the fields of native messages exactly', async () => {
    const nativeStore = new NativeSenderKeyStore();
    const skdm = await native.SenderKeyDistributionMessage.create(theirs, DIST, nativeStore);
    const parsed = SenderKeyDistributionMessage.deserialize(skdm.serialize());
    expect(parsed.chainId()).toBe(skdm.chainId());
    expect(parsed.iteration()).toBe(skdm.iteration());
    expect(parsed.chainKey()).toEqual(skdm.chainKey());
    expect(parsed.distributionId()).toBe(skdm.distributionId());
    const message = (await native.groupEncrypt(theirs, DIST, nativeStore, text('x'))).serialize();
    const nativeParsed = native.SenderKeyMessage.deserialize(message);
    const ourParsed = SenderKeyMessage.deserialize(message);
    expect(ourParsed.chainId()).toBe(nativeParsed.chainId());
    expect(ourParsed.iteration()).toBe(nativeParsed.iteration());
    expect(ourParsed.ciphertext()).toEqual(nativeParsed.ciphertext());
    expect(ourParsed.distributionId()).toBe(nativeParsed.distributionId());
  });
});

describe('sender keys: signal-ts sends, native receives', () => {
  it('native decrypts in order, out of order, and rejects replays and tampering', async () => {
    const sender = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(ours, DIST, sender);
    const nativeStore = new NativeSenderKeyStore();
    await native.processSenderKeyDistributionMessage(
      theirs,
      native.SenderKeyDistributionMessage.deserialize(skdm.serialize()),
      nativeStore,
    );
    const sent = [];
    for (let i = 0; i < 8; i++)
      sent.push((await groupEncrypt(ours, DIST, sender, text(`t${i}`))).serialize());
    for (const i of [1, 0, 6, 3, 7])
      expect(str(await native.groupDecrypt(theirs, nativeStore, sent[i]!))).toBe(`t${i}`);
    await expect(native.groupDecrypt(theirs, nativeStore, sent[6]!)).rejects.toSatisfy((e) =>
      native.LibSignalErrorBase.is(e, native.ErrorCode.DuplicatedMessage),
    );
    const forged = Uint8Array.from(sent[2]!);
    forged[10] = forged[10]! ^ 0x80;
    await expect(native.groupDecrypt(theirs, nativeStore, forged)).rejects.toThrow();
    expect(str(await native.groupDecrypt(theirs, nativeStore, sent[2]!))).toBe('t2');
  });

  it('native verifies our sender-key signatures and we verify native ones', async () => {
    const signer = PrivateKey.generate();
    const ourMessage = SenderKeyMessage._new(3, DIST, 7, 9, text('ciphertext'), signer);
    const asNative = native.SenderKeyMessage.deserialize(ourMessage.serialize());
    expect(
      asNative.verifySignature(native.PublicKey.deserialize(signer.getPublicKey().serialize())),
    ).toBe(true);
    expect(asNative.verifySignature(native.PrivateKey.generate().getPublicKey())).toBe(false);

    const nativeSigner = native.PrivateKey.generate();
    const nativeMessage = native.SenderKeyMessage._new(
      3,
      DIST,
      7,
      9,
      text('ciphertext'),
      nativeSigner,
    );
    const parsed = SenderKeyMessage.deserialize(nativeMessage.serialize());
    expect(
      parsed.verifySignature(PublicKey.deserialize(nativeSigner.getPublicKey().serialize())),
    ).toBe(true);
    // Same fields, different signatures (randomized): the bodies are byte-identical.
    expect(ourMessage.serialize().subarray(0, -64)).toEqual(
      nativeMessage.serialize().subarray(0, -64),
    );
  });

  it('builds distribution messages byte-identical to native for the same fields', () => {
    const key = native.PrivateKey.generate().getPublicKey();
    const chainKey = new Uint8Array(32).fill(7);
    const theirsSkdm = native.SenderKeyDistributionMessage._new(3, DIST, 123456, 42, chainKey, key);
    const oursSkdm = SenderKeyDistributionMessage._new(
      3,
      DIST,
      123456,
      42,
      chainKey,
      PublicKey.deserialize(key.serialize()),
    );
    expect(oursSkdm.serialize()).toEqual(theirsSkdm.serialize());
  });
});

describe('sender-key records across engines', () => {
  it('a sender record moves between engines mid-conversation and keeps working', async () => {
    // signal-ts sender creates the chain, native continues sending from the same record.
    const oursStore = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(ours, DIST, oursStore);
    const receiver = new InMemorySenderKeyStore();
    await processSenderKeyDistributionMessage(ours, skdm, receiver);
    const first = (await groupEncrypt(ours, DIST, oursStore, text('from ts'))).serialize();

    const nativeStore = new NativeSenderKeyStore();
    nativeStore.records.set(
      `${theirs.toString()}/${DIST}`,
      (await oursStore.getSenderKey(ours, DIST))!.serialize(),
    );
    const second = (
      await native.groupEncrypt(theirs, DIST, nativeStore, text('from native'))
    ).serialize();

    const back = SenderKeyRecord.deserialize(
      nativeStore.records.get(`${theirs.toString()}/${DIST}`)!,
    );
    await oursStore.saveSenderKey(ours, DIST, back);
    const third = (await groupEncrypt(ours, DIST, oursStore, text('ts again'))).serialize();

    expect(str(await groupDecrypt(ours, receiver, third))).toBe('ts again');
    expect(str(await groupDecrypt(ours, receiver, first))).toBe('from ts');
    expect(str(await groupDecrypt(ours, receiver, second))).toBe('from native');
  });

  it('serializes records byte-identically to native after the same history', async () => {
    const nativeStore = new NativeSenderKeyStore();
    const skdm = await native.SenderKeyDistributionMessage.create(theirs, DIST, nativeStore);
    const nativeReceiver = new NativeSenderKeyStore();
    await native.processSenderKeyDistributionMessage(theirs, skdm, nativeReceiver);
    const ourReceiver = new InMemorySenderKeyStore();
    await processSenderKeyDistributionMessage(
      ours,
      SenderKeyDistributionMessage.deserialize(skdm.serialize()),
      ourReceiver,
    );
    const messages = [];
    for (let i = 0; i < 5; i++)
      messages.push(
        (await native.groupEncrypt(theirs, DIST, nativeStore, text(`${i}`))).serialize(),
      );
    for (const i of [3, 0]) {
      await native.groupDecrypt(theirs, nativeReceiver, messages[i]!);
      await groupDecrypt(ours, ourReceiver, messages[i]!);
    }
    const nativeBytes = nativeReceiver.records.get(`${theirs.toString()}/${DIST}`)!;
    expect((await ourReceiver.getSenderKey(ours, DIST))!.serialize()).toEqual(nativeBytes);
    const senderBytes = nativeStore.records.get(`${theirs.toString()}/${DIST}`)!;
    expect(SenderKeyRecord.deserialize(senderBytes).serialize()).toEqual(senderBytes);
  });
});
