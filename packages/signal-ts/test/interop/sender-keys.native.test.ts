/**
 * Sender keys (group messages) across engines: distribution, out-of-order and lost messages,
 * tampering and forged signatures, rotation. (Node-only: imports libsignal-client.)
 */
import { describe, expect } from 'vitest';
import { expectDecrypted, expectFailure, interopCase } from './harness/cases.js';
import { Party, text } from './harness/party.js';
import type { EnginePair } from './harness/engines.js';

/** A group sender on the pair's sender engine and a member on its receiver engine. */
async function group(pair: EnginePair) {
  const sender = Party.create(pair.sender);
  const member = Party.create(pair.receiver);
  const distributionId = crypto.randomUUID();
  await member.processDistribution(sender.id, await sender.createDistribution(distributionId));
  const post = (body: string) => sender.groupEncrypt(distributionId, text(body));
  return { sender, member, distributionId, post };
}

function flipBit(bytes: Uint8Array<ArrayBuffer>, bit: number): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

describe('sender keys', () => {
  interopCase(
    'a distribution message sets up the chain; messages decrypt in order',
    async (pair) => {
      const g = await group(pair);
      for (let i = 0; i < 5; i++) {
        const message = await g.post(`group ${i}`);
        expect(message[0]).toBe(0x33);
        expectDecrypted(await g.member.tryGroupDecrypt(g.sender.id, message), `group ${i}`);
      }
    },
  );

  interopCase('out of order and lost group messages; duplicates are refused', async (pair) => {
    const g = await group(pair);
    const sent = [];
    for (let i = 0; i < 10; i++) sent.push(await g.post(`g${i}`));
    for (const i of [9, 2, 0, 5, 1, 8]) {
      expectDecrypted(await g.member.tryGroupDecrypt(g.sender.id, sent[i]!), `g${i}`);
    }
    expectFailure(await g.member.tryGroupDecrypt(g.sender.id, sent[2]!), 'duplicate');
    expectFailure(await g.member.tryGroupDecrypt(g.sender.id, sent[9]!), 'duplicate');
    expectDecrypted(await g.member.tryGroupDecrypt(g.sender.id, sent[4]!), 'g4');
  });

  // libsignal 0.103 reports a missing sender key state as Generic, not InvalidSenderKeySession.
  interopCase('a member without the distribution cannot read and gets an error', async (pair) => {
    const g = await group(pair);
    const outsider = Party.create(pair.receiver);
    expectFailure(await outsider.tryGroupDecrypt(g.sender.id, await g.post('secret')), 'invalid');
  });

  interopCase('a flipped bit anywhere, or a forged signature, is rejected', async (pair) => {
    const g = await group(pair);
    const message = await g.post('signed and sealed');
    for (let byte = 0; byte < message.length; byte++) {
      const outcome = await g.member.tryGroupDecrypt(
        g.sender.id,
        flipBit(message, byte * 8 + (byte % 8)),
      );
      expect(outcome.ok, `byte ${byte} flipped was accepted`).toBe(false);
      if (!outcome.ok) expect(outcome.kind, `byte ${byte}: ${outcome.message}`).not.toBe('crash');
    }
    // A message signed by someone else's key over a valid chain (the forger knows the chain key).
    const forger = Party.create(pair.sender);
    const stolen = pair.sender.api.SenderKeyDistributionMessage.deserialize(
      await g.sender.createDistribution(g.distributionId),
    );
    const forged = pair.sender.api.SenderKeyMessage._new(
      3,
      g.distributionId,
      stolen.chainId(),
      stolen.iteration() + 1,
      message.slice(0, 10),
      forger.identity.privateKey,
    );
    expectFailure(await g.member.tryGroupDecrypt(g.sender.id, forged.serialize()), 'invalid');
    expectDecrypted(await g.member.tryGroupDecrypt(g.sender.id, message), 'signed and sealed');
  });

  interopCase(
    'rotation: a new chain replaces the old one, late old messages still decrypt',
    async (pair) => {
      const g = await group(pair);
      const early = await g.post('before rotation');
      const lateOld = await g.post('old chain, late');
      expectDecrypted(await g.member.tryGroupDecrypt(g.sender.id, early), 'before rotation');

      g.sender.forgetOwnSenderKey(g.distributionId);
      const rotated = await g.sender.createDistribution(g.distributionId);
      await g.member.processDistribution(g.sender.id, rotated);
      const fresh = await g.post('after rotation');
      expectDecrypted(await g.member.tryGroupDecrypt(g.sender.id, fresh), 'after rotation');
      expectDecrypted(await g.member.tryGroupDecrypt(g.sender.id, lateOld), 'old chain, late');

      // The member restarts: both chains survive serialization.
      const member = g.member.restart();
      expectDecrypted(
        await member.tryGroupDecrypt(g.sender.id, await g.post('after restart')),
        'after restart',
      );
    },
  );

  // libsignal keeps 5 sender-key states per sender and distribution (measured on native 0.103).
  interopCase('after six rotations only the five newest chains are kept', async (pair) => {
    const g = await group(pair);
    const perChain = [await g.post('chain 0')];
    for (let chain = 1; chain <= 6; chain++) {
      g.sender.forgetOwnSenderKey(g.distributionId);
      await g.member.processDistribution(
        g.sender.id,
        await g.sender.createDistribution(g.distributionId),
      );
      perChain.push(await g.post(`chain ${chain}`));
    }
    for (const chain of [0, 1]) {
      expectFailure(await g.member.tryGroupDecrypt(g.sender.id, perChain[chain]!), 'invalid');
    }
    for (let chain = 2; chain <= 6; chain++) {
      expectDecrypted(
        await g.member.tryGroupDecrypt(g.sender.id, perChain[chain]!),
        `chain ${chain}`,
      );
    }
  });
});
