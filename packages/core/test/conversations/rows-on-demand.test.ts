import { describe, expect, it } from 'vitest';
import { ConversationDoc, type MessageEntry } from '../../src/conversations/conversation-doc.js';
import { Conversations } from '../../src/conversations/conversations.js';
import { conversationView, messageViews, type ViewContext } from '../../src/facade/views.js';
import { LocalSearchIndex } from '../../src/search/local-index.js';
import { MessageSearch } from '../../src/search/message-search.js';
import type { SearchBackend } from '../../src/search/search-document.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { DexieStore } from '../../src/store/dexie-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { CoreStore } from '../../src/store/repositories.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';

/**
 * A chat's rows are read when it is first used, never all at start (docs/decisions/0821). For a
 * chat never opened in a session, what the chat list shows comes from the summary kept with its
 * rows: its unread count stays right across restarts and new messages, a receipt for one of its
 * messages is stored and shows once it is opened, and the search catch-up covers it.
 */
const self = { accountId: 'self', username: 'me' };
const peer = { accountId: 'peer', username: 'pal' };
const context: ViewContext = {
  selfAccountId: self.accountId,
  now: 0,
  usernameOf: (accountId) => (accountId === self.accountId ? 'me' : 'pal'),
  nameOf: (accountId) => (accountId === self.accountId ? 'me' : 'pal'),
};

function entry(id: string, senderId: string, sentAt: number): MessageEntry {
  return { id, kind: 'text', senderId, senderDeviceId: 1, sentAt, hlc: sentAt, body: `body ${id}` };
}

/** A session of this device: the conversations read as start-up reads them (no first screen). */
async function start(store: CoreStore): Promise<Conversations> {
  const conversations = new Conversations({
    store,
    selfAccountId: () => self.accountId,
    changed: () => undefined,
  });
  await conversations.load();
  return conversations;
}

/** The peer's replica of the chat: each message it writes reaches this device as an update. */
class Peer {
  readonly doc = new ConversationDoc('chat');
  private clock = 0;

  write(id: string): Uint8Array {
    const before = this.doc.stateVector();
    this.doc.appendMessage(entry(id, peer.accountId, ++this.clock * 1_000));
    return this.doc.diffSince(before);
  }
}

async function receive(conversations: Conversations, store: CoreStore, update: Uint8Array) {
  await conversations.ensure(['chat']);
  const work = new UnitOfWork();
  conversations.stage(work, conversations.get('chat')!, (doc) => doc.applyRemoteUpdate(update));
  await store.commit(work);
}

/** A chat with the peer holding `incoming` messages from it and one this account wrote. */
async function seeded(store: CoreStore, incoming: number): Promise<Peer> {
  const conversations = await start(store);
  const work = new UnitOfWork();
  const model = conversations.create(work, {
    id: 'chat',
    kind: 'direct',
    peerAccountId: peer.accountId,
    updatedAt: 1,
  });
  const them = new Peer();
  them.doc.initDirect(self, peer);
  conversations.stage(work, model, (doc) => doc.applyRemoteUpdate(them.doc.snapshot()));
  await store.commit(work);
  for (let i = 0; i < incoming; i++) await receive(conversations, store, them.write(`in${i}`));
  const mine = new UnitOfWork();
  conversations.stage(mine, model, (doc) => doc.appendMessage(entry('mine', self.accountId, 0)));
  await store.commit(mine);
  return them;
}

const listed = (conversations: Conversations) =>
  conversationView(conversations.get('chat')!, context);

async function dexieStore(): Promise<DexieStore> {
  const db = new ParleyDatabase(`rows-on-demand-${crypto.randomUUID()}`);
  await db.open();
  return new DexieStore(db);
}

describe.each([
  ['IndexedDB', dexieStore],
  ['memory', async () => new MemoryStore()],
])('a chat never opened in this session (%s store)', (_, open) => {
  it('is listed with its unread count and preview after a restart, and after new messages', async () => {
    const store = await open();
    const them = await seeded(store, 3);

    let conversations = await start(store);
    expect(conversations.get('chat')!.rowsLoaded).toBe(false);
    expect(listed(conversations)).toMatchObject({
      unreadCount: 3,
      lastMessage: { body: 'body mine', outgoing: true },
    });

    // A message arrives: the chat's rows are read first, the count and preview follow.
    await receive(conversations, store, them.write('later'));
    expect(listed(conversations)).toMatchObject({
      unreadCount: 4,
      lastMessage: { body: 'body later' },
    });
    conversations = await start(store);
    expect(conversations.get('chat')!.rowsLoaded).toBe(false);
    expect(listed(conversations)).toMatchObject({
      unreadCount: 4,
      lastMessage: { body: 'body later' },
    });

    // Read up to the newest: nothing unread after the next restart either.
    await conversations.ensure(['chat']);
    const read = new UnitOfWork();
    for (const id of ['in0', 'in1', 'in2', 'later'])
      conversations.raiseStatus(read, id, 'read', 'chat');
    await store.commit(read);
    conversations = await start(store);
    expect(listed(conversations).unreadCount).toBe(0);
  });

  it('stores a receipt for one of its messages, ticks its preview, and shows it once opened', async () => {
    const store = await open();
    await seeded(store, 1);
    let conversations = await start(store);
    // As the content handler records a receipt: a receipt row, the status raised by it.
    const work = new UnitOfWork();
    work.receipts.push({
      key: 'mine/peer/read',
      messageId: 'mine',
      accountId: peer.accountId,
      kind: 'read',
    });
    conversations.raiseStatus(work, 'mine', 'read', undefined, 'receipt');
    await store.commit(work);
    expect(conversations.get('chat')!.rowsLoaded).toBe(false);
    expect(listed(conversations).lastMessage?.status).toBe('read');

    conversations = await start(store);
    expect(listed(conversations).lastMessage?.status).toBe('read');
    await conversations.ensure(['chat']);
    const views = messageViews(conversations.get('chat')!, context);
    expect(views.find((view) => view.id === 'mine')?.status).toBe('read');
  });

  it('is covered by the search catch-up, page by page', async () => {
    const store = await open();
    await seeded(store, 5);
    const conversations = await start(store);
    const restored: string[][] = [];
    const added: string[] = [];
    const backend = {
      restore: async (ids: string[]) => {
        restored.push(ids);
        return { restored: 0, missing: ids };
      },
      apply: async (changes: { add?: { id: string }[] }) => {
        added.push(...(changes.add ?? []).map((document) => document.id));
      },
    } as unknown as SearchBackend;
    const search = new MessageSearch({
      backend,
      store,
      conversationList: () => [],
      usernameOf: (accountId) => accountId,
      nameOf: (accountId) => accountId,
      onError: (error) => {
        throw error;
      },
    });
    await search.start();
    expect(conversations.get('chat')!.rowsLoaded).toBe(false);
    const all = ['in0', 'in1', 'in2', 'in3', 'in4', 'mine'];
    expect(restored.flat().sort()).toEqual(all);
    expect(added.sort()).toEqual(all);
  });

  it('is searched without reading its rows: a hit carries the text, sender and direction shown', async () => {
    const store = await open();
    await seeded(store, 2);
    const conversations = await start(store);
    const reads: string[][] = [];
    const counted = {
      messagesAfter: store.messagesAfter.bind(store),
      loadMessages: (ids: string[]) => {
        reads.push(ids);
        return store.loadMessages(ids);
      },
    };
    const search = new MessageSearch({
      backend: new LocalSearchIndex({
        databaseName: `rows-on-demand-search-${crypto.randomUUID()}`,
        schedule: () => () => undefined,
      }),
      store: counted,
      conversationList: () => [listed(conversations)],
      usernameOf: (accountId) => (accountId === self.accountId ? 'me' : 'pal'),
      nameOf: (accountId) => (accountId === self.accountId ? 'me' : 'pal'),
      onError: (error) => {
        throw error;
      },
    });
    await search.start();
    reads.length = 0;

    const results = await search.search('body');
    expect(reads).toEqual([]);
    expect(conversations.get('chat')!.rowsLoaded).toBe(false);
    expect(
      results.groups[0]?.messages.map((hit) => [hit.text, hit.senderName, hit.outgoing]),
    ).toEqual([
      ['body in1', 'pal', false],
      ['body in0', 'pal', false],
      ['body mine', 'me', true],
    ]);
  });
});
