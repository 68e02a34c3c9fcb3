import { describe, expect, it } from 'vitest';
import { Conversations } from '../../src/conversations/conversations.js';
import { conversationView, pageViews, type ViewContext } from '../../src/facade/views.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { DexieStore } from '../../src/store/dexie-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { CoreStore } from '../../src/store/repositories.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';

/**
 * Start-up reads the chat list's first screen before anything else (docs/decisions/0820): the
 * most recently active chats with their newest rows and those rows' receipts, not whole tables.
 * The same contract on the IndexedDB store (fake-indexeddb stands in for the browser's) and the
 * in-memory one; the desktop's SQLite store has its own test (apps/desktop).
 */
const context: ViewContext = {
  selfAccountId: 'self',
  now: 0,
  usernameOf: (accountId) => accountId,
  nameOf: (accountId) => accountId,
};

/** Three direct chats active at 1,000, 3,000 and 2,000, with 10 incoming messages each. */
async function seed(store: CoreStore): Promise<void> {
  const work = new UnitOfWork();
  for (const [n, updatedAt] of [1_000, 3_000, 2_000].entries()) {
    const id = `chat${n}`;
    work.conversations.set(id, { id, kind: 'direct', peerAccountId: `peer${n}`, updatedAt });
    for (let i = 0; i < 10; i++) {
      work.messages.set(`${id}-m${i}`, {
        id: `${id}-m${i}`,
        conversationId: id,
        senderId: `peer${n}`,
        senderDeviceId: 1,
        sentAt: updatedAt - 100 + i,
        body: `${id} message ${i}`,
        kind: 'text',
        outgoing: false,
        status: 'delivered',
      });
    }
  }
  // A read receipt this account's other device sent for chat1's newest message.
  work.receipts.push({
    key: 'chat1-m9/self/read',
    messageId: 'chat1-m9',
    accountId: 'self',
    kind: 'read',
  });
  await store.commit(work);
}

async function dexieStore(): Promise<DexieStore> {
  const db = new ParleyDatabase(`first-screen-${crypto.randomUUID()}`);
  await db.open();
  return new DexieStore(db);
}

describe.each([
  ['IndexedDB', dexieStore],
  ['memory', async () => new MemoryStore()],
])('the first screen (%s store)', (_, open) => {
  it('reads the chats, and the newest rows of the most recent ones with those rows receipts', async () => {
    const store = await open();
    await seed(store);
    const screen = await store.loadFirstScreen(2, 3);
    expect(screen.conversations.map((row) => row.id)).toEqual(['chat1', 'chat2', 'chat0']);
    expect(screen.messages.map((row) => row.id).sort()).toEqual([
      'chat1-m7',
      'chat1-m8',
      'chat1-m9',
      'chat2-m7',
      'chat2-m8',
      'chat2-m9',
    ]);
    expect(screen.receipts.map((row) => row.key)).toEqual(['chat1-m9/self/read']);
  });

  it('shows those chats until the whole projection replaces them', async () => {
    const store = await open();
    await seed(store);
    const conversations = new Conversations({
      store,
      selfAccountId: () => 'self',
      changed: () => undefined,
    });
    await conversations.loadFirstScreen(new Set(), 2, 3);
    const first = conversations.all().map((model) => conversationView(model, context));
    expect(pageViews(conversations.get('chat2')!, context).map((view) => view.id)).toEqual([
      'chat2-m7',
      'chat2-m8',
      'chat2-m9',
    ]);
    expect(first.map((view) => [view.id, view.lastMessage?.body, view.unreadCount])).toEqual([
      // chat1's newest message was read on another device: two of its page are unread.
      ['chat1', 'chat1 message 9', 2],
      ['chat2', 'chat2 message 9', 3],
      // Past the first screen: listed, its rows not read yet.
      ['chat0', undefined, 0],
    ]);
    expect(conversations.all().some((model) => model.docLoaded)).toBe(false);

    await conversations.load();
    const all = conversations.all().map((model) => conversationView(model, context));
    expect(all.map((view) => [view.id, view.unreadCount]).sort()).toEqual([
      ['chat0', 10],
      ['chat1', 9],
      ['chat2', 10],
    ]);
  });
});
