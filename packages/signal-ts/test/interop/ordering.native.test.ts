/**
 * The Double Ratchet's delivery guarantees across engines: out-of-order, lost and duplicated
 * messages, messages from an old chain after a DH step, and libsignal's jump limits.
 * (Node-only: imports libsignal-client.)
 */
import { describe } from 'vitest';
import { costlyCasePairs, NATIVE_TO_TS } from './harness/engines.js';
import { establish, expectFailure, interopCase } from './harness/cases.js';
import type { Envelope } from './harness/party.js';

describe('out of order, lost, duplicated', () => {
  interopCase(
    'a shuffled chain with losses and duplicates decrypts exactly once each',
    async (pair) => {
      const c = await establish(pair);
      const sent: Envelope[] = [];
      for (let i = 0; i < 12; i++) sent.push(await c.send(c.alice, c.bob, `m${i}`));
      // m3 is lost for good, m7 turns up late.
      for (const i of [5, 0, 11, 1, 2, 9, 4, 6, 10, 8])
        await c.deliver(c.bob, c.alice, sent[i]!, `m${i}`);
      for (const i of [5, 0, 11])
        expectFailure(await c.bob.tryDecrypt(c.alice.id, sent[i]!), 'duplicate');
      // Bob answers past the losses; a lost message that turns up late still decrypts.
      await c.deliver(c.alice, c.bob, await c.send(c.bob, c.alice, 'got most'), 'got most');
      await c.deliver(c.bob, c.alice, sent[7]!, 'm7');
      expectFailure(await c.bob.tryDecrypt(c.alice.id, sent[7]!), 'duplicate');
    },
  );

  interopCase('messages from an old chain still decrypt after a DH ratchet step', async (pair) => {
    const c = await establish(pair);
    const oldChain: Envelope[] = [];
    for (let i = 0; i < 4; i++) oldChain.push(await c.send(c.alice, c.bob, `old ${i}`));
    await c.deliver(c.bob, c.alice, oldChain[0]!, 'old 0');
    await c.deliver(c.alice, c.bob, await c.send(c.bob, c.alice, 'step'), 'step');
    const newChain = await c.send(c.alice, c.bob, 'new chain');
    await c.deliver(c.bob, c.alice, newChain, 'new chain');
    await c.deliver(c.bob, c.alice, oldChain[3]!, 'old 3');
    await c.deliver(c.bob, c.alice, oldChain[1]!, 'old 1');
    expectFailure(await c.bob.tryDecrypt(c.alice.id, oldChain[1]!), 'duplicate');
    // Several steps later, the last old message is still readable.
    for (let round = 0; round < 3; round++) {
      await c.deliver(c.alice, c.bob, await c.send(c.bob, c.alice, `b${round}`), `b${round}`);
      await c.deliver(c.bob, c.alice, await c.send(c.alice, c.bob, `a${round}`), `a${round}`);
    }
    await c.deliver(c.bob, c.alice, oldChain[2]!, 'old 2');
  });
});

/**
 * Limits as native 0.103 enforces them (measured): on a fresh receiving chain, counter 24,999 is
 * the furthest accepted jump and 25,000 is refused; of the skipped keys only the newest 2,000 are
 * kept, so an older skipped message then reads as a duplicate.
 */
const FURTHEST_ACCEPTED = 24_999;
const KEPT_SKIPPED_KEYS = 2_000;

describe('jump limits', () => {
  interopCase(
    'a forward jump past the limit is refused; skipped keys are capped',
    async (pair) => {
      const c = await establish(pair);
      // Start a fresh chain for Alice: Bob's reply above made her step; this is its first message.
      const chain: Envelope[] = [];
      for (let i = 0; i <= FURTHEST_ACCEPTED + 1; i++)
        chain.push(await c.send(c.alice, c.bob, `j${i}`));
      expectFailure(await c.bob.tryDecrypt(c.alice.id, chain[FURTHEST_ACCEPTED + 1]!), 'invalid');
      await c.deliver(c.bob, c.alice, chain[FURTHEST_ACCEPTED]!, `j${FURTHEST_ACCEPTED}`);
      const oldestKept = FURTHEST_ACCEPTED - KEPT_SKIPPED_KEYS;
      await c.deliver(c.bob, c.alice, chain[oldestKept]!, `j${oldestKept}`);
      expectFailure(await c.bob.tryDecrypt(c.alice.id, chain[oldestKept - 1]!), 'duplicate');
      expectFailure(await c.bob.tryDecrypt(c.alice.id, chain[0]!), 'duplicate');
      await c.deliver(c.bob, c.alice, chain[FURTHEST_ACCEPTED - 1]!, `j${FURTHEST_ACCEPTED - 1}`);
      // Past the limit is refused without damage: the chain goes on.
      await c.deliver(c.bob, c.alice, chain[FURTHEST_ACCEPTED + 1]!, `j${FURTHEST_ACCEPTED + 1}`);
    },
    {
      pairs: costlyCasePairs(NATIVE_TO_TS),
      timeout: 600_000,
    },
  );
});
