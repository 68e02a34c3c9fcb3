/** Sender keys within signal-ts: distribution, ordering, tampering, limits, rotation (Node and Chromium). */
import { cbc } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { ProtocolAddress } from '../address.js';
import { ErrorCode, LibSignalErrorBase } from '../error.js';
import { PrivateKey } from '../curve/index.js';
import { InMemorySenderKeyStore } from '../storage/index.js';
import {
  groupDecrypt,
  groupEncrypt,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
  SenderKeyRecord,
} from './index.js';
import { expandMessageKey, messageKeySeed, nextChainKey } from './sender-chain.js';

const alice = ProtocolAddress.new('alice', 1);
const DIST = '6c4e1f5a-2b3c-4d5e-8f90-a1b2c3d4e5f6';
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

async function group() {
  const senderStore = new InMemorySenderKeyStore();
  const receiverStore = new InMemorySenderKeyStore();
  const skdm = await SenderKeyDistributionMessage.create(alice, DIST, senderStore);
  await processSenderKeyDistributionMessage(
    alice,
    SenderKeyDistributionMessage.deserialize(skdm.serialize()),
    receiverStore,
  );
  const send = async (s: string) =>
    (await groupEncrypt(alice, DIST, senderStore, text(s))).serialize();
  const receive = async (bytes: Uint8Array) => str(await groupDecrypt(alice, receiverStore, bytes));
  return { senderStore, receiverStore, skdm, send, receive };
}

async function expectCode(
  promise: Promise<unknown>,
  code: ErrorCode,
  message?: RegExp,
): Promise<void> {
  try {
    await promise;
    expect.unreachable();
  } catch (err) {
    expect(LibSignalErrorBase.is(err, code), String(err)).toBe(true);
    if (message !== undefined) expect((err as Error).message).toMatch(message);
  }
}

describe('sender-key distribution message', () => {
  it('describes a fresh 31-bit chain at iteration 0 and is stable once created', async () => {
    const store = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(alice, DIST.toUpperCase(), store);
    expect(skdm.distributionId()).toBe(DIST);
    expect(skdm.iteration()).toBe(0);
    expect(skdm.chainId()).toBeLessThan(2 ** 31);
    expect(skdm.chainKey().length).toBe(32);
    expect(skdm.serialize()[0]).toBe(0x33);
    const again = await SenderKeyDistributionMessage.create(alice, DIST, store);
    expect(again.serialize()).toEqual(skdm.serialize());
    const parsed = SenderKeyDistributionMessage.deserialize(skdm.serialize());
    expect(parsed.chainId()).toBe(skdm.chainId());
    expect(parsed.chainKey()).toEqual(skdm.chainKey());
  });

  it('rejects garbage, short input and other versions', () => {
    expect(() => SenderKeyDistributionMessage.deserialize(new Uint8Array(10))).toThrow(
      /too short <10>/,
    );
    const good = new Uint8Array(80).fill(0x33);
    expect(() => SenderKeyDistributionMessage.deserialize(good)).toThrow(LibSignalErrorBase);
    good[0] = 0x23;
    expect(() => SenderKeyDistributionMessage.deserialize(good)).toThrow(/too old <2>/);
    good[0] = 0x43;
    expect(() => SenderKeyDistributionMessage.deserialize(good)).toThrow(/unrecognized <4>/);
  });

  it('refuses a malformed distribution id like native (TypeError)', async () => {
    await expect(
      SenderKeyDistributionMessage.create(alice, 'not-a-uuid', new InMemorySenderKeyStore()),
    ).rejects.toThrow(TypeError);
  });
});

describe('group messages', () => {
  it('decrypt in order, out of order, and after losses', async () => {
    const g = await group();
    const sent = [];
    for (let i = 0; i < 10; i++) sent.push(await g.send(`m${i}`));
    expect(await g.receive(sent[0]!)).toBe('m0');
    expect(await g.receive(sent[5]!)).toBe('m5');
    expect(await g.receive(sent[2]!)).toBe('m2');
    expect(await g.receive(sent[9]!)).toBe('m9');
    expect(await g.receive(sent[1]!)).toBe('m1');
    const msg = SenderKeyMessage.deserialize(sent[3]!);
    expect(msg.iteration()).toBe(3);
    expect(msg.distributionId()).toBe(DIST);
    expect(msg.chainId()).toBe(g.skdm.chainId());
  });

  it('reports a replay as DuplicatedMessage', async () => {
    const g = await group();
    const first = await g.send('once');
    const second = await g.send('twice');
    await g.receive(second);
    await g.receive(first);
    await expectCode(g.receive(first), ErrorCode.DuplicatedMessage);
    await expectCode(g.receive(second), ErrorCode.DuplicatedMessage);
  });

  it('detects a flipped bit anywhere in the message and keeps the chain usable', async () => {
    const g = await group();
    const bytes = await g.send('tamper with me');
    for (let bit = 0; bit < bytes.length * 8; bit += 5) {
      const forged = Uint8Array.from(bytes);
      forged[bit >> 3] = forged[bit >> 3]! ^ (1 << (bit & 7));
      await expect(g.receive(forged), `bit ${bit}`).rejects.toThrow(LibSignalErrorBase);
    }
    expect(await g.receive(bytes)).toBe('tamper with me');
  });

  it('rejects a message signed by another key', async () => {
    const g = await group();
    const genuine = SenderKeyMessage.deserialize(await g.send('genuine'));
    const forged = SenderKeyMessage._new(
      3,
      DIST,
      genuine.chainId(),
      genuine.iteration(),
      genuine.ciphertext(),
      PrivateKey.generate(),
    );
    await expectCode(g.receive(forged.serialize()), ErrorCode.Generic, /invalid signature/);
    expect(await g.receive(genuine.serialize())).toBe('genuine');
  });

  it('enforces the forward-jump limit and leaves the stored record untouched on failure', async () => {
    const g = await group();
    const signer = (await g.senderStore.getSenderKey(alice, DIST))!
      ._currentState()!
      .signingKeyPrivate()!;
    const before = (await g.receiverStore.getSenderKey(alice, DIST))!.serialize();
    const tooFar = SenderKeyMessage._new(
      3,
      DIST,
      g.skdm.chainId(),
      25_001,
      new Uint8Array(16),
      signer,
    );
    await expectCode(g.receive(tooFar.serialize()), ErrorCode.Generic, /too far into the future/);
    // At the limit the chain advances, but garbage ciphertext fails and nothing is stored.
    const atLimit = SenderKeyMessage._new(
      3,
      DIST,
      g.skdm.chainId(),
      25_000,
      new Uint8Array(16),
      signer,
    );
    await expectCode(g.receive(atLimit.serialize()), ErrorCode.Generic, /decryption failed/);
    expect((await g.receiverStore.getSenderKey(alice, DIST))!.serialize()).toEqual(before);
    expect(await g.receive(await g.send('still fine'))).toBe('still fine');
  });

  it('keeps only the newest 2000 skipped message keys', async () => {
    const g = await group();
    const signer = (await g.senderStore.getSenderKey(alice, DIST))!
      ._currentState()!
      .signingKeyPrivate()!;
    // Messages at chosen iterations, encrypted with keys derived from the distributed chain key.
    const craft = (iteration: number, body: string) => {
      let chain = { iteration: 0, seed: g.skdm.chainKey() };
      while (chain.iteration < iteration) chain = nextChainKey(chain);
      const key = expandMessageKey(messageKeySeed(chain));
      const ciphertext = cbc(key.cipherKey, key.iv).encrypt(text(body));
      return SenderKeyMessage._new(
        3,
        DIST,
        g.skdm.chainId(),
        iteration,
        ciphertext,
        signer,
      ).serialize();
    };
    expect(await g.receive(craft(2_500, 'far'))).toBe('far');
    // Skipped 0..2499; only 500..2499 are kept.
    await expectCode(g.receive(craft(499, 'evicted')), ErrorCode.DuplicatedMessage);
    expect(await g.receive(craft(500, 'oldest kept'))).toBe('oldest kept');
    expect(await g.receive(craft(2_499, 'newest kept'))).toBe('newest kept');
  });

  it('fails with NoSenderKeyState without a distribution message, and InvalidSenderKeySession for a receive-only record', async () => {
    const g = await group();
    const message = await g.send('hello');
    const stranger = new InMemorySenderKeyStore();
    await expectCode(
      groupDecrypt(alice, stranger, message),
      ErrorCode.Generic,
      /missing sender key state/,
    );
    await expectCode(
      groupEncrypt(alice, DIST, stranger, text('x')),
      ErrorCode.Generic,
      /missing sender key state/,
    );
    await expectCode(
      groupEncrypt(alice, DIST, g.receiverStore, text('x')),
      ErrorCode.InvalidSenderKeySession,
    );
  });

  it('rotates: a new chain per distribution message, old chains kept up to five', async () => {
    const receiverStore = new InMemorySenderKeyStore();
    const chains = [];
    for (let i = 0; i < 6; i++) {
      const senderStore = new InMemorySenderKeyStore(); // a reset sender: new chain id and keys
      const skdm = await SenderKeyDistributionMessage.create(alice, DIST, senderStore);
      await processSenderKeyDistributionMessage(alice, skdm, receiverStore);
      chains.push((await groupEncrypt(alice, DIST, senderStore, text(`chain ${i}`))).serialize());
    }
    expect((await receiverStore.getSenderKey(alice, DIST))!._stateCount()).toBe(5);
    for (let i = 1; i < 6; i++)
      expect(str(await groupDecrypt(alice, receiverStore, chains[i]!))).toBe(`chain ${i}`);
    await expectCode(
      groupDecrypt(alice, receiverStore, chains[0]!),
      ErrorCode.Generic,
      /missing sender key state/,
    );
  });

  it('processing the same distribution message twice does not rewind the chain', async () => {
    const g = await group();
    const m = await g.send('once');
    expect(await g.receive(m)).toBe('once');
    await processSenderKeyDistributionMessage(alice, g.skdm, g.receiverStore);
    await expectCode(g.receive(m), ErrorCode.DuplicatedMessage);
  });

  it('survives serialization of both records mid-conversation', async () => {
    const g = await group();
    const early = await g.send('early');
    const senderRecord = SenderKeyRecord.deserialize(
      (await g.senderStore.getSenderKey(alice, DIST))!.serialize(),
    );
    await g.senderStore.saveSenderKey(alice, DIST, senderRecord);
    const late = await g.send('late');
    expect(await g.receive(late)).toBe('late');
    const receiverRecord = SenderKeyRecord.deserialize(
      (await g.receiverStore.getSenderKey(alice, DIST))!.serialize(),
    );
    await g.receiverStore.saveSenderKey(alice, DIST, receiverRecord);
    expect(await g.receive(early)).toBe('early');
  });

  it('rejects short and garbage messages with errors', async () => {
    const g = await group();
    await expectCode(g.receive(new Uint8Array(10)), ErrorCode.Generic, /too short/);
    await expectCode(g.receive(new Uint8Array(100).fill(0x33)), ErrorCode.Generic);
    expect(() => SenderKeyRecord.deserialize(Uint8Array.of(0x0a, 0x09, 0x01))).toThrow(/protobuf/);
  });
});
