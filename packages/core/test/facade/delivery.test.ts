import { fromBinary } from '@bufbuild/protobuf';
import { FrameSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { COMPACT_AFTER_UPDATES } from '../../src/conversations/conversations.js';
import type { Messenger } from '../../src/facade/api.js';
import { useRelay } from '../support/fixture.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import {
  duplicates,
  loggedUpdates,
  outboxKeys,
  outboxSize,
  projectedBodies,
} from '../support/projection.js';
import { foundInRelay } from '../support/relay-contents.js';
import { find, openChat, texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';

describe('delivery guarantees against the real relay', () => {
  const fx = useRelay();

  async function pair() {
    const aliceDb = `alice-${crypto.randomUUID()}`;
    const bobDb = `bob-${crypto.randomUUID()}`;
    const alice = await fx.messenger(aliceDb);
    const bob = await fx.messenger(bobDb);
    const conversation = await fx.meet(alice, bob);
    return { alice, bob, aliceDb, bobDb, conversation };
  }

  const allSent = (m: Messenger, conversation: string, ids: string[]) =>
    ids.every((id) => find(m, conversation, id)?.status !== 'pending');

  it('a recipient offline during 200 sends receives all of them, in order, on reconnect', async () => {
    const { alice, bob, bobDb, conversation } = await pair();
    await bob.close();
    const sent: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const text = fx.text(`offline #${i}`);
      sent.push(text);
      ids.push(await alice.sendText(conversation, text));
    }
    await waitFor(() => allSent(alice, conversation, ids), 'relay acks all 200');

    const back = await fx.messenger(bobDb);
    await waitFor(() => texts(back, conversation).length === 200, 'all 200 arrive');
    expect(texts(back, conversation)).toEqual(sent);
    await back.settled();
    expect((await projectedBodies(bobDb, conversation)).sort()).toEqual([...sent].sort());
    await waitFor(
      () => ids.every((id) => find(alice, conversation, id)?.status === 'delivered'),
      'all delivered',
    );
  });

  it('a long update log is compacted into a snapshot; both devices reopen with every message', async () => {
    const { alice, bob, aliceDb, bobDb, conversation } = await pair();
    const sent: string[] = [];
    for (let i = 0; i < COMPACT_AFTER_UPDATES + 20; i++) {
      sent.push(`logged #${i}`);
      await alice.sendText(conversation, sent.at(-1)!); // one commit, one logged update each
    }
    await waitFor(() => texts(bob, conversation).length === sent.length, 'bob has them all');
    for (const db of [aliceDb, bobDb]) {
      await waitFor(
        async () => (await loggedUpdates(db, conversation)) < COMPACT_AFTER_UPDATES,
        `${db} compacted`,
      );
    }
    await bob.settled();
    await alice.close();
    await bob.close();
    for (const db of [aliceDb, bobDb]) {
      const reopened = await fx.messenger(db);
      await openChat(reopened, conversation);
      expect(texts(reopened, conversation)).toEqual(sent);
      await reopened.close();
    }
  });

  it('messages sent together are appended in one document update, in call order, each once', async () => {
    const { alice, bob, aliceDb, bobDb, conversation } = await pair();
    const warmup = await fx.warmUp(alice, bob, conversation);
    const before = await loggedUpdates(aliceDb, conversation);
    const sent = Array.from({ length: 20 }, (_, i) => fx.text(`together #${i}`));
    const ids = await Promise.all(sent.map((text) => alice.sendText(conversation, text)));
    // Each caller resolves once its message is durable: all are in the projection, pending or later.
    expect(ids.map((id) => find(alice, conversation, id)?.body)).toEqual(sent);
    expect(await loggedUpdates(aliceDb, conversation)).toBe(before + 1);
    await waitFor(() => texts(bob, conversation).length === sent.length + 1, 'all arrive');
    await bob.settled();
    expect(texts(bob, conversation)).toEqual([warmup, ...sent]);
    expect(texts(alice, conversation)).toEqual([warmup, ...sent]);
    expect(duplicates(await projectedBodies(bobDb, conversation))).toEqual([]);
    expect(duplicates(await projectedBodies(aliceDb, conversation))).toEqual([]);

    // Sent together but too large for one envelope: split into updates the relay accepts.
    const large = Array.from({ length: 3 }, (_, i) => fx.text(`large #${i} ${'x'.repeat(50_000)}`));
    const updatesBefore = await loggedUpdates(aliceDb, conversation);
    await Promise.all(large.map((text) => alice.sendText(conversation, text)));
    expect(await loggedUpdates(aliceDb, conversation)).toBe(updatesBefore + 3);
    await waitFor(() => texts(bob, conversation).length === sent.length + 4, 'large ones arrive');
    expect(texts(bob, conversation).slice(-3)).toEqual(large);
  });

  it('the relay SIGKILLed after acking sends and restarted: nothing lost, each message once on every device', async () => {
    const { alice, bob, aliceDb, bobDb, conversation } = await pair();
    const laptopDb = `alice-laptop-${crypto.randomUUID()}`;
    const laptop = await fx.messenger(laptopDb);
    await linkDevice(alice, laptop);

    const sent: string[] = [];
    const ids: string[] = [];
    const send = async (label: string) => {
      const text = fx.text(label);
      sent.push(text);
      ids.push(await alice.sendText(conversation, text));
    };
    for (let i = 0; i < 60; i++) await send(`before the crash #${i}`);
    // Kill the relay as soon as it acknowledged half of them: the rest are in flight or queued.
    await waitFor(
      () => ids.filter((id) => find(alice, conversation, id)?.status !== 'pending').length >= 30,
      'half acked',
    );
    await fx.relay.kill();
    for (let i = 0; i < 10; i++) await send(`while the relay is down #${i}`);
    await fx.relay.restart();
    for (let i = 0; i < 10; i++) await send(`after the restart #${i}`);

    await waitFor(
      () => allSent(alice, conversation, ids),
      'every send acked after the restart',
      60_000,
    );
    for (const [name, device] of [
      ['bob', bob],
      ['laptop', laptop],
    ] as const) {
      await waitFor(
        () => texts(device, conversation).length >= sent.length,
        `${name} has all messages`,
        60_000,
      );
      expect(texts(device, conversation)).toEqual(sent);
      await device.settled();
    }
    for (const db of [aliceDb, bobDb, laptopDb]) {
      const projected = await projectedBodies(db, conversation);
      expect(duplicates(projected)).toEqual([]);
      expect(projected.sort()).toEqual([...sent].sort());
    }
  });

  it('closed with unsent messages in the outbox and reopened: each goes out once', async () => {
    const { alice, bob, aliceDb, conversation } = await pair();
    await fx.relay.kill(); // unreachable: nothing can leave
    const queued = [fx.text('queued one'), fx.text('queued two'), fx.text('queued three')];
    for (const text of queued) await alice.sendText(conversation, text);
    await alice.close();
    await fx.relay.restart();

    const reopened = await fx.messenger(aliceDb);
    await waitFor(
      () => texts(bob, conversation).length === queued.length,
      'bob receives the queued messages',
    );
    await waitFor(
      () =>
        reopened
          .messages(conversation)
          .getSnapshot()
          .every((m) => m.status !== 'pending'),
      'acked',
    );
    expect(texts(bob, conversation)).toEqual(queued);
    expect(texts(reopened, conversation)).toEqual(queued);
  });

  it('a send the relay stored but whose answer was lost is retried with its idempotency key and stored once', async () => {
    // Bob records the idempotency key (client_id) of every envelope the relay pushes to him.
    const pushedKeys: string[] = [];
    const recording = interceptingWebSocket((data) => {
      const frame = fromBinary(FrameSchema, data);
      if (frame.kind.case === 'push' && frame.kind.value.kind.case === 'envelope') {
        pushedKeys.push(frame.kind.value.kind.value.clientId);
      }
      return data;
    });
    const aliceDb = `alice-${crypto.randomUUID()}`;
    const bobDb = `bob-${crypto.randomUUID()}`;
    const alice = await fx.messenger(aliceDb);
    const bob = await fx.messenger(bobDb, recording);
    const conversation = await fx.meet(alice, bob);
    const warmup = await fx.warmUp(alice, bob, conversation);
    await alice.close();

    // Reopen Alice behind a network that loses every send answer coming back from the relay.
    let lost = 0;
    const losingAnswers = interceptingWebSocket((data) => {
      const frame = fromBinary(FrameSchema, data);
      if (frame.kind.case === 'response' && frame.kind.value.result.case === 'send') {
        lost++;
        return undefined;
      }
      return data;
    });
    const unlucky = await fx.messenger(aliceDb, losingAnswers);
    const lostAnswer = fx.text('answer lost');
    await unlucky.sendText(conversation, lostAnswer);
    await waitFor(() => texts(bob, conversation).includes(lostAnswer), 'the relay stored it');
    await waitFor(() => lost >= 1, 'answer lost');
    await unlucky.close();
    const queued = await outboxKeys(aliceDb); // never acknowledged: still queued
    expect(queued).toHaveLength(1);

    const retried = await fx.messenger(aliceDb);
    await waitFor(async () => (await outboxSize(aliceDb)) === 0, 'outbox drained on retry');
    await waitFor(
      () =>
        find(retried, conversation, retried.messages(conversation).getSnapshot().at(-1)!.id)
          ?.status !== 'pending',
      'acked',
    );
    await bob.settled();
    // The retry reused the key and the relay did not store the send a second time.
    expect(pushedKeys.filter((key) => key === queued[0])).toHaveLength(1);
    expect(texts(bob, conversation)).toEqual([warmup, lostAnswer]);
    expect(texts(retried, conversation)).toEqual([warmup, lostAnswer]);
    expect(duplicates(await projectedBodies(bobDb, conversation))).toEqual([]);
  });

  it('leaves none of the sent plaintext in the relay database or logs', async () => {
    await fx.relay.stop();
    expect(fx.plaintexts.length).toBeGreaterThan(250);
    expect(foundInRelay(fx.relay, fx.plaintexts)).toEqual([]);
    await fx.relay.restart();
  });
});
