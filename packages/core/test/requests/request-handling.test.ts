import { describe, expect, it } from 'vitest';
import { ConversationDoc } from '../../src/conversations/conversation-doc.js';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import { crdtUpdateContent, decodeContent, typingContent } from '../../src/delivery/contents.js';
import { isMessageRequest } from '../../src/requests/request-state.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { Receiver } from '../support/in-memory-receiver.js';

const alice = { accountId: 'alice-account', deviceId: 1 };
const bob = { accountId: 'bob-account', deviceId: 1 };
const bobLaptop = { accountId: 'bob-account', deviceId: 2 };

/** A direct conversation `author` opened with Bob, holding one message of theirs. */
async function firstMessage(author: { accountId: string; deviceId: number }) {
  const id = await directConversationId(alice.accountId, bob.accountId);
  const doc = new ConversationDoc(id);
  doc.initDirect(
    { accountId: alice.accountId, username: 'alice' },
    { accountId: bob.accountId, username: 'bob' },
  );
  doc.appendMessage({
    id: 'm1',
    kind: 'text',
    senderId: author.accountId,
    senderDeviceId: author.deviceId,
    sentAt: 1_000,
    body: 'hello',
  });
  return { id, update: doc.snapshot() };
}

async function handle(
  receiver: Receiver,
  content: Uint8Array,
  sender: { accountId: string; deviceId: number },
) {
  const work = new UnitOfWork();
  await receiver.handler.handle(decodeContent(content), sender, work);
  receiver.handler.applyQueued(work);
  await receiver.store.commit(work);
}

describe('message requests and blocked senders in content handling (in-memory store)', () => {
  it("makes a stranger's first message a request, and a chat an own device started none", async () => {
    const { id, update } = await firstMessage(alice);
    const bobsPhone = new Receiver(bob.accountId);
    await handle(bobsPhone, crdtUpdateContent(id, update), alice);
    expect(isMessageRequest(bobsPhone.conversations.get(id)!, [])).toBe(true);
    expect(bobsPhone.store.conversations.get(id)?.request).toBe(true);

    // Bob's laptop started it (Bob wrote first): his phone learns it from its own device.
    const started = await firstMessage(bobLaptop);
    const bobsOtherPhone = new Receiver(bob.accountId);
    await handle(bobsOtherPhone, crdtUpdateContent(started.id, started.update), bobLaptop);
    expect(isMessageRequest(bobsOtherPhone.conversations.get(started.id)!, [])).toBe(false);
  });

  it('drops everything a blocked account sends before it is applied or answered', async () => {
    const { id, update } = await firstMessage(alice);
    const receiver = new Receiver(bob.accountId);
    receiver.blocked.add(alice.accountId);

    await handle(receiver, crdtUpdateContent(id, update), alice);
    await handle(receiver, typingContent(id, true), alice);

    expect(receiver.conversations.get(id)).toBeUndefined();
    expect(receiver.store.messages.size).toBe(0);
    // No delivered receipt (nor anything else) goes back to the blocked account.
    expect(receiver.store.outbox.size).toBe(0);
    expect(receiver.rejected).toEqual([]);
  });
});
