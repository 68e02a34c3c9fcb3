import { describe, expect, it } from 'vitest';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { find, texts, waitFor } from '../support/wait.js';

/**
 * Settings > Privacy: with read receipts or typing indicators off, the other side receives none.
 * Each check ends with a message sent after the suppressed signal: the outbox and the mailbox
 * keep order, so once that message arrived, a receipt or typing Content sent before it would have.
 */
describe('privacy settings', () => {
  const fx = useRelay();

  it('sends no read receipt or typing indicator to others while they are off', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await alice.register(aliceName);
    await bob.register(bobName);

    await bob.updateAccountSettings({ kind: 'set-read-receipts', enabled: false });
    await bob.updateAccountSettings({ kind: 'set-typing-indicators', enabled: false });
    const conversation = await alice.openDirectConversation(bobName);
    const hello = fx.text('hello');
    const id = await alice.sendText(conversation, hello);
    await waitFor(() => texts(bob, conversation).includes(hello), 'bob receives');
    await waitFor(() => find(alice, conversation, id)?.status === 'delivered', 'delivered');

    await bob.markRead(conversation, id);
    expect(bob.conversations().getSnapshot()[0]?.unreadCount).toBe(0);
    bob.setTyping(conversation, true);
    const after = fx.text('sent after reading and typing');
    await bob.sendText(conversation, after);
    await waitFor(() => texts(alice, conversation).includes(after), 'alice gets the next message');
    expect(find(alice, conversation, id)?.status).toBe('delivered');
    expect(alice.conversations().getSnapshot()[0]?.typing).toEqual([]);

    // Turned back on, both reach Alice again.
    await bob.updateAccountSettings({ kind: 'set-read-receipts', enabled: true });
    await bob.updateAccountSettings({ kind: 'set-typing-indicators', enabled: true });
    const second = fx.text('second');
    const secondId = await alice.sendText(conversation, second);
    await waitFor(() => texts(bob, conversation).includes(second), 'bob receives the second');
    await bob.markRead(conversation, secondId);
    await waitFor(() => find(alice, conversation, secondId)?.status === 'read', 'read');
    bob.setTyping(conversation, true);
    await waitFor(
      () => alice.conversations().getSnapshot()[0]?.typing.includes(bobName),
      'typing shown',
    );
  });

  it('sends a blocked account no read receipt and no typing indicator', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const hello = fx.text('hello before the block');
    const id = await alice.sendText(conversation, hello);
    await waitFor(() => texts(bob, conversation).includes(hello), 'bob receives');
    await waitFor(() => find(alice, conversation, id)?.status === 'delivered', 'delivered');
    // Accepted, so receipts and typing would go to Alice but for the block.
    await bob.acceptMessageRequest(conversation);
    const aliceId = alice.self.getSnapshot()!.accountId;

    await bob.updateAccountSettings({ kind: 'block', accountId: aliceId });
    await bob.markRead(conversation, id);
    bob.setTyping(conversation, true);
    const after = fx.text('sent after the block');
    await bob.sendText(conversation, after);
    await waitFor(() => texts(alice, conversation).includes(after), 'alice gets the next message');
    expect(find(alice, conversation, id)?.status).toBe('delivered');
    expect(alice.conversations().getSnapshot()[0]?.typing).toEqual([]);
  });
});
