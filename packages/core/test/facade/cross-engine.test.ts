import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SignalEngine } from '../../src/crypto/engine.js';
import type { MessageStatus, Messenger } from '../../src/facade/api.js';
import { engines } from '../engine/engines.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { find, texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';

function engineNamed(name: string): SignalEngine {
  const found = engines.find((e) => e.name === name);
  if (!found) throw new Error(`no engine named ${name}`);
  return found.engine;
}

/**
 * The browser engine (signal-ts) and the native one (libsignal-client) must be wire-compatible:
 * a PWA device and a desktop device of the same conversation, or of the same account, talk
 * through the relay with neither knowing which engine the other runs.
 */
describe('clients on different Signal engines converse through the real relay', () => {
  const fx = useRelay();

  const open = (engine: SignalEngine) => fx.messenger(undefined, WebSocket, engine);

  /** Records every status a message of `sender` goes through, in order. */
  function statusTrail(sender: Messenger, conversation: string) {
    const trail: MessageStatus[] = [];
    let id = '';
    sender.messages(conversation).subscribe(() => {
      const status = find(sender, conversation, id)?.status;
      if (status && trail.at(-1) !== status) trail.push(status);
    });
    return {
      trail,
      async send(text: string) {
        id = await sender.sendText(conversation, text);
        trail.push(find(sender, conversation, id)!.status);
        return id;
      },
    };
  }

  it.each([
    { initiator: 'native', responder: 'signal-ts' },
    { initiator: 'signal-ts', responder: 'native' },
  ])(
    '$initiator initiates to $responder (whose second device runs $initiator)',
    async ({ initiator, responder }) => {
      const alice = await open(engineNamed(initiator));
      const bobPhone = await open(engineNamed(responder));
      const aliceName = uniqueUsername('alice');
      const bobName = uniqueUsername('bob');
      await alice.register(aliceName);
      await bobPhone.register(bobName);
      // Bob's second device runs the initiator's engine: Bob's own devices talk across engines too.
      const bobLaptop = await open(engineNamed(initiator));
      await linkDevice(bobPhone, bobLaptop);

      // Session initiation (PQXDH) from the initiator's engine to both of Bob's devices.
      const conversation = await alice.openDirectConversation(bobName);
      const first = statusTrail(alice, conversation);
      const hello = fx.text('hello across engines');
      const helloId = await first.send(hello);
      await waitFor(
        () =>
          texts(bobPhone, conversation).includes(hello) &&
          texts(bobLaptop, conversation).includes(hello),
        "both of Bob's devices receive",
      );
      await waitFor(() => find(alice, conversation, helloId)?.status === 'delivered', 'delivered');
      await bobPhone.acceptMessageRequest(conversation);
      await bobPhone.markRead(conversation, helloId);
      await waitFor(() => find(alice, conversation, helloId)?.status === 'read', 'read');
      expect(first.trail).toEqual(['pending', 'sent', 'delivered', 'read']);
      await waitFor(
        () => bobLaptop.conversations().getSnapshot()[0]?.unreadCount === 0,
        "the read reaches Bob's other device",
      );

      // Replies from each of Bob's devices (one per engine), then several turns so both sides
      // ratchet more than once.
      const fromLaptop = statusTrail(bobLaptop, conversation);
      const reply = fx.text('reply from the laptop');
      const replyId = await fromLaptop.send(reply);
      await waitFor(() => texts(alice, conversation).includes(reply), 'alice gets the reply');
      await alice.markRead(conversation, replyId);
      await waitFor(
        () => find(bobLaptop, conversation, replyId)?.status === 'read',
        'the reply is read',
      );
      expect(fromLaptop.trail).toEqual(['pending', 'sent', 'delivered', 'read']);
      await waitFor(
        () => find(bobPhone, conversation, replyId)?.status === 'read',
        "Bob's phone sees its account's message read",
      );

      for (let turn = 0; turn < 3; turn++) {
        const fromAlice = fx.text(`alice turn ${turn}`);
        await alice.sendText(conversation, fromAlice);
        await waitFor(
          () => texts(bobPhone, conversation).includes(fromAlice),
          `bob gets turn ${turn}`,
        );
        const fromBob = fx.text(`bob turn ${turn}`);
        const bobId = await bobPhone.sendText(conversation, fromBob);
        await waitFor(
          () => texts(alice, conversation).includes(fromBob),
          `alice gets turn ${turn}`,
        );
        await alice.markRead(conversation, bobId);
        await waitFor(
          () => find(bobPhone, conversation, bobId)?.status === 'read',
          `turn ${turn} read`,
        );
      }

      await waitFor(
        () =>
          texts(bobLaptop, conversation).length === texts(alice, conversation).length &&
          texts(bobPhone, conversation).length === texts(alice, conversation).length,
        'every device holds every message',
      );
      expect(texts(alice, conversation)).toHaveLength(8);
      expect(texts(bobPhone, conversation)).toEqual(texts(alice, conversation));
      expect(texts(bobLaptop, conversation)).toEqual(texts(alice, conversation));
      expect(alice.conversations().getSnapshot()[0]?.unreadCount).toBe(0);
    },
  );
});
