import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationDoc } from '../../src/conversations/conversation-doc.js';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import {
  accountDeletedContent,
  crdtUpdateContent,
  decodeContent,
  receiptContent,
  syncRequestContent,
} from '../../src/delivery/contents.js';
import { profileKeyContent } from '../../src/profiles/profile-key-content.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { Receiver } from '../support/in-memory-receiver.js';

const alice = { accountId: 'alice-account', deviceId: 1 };
const mallory = { accountId: 'mallory-account', deviceId: 1 };
const bob = { accountId: 'bob-account', deviceId: 1 };

/** Bob's device with a direct conversation Alice opened and wrote `messages` messages to. */
async function bobWithConversation(messages: number) {
  const id = await directConversationId(alice.accountId, bob.accountId);
  const aliceDoc = new ConversationDoc(id);
  aliceDoc.initDirect(
    { accountId: alice.accountId, username: 'alice' },
    { accountId: bob.accountId, username: 'bob' },
  );
  for (let i = 0; i < messages; i++)
    aliceDoc.appendMessage({
      id: `m${i}`,
      kind: 'text',
      senderId: alice.accountId,
      senderDeviceId: 1,
      sentAt: 1_000 + i,
      body: `message ${i}`,
    });
  const receiver = new Receiver(bob.accountId);
  const work = new UnitOfWork();
  await receiver.handler.handle(
    decodeContent(crdtUpdateContent(id, aliceDoc.snapshot())),
    alice,
    work,
  );
  receiver.handler.applyQueued(work);
  await receiver.store.commit(work);
  return { id, aliceDoc, receiver, work };
}

describe('content handler (in-memory store, no relay)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creates the direct conversation a peer opens, projects its messages and owes one delivered receipt', async () => {
    const { id, receiver } = await bobWithConversation(3);
    const model = receiver.conversations.get(id);
    expect(model?.row.peerAccountId).toBe(alice.accountId);
    expect([...receiver.store.messages.values()].map((row) => [row.id, row.status])).toEqual([
      ['m0', 'delivered'],
      ['m1', 'delivered'],
      ['m2', 'delivered'],
    ]);
    const rows = [...receiver.store.outbox.values()];
    expect(rows).toHaveLength(1);
    const receipt = decodeContent(rows[0]!.content).body;
    expect(receipt.case).toBe('receipt');
    expect(receipt.case === 'receipt' && receipt.value.messageIds).toEqual(['m0', 'm1', 'm2']);
  });

  it('honours an "account deleted" notice only from the peer of the direct conversation it names', async () => {
    const { id, receiver } = await bobWithConversation(1);
    const notice = (conversationId: string, sender: typeof alice) =>
      receiver.handler.handle(
        decodeContent(accountDeletedContent(conversationId)),
        sender,
        new UnitOfWork(),
      );
    await notice(id, mallory); // another account names Alice's chat
    await notice(id, { ...bob, deviceId: 2 }); // an own device
    await notice('no-such-conversation', alice);
    expect(receiver.gone).toEqual([]);
    await notice(id, alice);
    expect(receiver.gone).toEqual([alice.accountId]);
  });

  it('rejects an update to a conversation from an account that is not part of it', async () => {
    const { id, receiver } = await bobWithConversation(1);
    const forged = new ConversationDoc(id);
    forged.appendMessage({
      id: 'forged',
      kind: 'text',
      senderId: mallory.accountId,
      senderDeviceId: 1,
      sentAt: 2_000,
      body: 'not from alice',
    });
    const work = new UnitOfWork();
    await receiver.handler.handle(
      decodeContent(crdtUpdateContent(id, forged.snapshot())),
      mallory,
      work,
    );
    receiver.handler.applyQueued(work);
    expect(receiver.rejected.map((r) => r.sender.accountId)).toEqual([mallory.accountId]);
    expect(
      receiver.conversations
        .get(id)
        ?.doc.messages()
        .map((e) => e.id),
    ).toEqual(['m0']);
    expect(work.isEmpty).toBe(true);
  });

  it('raises an outgoing message to delivered then read on receipts, never back down', async () => {
    const { id, receiver } = await bobWithConversation(0);
    // Bob writes; Alice's device reports it delivered, then read, then (late) delivered again.
    const model = receiver.conversations.get(id)!;
    const sent = new UnitOfWork();
    receiver.conversations.stage(sent, model, (doc) =>
      doc.appendMessage({
        id: 'b1',
        kind: 'text',
        senderId: bob.accountId,
        senderDeviceId: 1,
        sentAt: 3_000,
        body: 'hi alice',
      }),
    );
    await receiver.store.commit(sent);
    for (const kind of ['delivered', 'read', 'delivered'] as const) {
      const work = new UnitOfWork();
      await receiver.handler.handle(decodeContent(receiptContent(kind, id, ['b1'])), alice, work);
      await receiver.store.commit(work);
    }
    expect(model.rows.get('b1')?.status).toBe('read');
    expect([...receiver.store.receipts.keys()].sort()).toEqual([
      `b1/${alice.accountId}/delivered`,
      `b1/${alice.accountId}/read`,
    ]);
  });

  it('answers a state-vector sync request with what the requester misses', async () => {
    const { id, receiver } = await bobWithConversation(4);
    // A device of Alice's that holds none of the conversation asks Bob for it.
    const behind = new ConversationDoc(id);
    const work = new UnitOfWork();
    await receiver.handler.handle(
      decodeContent(syncRequestContent(id, behind.stateVector())),
      alice,
      work,
    );
    expect(work.outbox).toHaveLength(1);
    const answer = decodeContent(work.outbox[0]!.content).body;
    expect(answer.case).toBe('crdtSyncResponse');
    if (answer.case !== 'crdtSyncResponse') return;
    behind.applyRemoteUpdate(answer.value.update);
    expect(behind.messages().map((e) => e.id)).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(work.outbox[0]!.recipientAccountIds).toEqual([alice.accountId]);
  });

  it("takes a key naming another account only from an own device (a contact's key passed on)", async () => {
    const receiver = new Receiver(bob.accountId);
    const key = new Uint8Array(32).fill(7);
    const work = new UnitOfWork();
    const handle = (content: Uint8Array, sender: typeof alice) =>
      receiver.handler.handle(decodeContent(content), sender, work);
    // Mallory cannot plant a key for Alice: hers counts as Mallory's own.
    await handle(profileKeyContent(key, 3, alice.accountId), mallory);
    await handle(profileKeyContent(key, 4), alice);
    // Bob's other device passes Alice's key on.
    await handle(profileKeyContent(key, 5, alice.accountId), { ...bob, deviceId: 2 });
    expect(receiver.profileKeys).toEqual([
      [mallory.accountId, 3],
      [alice.accountId, 4],
      [alice.accountId, 5],
    ]);
  });
});
