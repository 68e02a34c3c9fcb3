/**
 * Several sessions between the same two devices: simultaneous initiation, a session reset that
 * archives the old state (trial decryption and promotion), and save/restore mid-conversation.
 * (Node-only: imports libsignal-client.)
 */
import { describe, expect } from 'vitest';
import {
  conversation,
  establish,
  expectFailure,
  interopCase,
  type Conversation,
} from './harness/cases.js';
import { text, type Envelope } from './harness/party.js';
import { FULL_RUN } from './harness/engines.js';

/** Both directions, several rounds: each message must decrypt (whatever state it lands in). */
async function chat(c: Conversation, rounds: number, tag: string): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await c.deliver(
      c.bob,
      c.alice,
      await c.send(c.alice, c.bob, `${tag} a${round}`),
      `${tag} a${round}`,
    );
    await c.deliver(
      c.alice,
      c.bob,
      await c.send(c.bob, c.alice, `${tag} b${round}`),
      `${tag} b${round}`,
    );
  }
}

describe('simultaneous initiation', () => {
  interopCase(
    'both start a session at once; they converge and every message decrypts',
    async (pair) => {
      const c = conversation(pair);
      await c.alice.initiate(c.bob.id, c.bob.publishBundle());
      await c.bob.initiate(c.alice.id, c.alice.publishBundle());
      const fromAlice = await c.send(c.alice, c.bob, 'alice first');
      const fromBob = await c.send(c.bob, c.alice, 'bob first');
      expect([fromAlice.type, fromBob.type]).toEqual([3, 3]);
      await c.deliver(c.bob, c.alice, fromAlice, 'alice first');
      await c.deliver(c.alice, c.bob, fromBob, 'bob first');
      await chat(c, 4, 'after race');
      // Converged: both now send plain Whisper messages on one shared session.
      expect((await c.send(c.alice, c.bob, 'settled')).type).toBe(2);
      expect((await c.send(c.bob, c.alice, 'settled')).type).toBe(2);
    },
  );
});

describe('session reset', () => {
  interopCase(
    'a new session archives the old one; late old-session messages still decrypt',
    async (pair) => {
      const c = await establish(pair);
      const lateFromAlice: Envelope[] = [];
      for (let i = 0; i < 3; i++) lateFromAlice.push(await c.send(c.alice, c.bob, `late a${i}`));
      const lateFromBob = await c.send(c.bob, c.alice, 'late b');

      // Alice resets: archives her state and starts over from a fresh bundle.
      const record = await c.alice.stores.sessionStore.getSession(c.alice.address(c.bob.id));
      expect(record).not.toBeNull();
      record!.archiveCurrentState();
      await c.alice.stores.sessionStore.saveSession(c.alice.address(c.bob.id), record!);
      expect(await c.alice.hasSessionWith(c.bob.id)).toBe(false);
      await c.alice.initiate(c.bob.id, c.bob.publishBundle());
      const reset = await c.send(c.alice, c.bob, 'fresh start');
      expect(reset.type).toBe(3);
      await c.deliver(c.bob, c.alice, reset, 'fresh start');

      // Messages of the archived session, from both sides, decrypt through trial decryption.
      await c.deliver(c.bob, c.alice, lateFromAlice[2]!, 'late a2');
      await c.deliver(c.alice, c.bob, lateFromBob, 'late b');
      await c.deliver(c.bob, c.alice, lateFromAlice[0]!, 'late a0');
      await chat(c, 2, 'new session');
      await c.deliver(c.bob, c.alice, lateFromAlice[1]!, 'late a1');
    },
  );

  interopCase('an old session is promoted again when the peer keeps using it', async (pair) => {
    const c = await establish(pair);
    // Bob starts a second session while Alice keeps sending on the first one.
    await c.bob.initiate(c.alice.id, c.alice.publishBundle());
    const fromBob = await c.send(c.bob, c.alice, 'new session from bob');
    await c.deliver(c.alice, c.bob, fromBob, 'new session from bob');
    await chat(c, 3, 'promoted');
  });
});

// Full run only: inside npm test it would take a minute (trial decryption through 40 archived
// states is slow in signal-ts today); an empty describe would fail, so it is not declared.
if (FULL_RUN)
  describe('archived states limit', () => {
    // Native 0.103 keeps the current state and 40 archived ones: of 43 confirmed sessions, a late
    // message of the two oldest is refused, every newer one is promoted and decrypts.
    interopCase(
      'only the 40 newest archived sessions are kept',
      async (pair) => {
        const c = conversation(pair);
        const late: Envelope[] = [];
        for (let session = 0; session < 43; session++) {
          await c.alice.initiate(c.bob.id, c.bob.publishBundle({ oneTimePreKey: false }));
          await c.deliver(
            c.bob,
            c.alice,
            await c.send(c.alice, c.bob, `open ${session}`),
            `open ${session}`,
          );
          await c.deliver(
            c.alice,
            c.bob,
            await c.send(c.bob, c.alice, `ack ${session}`),
            `ack ${session}`,
          );
          late.push(await c.send(c.alice, c.bob, `late ${session}`));
        }
        for (const session of [0, 1]) {
          expectFailure(await c.bob.tryDecrypt(c.alice.id, late[session]!), 'invalid');
        }
        for (let session = 2; session < 43; session++) {
          await c.deliver(c.bob, c.alice, late[session]!, `late ${session}`);
        }
      },
      { timeout: 600_000 },
    );
  });

describe('save and restore', () => {
  interopCase('both parties restart mid-conversation, with skipped keys pending', async (pair) => {
    const c = await establish(pair);
    const pending: Envelope[] = [];
    for (let i = 0; i < 5; i++) pending.push(await c.send(c.alice, c.bob, `p${i}`));
    await c.deliver(c.bob, c.alice, pending[4]!, 'p4');
    const bobsReply = await c.send(c.bob, c.alice, 'before restart');

    const alice = c.alice.restart();
    const bob = c.bob.restart();
    const restarted: Conversation = { ...c, alice, bob };
    for (const i of [1, 0, 3]) await restarted.deliver(bob, alice, pending[i]!, `p${i}`);
    await restarted.deliver(alice, bob, bobsReply, 'before restart');
    await chat(restarted, 2, 'after restart');

    // A restarted party remembers what it already read.
    const bobAgain = bob.restart();
    const replay = await bobAgain.tryDecrypt(alice.id, pending[1]!);
    expect(replay.ok ? 'ok' : replay.kind).toBe('duplicate');
    await restarted.deliver(bobAgain, alice, pending[2]!, 'p2');
  });

  interopCase(
    'a restart before the first reply keeps PreKey wrapping and the prekeys',
    async (pair) => {
      const c = conversation(pair);
      await c.alice.initiate(c.bob.id, c.bob.publishBundle());
      const first = await c.send(c.alice, c.bob, 'before restart');
      const alice = c.alice.restart();
      const second = await alice.encrypt(c.bob.id, text('after restart'));
      expect(second.type).toBe(3);
      const bob = c.bob.restart();
      await c.deliver(bob, alice, second, 'after restart');
      await c.deliver(bob, alice, first, 'before restart');
    },
  );
});
