import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../src/store/database.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { DexieStore } from '../../src/store/dexie-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { CoreStore } from '../../src/store/repositories.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';

/**
 * The queries that let a chat's rows load when it is first used (docs/decisions/0821): one
 * chat's rows with their receipts, a message's chat, and every row paged by primary key. The
 * same contract on the IndexedDB store and the in-memory one; the desktop's SQLite store has its
 * own test (apps/desktop).
 */
function message(conversationId: string, n: number): MessageRow {
  return {
    id: `${conversationId}-m${n}`,
    conversationId,
    senderId: 'peer',
    senderDeviceId: 1,
    sentAt: n,
    body: `message ${n}`,
    kind: 'text',
    outgoing: false,
    status: 'delivered',
  };
}

async function seed(store: CoreStore): Promise<void> {
  const work = new UnitOfWork();
  for (const id of ['a', 'b', 'c']) {
    work.conversations.set(id, { id, kind: 'direct', peerAccountId: 'peer', updatedAt: 1 });
    for (let n = 0; n < 4; n++) work.messages.set(`${id}-m${n}`, message(id, n));
  }
  work.receipts.push({ key: 'b-m1/peer/read', messageId: 'b-m1', accountId: 'peer', kind: 'read' });
  work.receipts.push({ key: 'c-m1/peer/read', messageId: 'c-m1', accountId: 'peer', kind: 'read' });
  await store.commit(work);
}

async function dexieStore(): Promise<DexieStore> {
  const db = new ParleyDatabase(`conversation-rows-${crypto.randomUUID()}`);
  await db.open();
  return new DexieStore(db);
}

describe.each([
  ['IndexedDB', dexieStore],
  ['memory', async () => new MemoryStore()],
])('rows per chat (%s store)', (_, open) => {
  it("reads one chat's rows and their receipts, nothing of the others", async () => {
    const store = await open();
    await seed(store);
    const rows = await store.loadConversationRows(['b']);
    expect(rows.messages.map((row) => row.id).sort()).toEqual(['b-m0', 'b-m1', 'b-m2', 'b-m3']);
    expect(rows.receipts.map((row) => row.key)).toEqual(['b-m1/peer/read']);
  });

  it('reads messages by id (their chats), and nothing for a message it does not hold', async () => {
    const store = await open();
    await seed(store);
    const found = await store.loadMessages(['c-m2', 'a-m0', 'gone']);
    expect(found.map((row) => [row.id, row.conversationId])).toEqual([
      ['c-m2', 'c'],
      ['a-m0', 'a'],
    ]);
  });

  it('pages every row by message id', async () => {
    const store = await open();
    await seed(store);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.messagesAfter(after, 5);
      if (page.length === 0) break;
      seen.push(...page.map((row) => row.id));
      after = page.at(-1)?.id;
    }
    expect(seen).toHaveLength(12);
    expect(seen).toEqual([...seen].sort());
  });
});
