import { describe, expect, it } from 'vitest';
import { ConversationDoc } from '../../src/conversations/conversation-doc.js';
import { Conversations, messageRow } from '../../src/conversations/conversations.js';
import { conversationView, messageViews, type ViewContext } from '../../src/facade/views.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';

/**
 * Start-up decodes no conversation document (docs/decisions/0810): the chat list renders from the
 * projection rows, and a document is decoded from its stored snapshot and log the first time it
 * is read, with the very content a full load gave.
 */
const self = { accountId: 'self', username: 'me' };
const peer = { accountId: 'peer', username: 'pal' };
const context: ViewContext = {
  selfAccountId: self.accountId,
  now: 0,
  usernameOf: (accountId) => (accountId === self.accountId ? 'me' : 'pal'),
  nameOf: (accountId) => (accountId === self.accountId ? 'me' : 'pal'),
};

/** A store holding one chat: a snapshot with two messages and a logged update with a third. */
function storedChat(): MemoryStore {
  const store = new MemoryStore();
  const doc = new ConversationDoc('chat');
  doc.initDirect(self, peer);
  const entry = (id: string, senderId: string, sentAt: number) => ({
    id,
    kind: 'text' as const,
    senderId,
    senderDeviceId: 1,
    sentAt,
    hlc: sentAt,
    body: `body ${id}`,
  });
  doc.appendMessage(entry('m1', peer.accountId, 1_000));
  doc.appendMessage(entry('m2', self.accountId, 2_000));
  store.snapshots.set('chat', { conversationId: 'chat', snapshot: doc.snapshot() as never });
  const before = doc.stateVector();
  doc.appendMessage(entry('m3', peer.accountId, 3_000));
  store.docUpdates.set(7, {
    seq: 7,
    conversationId: 'chat',
    update: doc.diffSince(before) as never,
  });
  store.conversations.set('chat', {
    id: 'chat',
    kind: 'direct',
    peerAccountId: peer.accountId,
    updatedAt: 3_000,
  });
  for (const e of doc.timeline())
    store.messages.set(e.id, messageRow(e, 'chat', e.senderId === self.accountId, 'delivered'));
  return store;
}

function conversationsOn(store: MemoryStore, changed: string[] = []): Conversations {
  return new Conversations({
    store,
    selfAccountId: () => self.accountId,
    changed: (id) => changed.push(id),
  });
}

describe('conversation documents are decoded on first use', () => {
  it('renders the chat list from the projection without decoding any document', async () => {
    const conversations = conversationsOn(storedChat());
    await conversations.load();
    const model = conversations.get('chat')!;
    const view = conversationView(model, context);
    expect(model.docLoaded).toBe(false);
    expect(view.lastMessage?.body).toBe('body m3');
    expect(view.unreadCount).toBe(2);
    expect(model.logSeqs).toEqual([]);
  });

  it('decodes the snapshot and the log when the chat is read, without announcing a change', async () => {
    const changed: string[] = [];
    const conversations = conversationsOn(storedChat(), changed);
    await conversations.load();
    // Reading its rows (a row without a summary is read at load) re-renders; decoding does not.
    changed.length = 0;
    const model = conversations.get('chat')!;
    const bodies = messageViews(model, context).map((view) => view.body);
    expect(model.docLoaded).toBe(true);
    expect(bodies).toEqual(['body m1', 'body m2', 'body m3']);
    expect(model.doc.memberList().map(([id]) => id)).toEqual([self.accountId, peer.accountId]);
    expect(changed).toEqual([]);
    // The log's rows are counted for compaction once the document holds them.
    expect(model.logSeqs).toEqual([7]);
  });

  it('applies a message arriving for a chat not decoded yet after its stored history', async () => {
    const store = storedChat();
    const conversations = conversationsOn(store);
    await conversations.load();
    const model = conversations.get('chat')!;
    // The sender's replica: the same history, then one more message.
    const sender = new ConversationDoc('chat');
    sender.applyRemoteUpdate(store.snapshots.get('chat')!.snapshot);
    sender.applyRemoteUpdate(store.docUpdates.get(7)!.update);
    const before = sender.stateVector();
    sender.appendMessage({
      id: 'm4',
      kind: 'text',
      senderId: peer.accountId,
      senderDeviceId: 1,
      sentAt: 4_000,
      hlc: 4_000,
      body: 'body m4',
    });
    const work = new UnitOfWork();
    const { incoming } = conversations.stage(work, model, (doc) =>
      doc.applyRemoteUpdate(sender.diffSince(before)),
    );
    expect(incoming.map((row) => row.id)).toEqual(['m4']);
    // Only the new message is staged: the decoded history was projected already.
    expect([...work.messages.keys()]).toEqual(['m4']);
    expect(messageViews(model, context).map((view) => view.body)).toEqual([
      'body m1',
      'body m2',
      'body m3',
      'body m4',
    ]);
  });

  it('fails again on the next use when a stored document cannot be decoded', async () => {
    const store = storedChat();
    store.docUpdates.set(8, {
      seq: 8,
      conversationId: 'chat',
      update: new Uint8Array([255, 255, 255, 255]) as never,
    });
    const conversations = conversationsOn(store);
    await conversations.load();
    const model = conversations.get('chat')!;
    expect(() => model.doc).toThrow();
    // Not an empty document that later updates would be written on top of.
    expect(() => model.doc).toThrow();
    expect(model.docLoaded).toBe(false);
    expect(model.logSeqs).toEqual([]);
  });
});
