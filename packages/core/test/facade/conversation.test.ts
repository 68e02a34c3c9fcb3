import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeAutomerge } from '../../src/native.js';
import { createMessenger, ParleyError } from '../../src/index.js';
import { localSearchBackend } from '../../src/search/index.js';
import * as callsKit from '../../src/calls/calls-kit.js';
import * as provisioning from '../../src/linking/provisioning.js';
import { engines } from '../engine/engines.js';
import type { MessageStatus } from '../../src/facade/api.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { foundInRelay } from '../support/relay-contents.js';
import { find, texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';

describe('a direct conversation through the real relay', () => {
  const fx = useRelay();
  const registered: string[] = [];

  it('exchanges messages both ways; the sender sees pending -> sent -> delivered -> read', async () => {
    const alice = await fx.messenger();
    const bobDb = `bob-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDb);
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await alice.register(aliceName);
    await bob.register(bobName);
    registered.push(aliceName, bobName);
    await bob.close(); // Bob is offline while Alice sends: "sent" and "delivered" are apart.

    const conversation = await alice.openDirectConversation(bobName);
    const seen: MessageStatus[] = [];
    let id = '';
    alice.messages(conversation).subscribe(() => {
      const status = find(alice, conversation, id)?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    });
    const hello = fx.text('hello bob');
    id = await alice.sendText(conversation, hello);
    seen.push(find(alice, conversation, id)!.status);
    await waitFor(() => find(alice, conversation, id)?.status === 'sent', 'sent');

    bob = await fx.messenger(bobDb); // reopening restores the account
    expect(bob.self.getSnapshot()?.username).toBe(bobName);
    await waitFor(() => texts(bob, conversation).includes(hello), 'bob receives');
    await waitFor(() => find(alice, conversation, id)?.status === 'delivered', 'delivered');
    expect(bob.conversations().getSnapshot()[0]).toMatchObject({
      id: conversation,
      peerUsername: aliceName,
      unreadCount: 1,
    });

    // Alice is a stranger to Bob: her chat is a message request until he accepts it.
    await bob.acceptMessageRequest(conversation);
    await bob.markRead(conversation, id);
    expect(bob.conversations().getSnapshot()[0]?.unreadCount).toBe(0);
    await waitFor(() => find(alice, conversation, id)?.status === 'read', 'read');
    expect(seen).toEqual(['pending', 'sent', 'delivered', 'read']);

    const reply = fx.text('hi alice');
    const replyId = await bob.sendText(conversation, reply);
    await waitFor(() => texts(alice, conversation).includes(reply), 'alice receives the reply');
    await waitFor(
      () => find(bob, conversation, replyId)?.status === 'delivered',
      'reply delivered',
    );
    expect(texts(alice, conversation)).toEqual([hello, reply]);
    expect(texts(bob, conversation)).toEqual([hello, reply]);
    expect(find(alice, conversation, replyId)).toMatchObject({
      outgoing: false,
      senderUsername: bobName,
      status: 'delivered',
    });
    expect(alice.conversations().getSnapshot()[0]).toMatchObject({
      unreadCount: 1,
      lastMessage: { body: reply, outgoing: false },
    });

    alice.setTyping(conversation, true);
    await waitFor(
      () => bob.conversations().getSnapshot()[0]?.typing.includes(aliceName),
      'typing indicator',
    );
    alice.setTyping(conversation, false);
    await waitFor(() => bob.conversations().getSnapshot()[0]?.typing.length === 0, 'typing stops');
  });

  it('shows each message with the status it had after the sender reopens its database', async () => {
    const aliceDb = `alice-${crypto.randomUUID()}`;
    let alice = await fx.messenger(aliceDb);
    const bobDb = `bob-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDb);
    const conversation = await fx.meet(alice, bob);
    const read = await alice.sendText(conversation, fx.text('read'));
    const delivered = await alice.sendText(conversation, fx.text('delivered'));
    await waitFor(() => find(alice, conversation, delivered)?.status === 'delivered', 'delivered');
    await bob.acceptMessageRequest(conversation);
    await bob.markRead(conversation, read);
    await waitFor(() => find(alice, conversation, read)?.status === 'read', 'read');
    await bob.close();
    const sent = await alice.sendText(conversation, fx.text('sent'));
    await waitFor(() => find(alice, conversation, sent)?.status === 'sent', 'sent');
    const before = [read, delivered, sent].map((id) => find(alice, conversation, id)?.status);
    expect(before).toEqual(['read', 'delivered', 'sent']);

    await alice.close();
    alice = await fx.messenger(aliceDb);
    expect([read, delivered, sent].map((id) => find(alice, conversation, id)?.status)).toEqual(
      before,
    );
    bob = await fx.messenger(bobDb);
    await waitFor(() => find(alice, conversation, sent)?.status === 'delivered', 'late delivery');
  });

  /** Alice (on a database she can reopen) and Bob, with sessions both ways. */
  async function warmConversation() {
    const aliceDb = `alice-${crypto.randomUUID()}`;
    const alice = await fx.messenger(aliceDb);
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    return { aliceDb, alice, bob, conversation };
  }

  it('keeps a message pending across a reopen until the relay has it', async () => {
    const { aliceDb, alice, conversation } = await warmConversation();
    await fx.relay.kill();
    const id = await alice.sendText(conversation, fx.text('queued while the relay is down'));
    await alice.close();
    // 'sent' is derived from the outbox on load: a row still queued keeps the message pending.
    const reopened = await fx.messenger(aliceDb);
    expect(find(reopened, conversation, id)?.status).toBe('pending');
    await fx.relay.restart();
    await waitFor(() => find(reopened, conversation, id)?.status === 'delivered', 'delivered');
  });

  it('makes the deletion of acknowledged outbox rows durable before it closes', async () => {
    const { aliceDb, alice, conversation } = await warmConversation();
    const id = await alice.sendText(conversation, fx.text('acknowledged just before closing'));
    await waitFor(() => find(alice, conversation, id)?.status !== 'pending', 'sent');
    // The deletion waits for the next page's transaction (outbox.ts); closing must not drop it.
    await alice.close();
    await fx.relay.kill();
    const reopened = await fx.messenger(aliceDb);
    expect(find(reopened, conversation, id)?.status).not.toBe('pending');
    await fx.relay.restart();
  });

  it("shows the sender's messages, and their receipts, on the sender's second device", async () => {
    const phone = await fx.messenger();
    const bob = await fx.messenger();
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await phone.register(aliceName);
    await bob.register(bobName);
    const laptop = await fx.messenger();
    const self = await linkDevice(phone, laptop);
    expect(self).toMatchObject({
      username: aliceName,
      accountId: phone.self.getSnapshot()?.accountId,
      deviceId: 2,
    });

    // The laptop announces itself to the phone; whichever comes first, the phone's send or the
    // announcement, the laptop ends up with the conversation (the phone hands it its documents).
    const conversation = await phone.openDirectConversation(bobName);
    const first = fx.text('from the phone');
    const id = await phone.sendText(conversation, first);
    await waitFor(
      () => texts(laptop, conversation).includes(first),
      'laptop sees the sent message',
    );
    expect(find(laptop, conversation, id)).toMatchObject({ outgoing: true, senderDeviceId: 1 });
    await waitFor(() => texts(bob, conversation).includes(first), 'bob receives');
    await bob.acceptMessageRequest(conversation);
    await bob.markRead(conversation, id);
    await waitFor(
      () => find(laptop, conversation, id)?.status === 'read',
      'laptop sees the read receipt',
    );

    const reply = fx.text('to both devices');
    const replyId = await bob.sendText(conversation, reply);
    await waitFor(
      () =>
        texts(phone, conversation).includes(reply) && texts(laptop, conversation).includes(reply),
      'both devices get the reply',
    );
    await laptop.markRead(conversation, replyId);
    await waitFor(
      () => phone.conversations().getSnapshot()[0]?.unreadCount === 0,
      'read on one device is read on all',
    );

    const fromLaptop = fx.text('from the laptop');
    await laptop.sendText(conversation, fromLaptop);
    await waitFor(
      () =>
        texts(phone, conversation).includes(fromLaptop) &&
        texts(bob, conversation).includes(fromLaptop),
      'laptop sends to both',
    );
    expect(texts(phone, conversation)).toEqual(texts(bob, conversation));
    expect(texts(laptop, conversation)).toEqual(texts(bob, conversation));
  });

  it('reports failures a caller can act on as typed errors', async () => {
    const carol = await fx.messenger();
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) => (error instanceof ParleyError ? error.code : String(error)),
      );
    expect(await code(carol.openDirectConversation('nobody'))).toBe('NOT_REGISTERED');
    expect(await code(carol.register('No Spaces Allowed'))).toBe('INVALID_USERNAME');
    const nowhere = await createMessenger({
      relayUrl: 'http://127.0.0.1:1', // nothing listens on port 1
      databaseName: `nowhere-${crypto.randomUUID()}`,
      automerge: nodeAutomerge,
      engine: engines[0]!.engine,
      WebSocket,
      searchBackend: localSearchBackend,
      calls: async () => callsKit,
      provisioning: async () => provisioning,
    });
    expect(await code(nowhere.register(uniqueUsername('lost')))).toBe('RELAY_UNREACHABLE');
    expect(nowhere.self.getSnapshot()).toBeNull(); // nothing half-registered
    await nowhere.close();
    const name = uniqueUsername('carol');
    await carol.register(name);
    expect(await code(carol.register(name))).toBe('ALREADY_REGISTERED');
    const other = await fx.messenger();
    expect(await code(other.register(name))).toBe('USERNAME_TAKEN');
    expect(await code(carol.openDirectConversation(uniqueUsername('ghost')))).toBe('UNKNOWN_USER');
    expect(await code(carol.sendText('no-such-conversation', 'hi'))).toBe('UNKNOWN_CONVERSATION');
    const dave = uniqueUsername('dave');
    await other.register(dave);
    const conversation = await carol.openDirectConversation(dave);
    expect(await code(carol.sendText(conversation, '   '))).toBe('INVALID_MESSAGE');
    expect(await code(carol.markRead(conversation, 'no-such-message'))).toBe('UNKNOWN_MESSAGE');
    expect(await code(carol.acceptIdentityChange(dave))).toBe('NO_IDENTITY_CHANGE');
    await carol.close();
    expect(await code(carol.sendText(conversation, 'hi'))).toBe('CLOSED');
  });

  it('leaves none of the sent plaintext in the relay database or logs', async () => {
    await fx.relay.stop(); // flushes the WAL and the log
    expect(fx.plaintexts.length).toBeGreaterThanOrEqual(5);
    // The scan can find things: the relay does store usernames.
    expect(foundInRelay(fx.relay, registered)).toEqual(registered);
    expect(foundInRelay(fx.relay, fx.plaintexts)).toEqual([]);
    await fx.relay.restart();
  });
});
