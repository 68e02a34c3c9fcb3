import { describe, expect, it } from 'vitest';
import type { Messenger } from '../../src/facade/api.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';

const view = (messenger: Messenger, conversationId: string) =>
  messenger
    .conversations()
    .getSnapshot()
    .find((c) => c.id === conversationId);

const readers = (messenger: Messenger, conversationId: string, messageId: string) =>
  messenger.messageInfo(conversationId, messageId).read.map((r) => r.username);

const memberNames = (messenger: Messenger, conversationId: string) =>
  (messenger.groupInfo(conversationId)?.members ?? []).map((m) => m.username).sort();

describe('a group a stranger adds this account to is a request', () => {
  const fx = useRelay();

  async function people() {
    const [alice, bob, carol] = [await fx.messenger(), await fx.messenger(), await fx.messenger()];
    const names = [uniqueUsername('alice'), uniqueUsername('bob'), uniqueUsername('carol')];
    await alice.register(names[0]!);
    await bob.register(names[1]!);
    await carol.register(names[2]!);
    return { alice, bob, carol, aliceName: names[0]!, bobName: names[1]!, carolName: names[2]! };
  }

  it('holds read receipts until Join; a group from a contact is a chat at once', async () => {
    const { alice, bob, carol, aliceName, bobName, carolName } = await people();
    // Carol is Bob's contact (he started a chat with her); Alice is a stranger to him.
    const direct = await bob.openDirectConversation(carolName);
    await bob.sendText(direct, fx.text('hi carol'));

    const fromStranger = await alice.createGroup('strangers', [bobName, carolName]);
    const hello = fx.text('welcome');
    const helloId = await alice.sendText(fromStranger, hello);
    await waitFor(() => texts(bob, fromStranger).includes(hello), 'bob gets the invitation');
    expect(view(bob, fromStranger)).toMatchObject({ request: true, invitedBy: aliceName });

    // Bob reads it: the read stays his own until he joins.
    await bob.markRead(fromStranger, helloId);
    const fromContact = await carol.createGroup('friends', [bobName]);
    const barrier = fx.text('barrier');
    await carol.sendText(fromContact, barrier);
    await waitFor(() => texts(bob, fromContact).includes(barrier), 'bob gets the contact group');
    expect(view(bob, fromContact)?.request).toBeUndefined();
    // A barrier that does not join: Bob starts a group with Alice and writes in it. His outbox
    // and her mailbox are ordered, so once she has it she has everything he sent before.
    const barrierGroup = await bob.createGroup('barrier', [aliceName]);
    const mark = fx.text('barrier');
    await bob.sendText(barrierGroup, mark);
    await waitFor(() => texts(alice, barrierGroup).includes(mark), 'alice gets the barrier');
    expect(readers(alice, fromStranger, helloId)).toEqual([]);

    // Joining sends the read receipt held back; from now on he writes there like anyone.
    await bob.acceptMessageRequest(fromStranger);
    expect(view(bob, fromStranger)?.request).toBeUndefined();
    expect(view(bob, fromStranger)?.invitedBy).toBeUndefined();
    await waitFor(
      () => readers(alice, fromStranger, helloId).includes(bobName),
      'held-back read reaches alice',
    );
    const reply = fx.text('thanks for adding me');
    await bob.sendText(fromStranger, reply);
    await waitFor(() => texts(alice, fromStranger).includes(reply), 'alice gets the reply');
  });

  it('Delete leaves the group; Block also blocks the account that added this one', async () => {
    const { alice, bob, carol, aliceName, bobName, carolName } = await people();
    const first = await alice.createGroup('first', [bobName, carolName]);
    await alice.sendText(first, fx.text('one'));
    await waitFor(() => view(bob, first)?.request === true, 'bob has the first request');
    await bob.deleteMessageRequest(first);
    expect(view(bob, first)).toBeUndefined();
    await waitFor(
      () => !memberNames(alice, first).includes(bobName),
      'alice sees bob leave the group',
    );
    expect(memberNames(carol, first)).toContain(aliceName);

    const second = await alice.createGroup('second', [bobName]);
    await alice.sendText(second, fx.text('two'));
    await waitFor(() => view(bob, second)?.request === true, 'bob has the second request');
    await bob.blockMessageRequest(second);
    expect(view(bob, second)).toBeUndefined();
    expect(bob.accountSettings.getSnapshot().blocked).toEqual([
      alice.self.getSnapshot()!.accountId,
    ]);
    await waitFor(() => !memberNames(alice, second).includes(bobName), 'bob left the second');
  });
});
