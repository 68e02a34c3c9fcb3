import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Messenger, MessageStatus } from '../../src/messenger/api.js';
import { RelayProcess } from '../support/relay-process.js';
import { find, openMessenger, texts, uniqueUsername, waitFor } from '../support/messengers.js';

describe('a direct conversation through the real relay', () => {
  let relay: RelayProcess;
  const open: Messenger[] = [];
  const messenger = async (name?: string) => {
    const m = await openMessenger(relay.url, name);
    open.push(m);
    return m;
  };

  beforeAll(async () => {
    relay = await RelayProcess.start();
  });
  afterAll(async () => {
    for (const m of open) await m.close();
    await relay.stop();
  });

  it('exchanges messages both ways; the sender sees pending -> sent -> delivered -> read', async () => {
    const alice = await messenger();
    const bobDb = `bob-${Date.now()}`;
    let bob = await messenger(bobDb);
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await alice.register(aliceName);
    await bob.register(bobName);
    await bob.close(); // Bob is offline while Alice sends.

    const conversation = await alice.openDirectConversation(bobName);
    const seen: MessageStatus[] = [];
    let id = '';
    alice.messages(conversation).subscribe(() => {
      const status = find(alice, conversation, id)?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    });
    id = await alice.sendText(conversation, 'hello bob');
    seen.push(find(alice, conversation, id)!.status);
    await waitFor(() => find(alice, conversation, id)?.status === 'sent', 'sent');

    bob = await messenger(bobDb);
    expect(bob.self.getSnapshot()?.username).toBe(bobName);
    await waitFor(() => texts(bob, conversation).includes('hello bob'), 'bob receives');
    await waitFor(() => find(alice, conversation, id)?.status === 'delivered', 'delivered');
    expect(bob.conversations().getSnapshot()[0]).toMatchObject({
      id: conversation,
      peerUsername: aliceName,
      unreadCount: 1,
    });

    await bob.markRead(conversation, id);
    expect(bob.conversations().getSnapshot()[0]?.unreadCount).toBe(0);
    await waitFor(() => find(alice, conversation, id)?.status === 'read', 'read');
    expect(seen).toEqual(['pending', 'sent', 'delivered', 'read']);

    const replyId = await bob.sendText(conversation, 'hi alice');
    await waitFor(
      () => texts(alice, conversation).includes('hi alice'),
      'alice receives the reply',
    );
    await waitFor(
      () => find(bob, conversation, replyId)?.status === 'delivered',
      'reply delivered',
    );
    expect(texts(alice, conversation)).toEqual(['hello bob', 'hi alice']);
    expect(texts(bob, conversation)).toEqual(['hello bob', 'hi alice']);
    const incoming = find(alice, conversation, replyId)!;
    expect(incoming).toMatchObject({
      outgoing: false,
      senderUsername: bobName,
      status: 'delivered',
    });
  });
});
