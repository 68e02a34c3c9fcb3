import { describe, expect, it } from 'vitest';
import { accountDeletedContent } from '../../src/delivery/contents.js';
import type { Messenger } from '../../src/facade/api.js';
import type { MessengerDeps } from '../../src/facade/messenger.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';

const internals = (messenger: Messenger) => (messenger as unknown as { deps: MessengerDeps }).deps;

const view = (messenger: Messenger, conversationId: string) =>
  messenger
    .conversations()
    .getSnapshot()
    .find((c) => c.id === conversationId);

/** What a modified client could send: an "account deleted" notice naming any conversation. */
async function forgeNotice(from: Messenger, to: string, conversationId: string): Promise<void> {
  const { outbox, db } = internals(from);
  const work = new UnitOfWork();
  outbox.enqueue(work, {
    content: accountDeletedContent(conversationId),
    recipientAccountIds: [to],
    ownDevices: false,
  });
  await work.commit(db);
  outbox.kick();
}

describe('the "account deleted" notice through the real relay (decision 0330)', () => {
  const fx = useRelay();

  it('tells every contact before the relay forgets the account; forged notices change nothing', async () => {
    const [alice, bob, carol] = [await fx.messenger(), await fx.messenger(), await fx.messenger()];
    const [aliceName, bobName, carolName] = ['alice', 'bob', 'carol'].map(uniqueUsername) as [
      string,
      string,
      string,
    ];
    await alice.register(aliceName);
    await bob.register(bobName);
    await carol.register(carolName);
    const bobDevice2 = await fx.messenger();
    await linkDevice(bob, bobDevice2);

    const aliceBob = await alice.openDirectConversation(bobName);
    const aliceCarol = await alice.openDirectConversation(carolName);
    const carolBob = await carol.openDirectConversation(bobName);
    const hello = fx.text('hello bob');
    await alice.sendText(aliceBob, hello);
    const helloCarol = fx.text('hello carol');
    await alice.sendText(aliceCarol, helloCarol);
    const hiBob = fx.text('hi bob');
    await carol.sendText(carolBob, hiBob);
    await waitFor(() => texts(bob, aliceBob).includes(hello), 'bob has alice’s chat');
    await waitFor(() => texts(bob, carolBob).includes(hiBob), 'bob has carol’s chat');
    await waitFor(() => texts(carol, aliceCarol).includes(helloCarol), 'carol has alice’s chat');
    await waitFor(() => texts(bobDevice2, aliceBob).includes(hello), 'bob’s 2nd device too');
    await bob.acceptMessageRequest(aliceBob);
    await bob.acceptMessageRequest(carolBob);
    await carol.acceptMessageRequest(aliceCarol);
    const group = await alice.createGroup('Book club', [bobName, carolName]);
    await waitFor(() => bob.groupInfo(group)?.members.length === 3, 'bob is in the group');

    // Carol claims Alice's chat with Bob, then the group, is gone; Alice names the group too.
    // Each notice comes over its sender's own session, so none of them counts.
    await forgeNotice(carol, internals(bob).device.accountId, aliceBob);
    await forgeNotice(carol, internals(bob).device.accountId, group);
    await forgeNotice(alice, internals(bob).device.accountId, group);
    const after = fx.text('after the forgeries');
    await carol.sendText(carolBob, after);
    await alice.sendText(aliceBob, after);
    await waitFor(() => texts(bob, carolBob).includes(after), 'carol’s later text');
    await waitFor(() => texts(bob, aliceBob).includes(after), 'alice’s later text');
    await bob.settled();
    expect(view(bob, aliceBob)?.peerDeleted).toBeUndefined();
    expect(view(bob, carolBob)?.peerDeleted).toBeUndefined();
    expect(internals(bob).conversations.get(group)?.row.peerGone).toBeUndefined();
    expect(bob.groupInfo(group)?.members).toHaveLength(3);

    await alice.deleteAccount(aliceName);

    // Nobody sends anything: the notice alone marks the chats, on every device of each contact,
    // and Alice left the group on her way out.
    for (const [device, chat] of [
      [bob, aliceBob],
      [bobDevice2, aliceBob],
      [carol, aliceCarol],
    ] as const)
      await waitFor(() => view(device, chat)?.peerDeleted, 'the chat shows the account deleted');
    await waitFor(() => bob.groupInfo(group)?.members.length === 2, 'alice left the group');
    expect(view(bob, carolBob)?.peerDeleted).toBeUndefined();
    await expect(bob.sendText(aliceBob, 'hello?')).rejects.toMatchObject({
      code: 'ACCOUNT_GONE',
    });
  });

  it('refuses to delete without telling contacts while the relay cannot be reached', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const chat = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, chat);
    const aliceName = alice.self.getSnapshot()?.username as string;

    await fx.relay.kill();
    await waitFor(() => alice.connection.getSnapshot() === 'offline', 'alice is offline');
    await expect(alice.deleteAccount(aliceName)).rejects.toMatchObject({
      code: 'RELAY_UNREACHABLE',
    });
    expect(alice.self.getSnapshot()?.username).toBe(aliceName);

    // Back online, the deletion goes through and Bob is told.
    await fx.relay.restart();
    await waitFor(() => alice.connection.getSnapshot() === 'online', 'alice is back online');
    await alice.deleteAccount(aliceName);
    await waitFor(() => view(bob, chat)?.peerDeleted, 'bob sees the account deleted');
  });
});
