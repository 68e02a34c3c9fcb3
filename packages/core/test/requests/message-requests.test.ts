import { describe, expect, it } from 'vitest';
import type { Messenger } from '../../src/facade/api.js';
import { ParleyError } from '../../src/index.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { find, texts, waitFor } from '../support/wait.js';

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof ParleyError ? error.code : String(error)),
  );

const view = (messenger: Messenger, conversationId: string) =>
  messenger
    .conversations()
    .getSnapshot()
    .find((c) => c.id === conversationId);

describe('message requests through the real relay', () => {
  const fx = useRelay();

  async function strangers() {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await alice.register(aliceName);
    await bob.register(bobName);
    const conversation = await alice.openDirectConversation(bobName);
    const hello = fx.text('hello stranger');
    const helloId = await alice.sendText(conversation, hello);
    await waitFor(() => texts(bob, conversation).includes(hello), 'bob receives');
    return { alice, bob, aliceName, bobName, conversation, helloId };
  }

  it('sends no read receipt and no typing to a stranger before Accept; both flow after', async () => {
    const { alice, bob, aliceName, bobName, conversation, helloId } = await strangers();
    expect(view(bob, conversation)).toMatchObject({ request: true, unreadCount: 1 });
    expect(view(alice, conversation)?.request).toBeUndefined();
    await waitFor(() => find(alice, conversation, helloId)?.status === 'delivered', 'delivered');
    let aliceSawTyping = false;
    alice.conversations().subscribe(() => {
      if (view(alice, conversation)?.typing.includes(bobName)) aliceSawTyping = true;
    });

    // Bob reads the request and types in it: the read is his alone, nothing goes to Alice.
    await bob.markRead(conversation, helloId);
    bob.setTyping(conversation, true);
    expect(view(bob, conversation)).toMatchObject({ request: true, unreadCount: 0 });

    // A barrier that does not accept: Bob starts a group with Alice and writes in it. His outbox
    // and her mailbox are ordered, so once she has it she has everything he sent before.
    const group = await bob.createGroup('barrier', [aliceName]);
    const barrier = fx.text('barrier');
    await bob.sendText(group, barrier);
    await waitFor(() => texts(alice, group).includes(barrier), 'alice gets the barrier');
    expect(find(alice, conversation, helloId)?.status).toBe('delivered');
    expect(aliceSawTyping).toBe(false);
    expect(view(bob, conversation)?.request).toBe(true);

    // Accepting sends the read receipt held back (as Signal does); typing flows from now on.
    await bob.acceptMessageRequest(conversation);
    expect(view(bob, conversation)?.request).toBeUndefined();
    await waitFor(() => find(alice, conversation, helloId)?.status === 'read', 'held-back read');
    bob.setTyping(conversation, true);
    await waitFor(() => aliceSawTyping, 'typing after accept');
    const second = fx.text('second');
    const secondId = await alice.sendText(conversation, second);
    await waitFor(() => texts(bob, conversation).includes(second), 'bob gets the second');
    await bob.markRead(conversation, secondId);
    await waitFor(() => find(alice, conversation, secondId)?.status === 'read', 'read receipt');
  });

  it('deletes a request from this device, and blocks: later messages are dropped unseen', async () => {
    const { alice, bob, aliceName, conversation } = await strangers();
    expect(await code(alice.acceptMessageRequest(conversation))).toBe('NOT_A_REQUEST');

    await bob.deleteMessageRequest(conversation);
    expect(view(bob, conversation)).toBeUndefined();
    expect(bob.messages(conversation).getSnapshot()).toEqual([]);

    // Alice writes again: a new request; this time Bob blocks her.
    const again = fx.text('please answer');
    await alice.sendText(conversation, again);
    await waitFor(() => texts(bob, conversation).includes(again), 'the second request');
    await bob.blockMessageRequest(conversation);
    expect(view(bob, conversation)).toBeUndefined();
    const aliceId = alice.self.getSnapshot()!.accountId;
    expect(bob.accountSettings.getSnapshot().blocked).toEqual([aliceId]);

    // A blocked account's message never reaches Bob's lists; a later one from Carol does, and
    // Bob's mailbox is one ordered queue, so Alice's came (and went) before it.
    const blockedText = fx.text('are you there?');
    const blockedId = await alice.sendText(conversation, blockedText);
    await waitFor(() => find(alice, conversation, blockedId)?.status === 'sent', 'relay has it');
    const carol = await fx.messenger();
    await carol.register(uniqueUsername('carol'));
    const bobName = bob.self.getSnapshot()!.username;
    const carolChat = await carol.openDirectConversation(bobName);
    const barrier = fx.text('from carol');
    await carol.sendText(carolChat, barrier);
    await waitFor(() => texts(bob, carolChat).includes(barrier), 'carol reaches bob');
    await bob.settled();
    expect(view(bob, conversation)).toBeUndefined();
    expect(texts(bob, conversation)).toEqual([]);
    expect(
      bob
        .conversations()
        .getSnapshot()
        .map((c) => c.peerUsername),
    ).not.toContain(aliceName);
  });
});
