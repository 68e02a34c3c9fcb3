import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyDatabase, UnitOfWork } from '@parley/core/store';
import { afterEach, describe, expect, it } from 'vitest';
import {
  openEncryptedDatabase,
  type SqliteDatabase,
} from '../../src/backend/storage/encrypted-database.js';
import {
  detachPersistentIndexedDB,
  openPersistentIndexedDB,
  type PersistentIndexedDB,
} from '../../src/backend/storage/persistent-indexeddb.js';
import { SqliteStore } from '../../src/backend/storage/sqlite-store.js';

/**
 * Core's CoreStore on the SQLCipher file (docs/decisions/0810), against a real encrypted file
 * reopened as the backend reopens it after a restart.
 */
interface Opened {
  sqlite: SqliteDatabase;
  idb: PersistentIndexedDB;
  db: ParleyDatabase;
  store: SqliteStore;
}

const dirs: string[] = [];
const opened: Opened[] = [];

async function openStore(path: string, key: Buffer): Promise<Opened> {
  const sqlite = openEncryptedDatabase(path, key);
  const idb = await openPersistentIndexedDB(sqlite);
  const db = new ParleyDatabase('parley', idb);
  await db.open();
  const handle = { sqlite, idb, db, store: new SqliteStore(sqlite, db) };
  opened.push(handle);
  return handle;
}

function close(handle: Opened): void {
  handle.db.close();
  detachPersistentIndexedDB(handle.idb.indexedDB);
  if (handle.sqlite.open) handle.sqlite.close();
}

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-store-'));
  dirs.push(dir);
  return join(dir, 'parley.db');
}

afterEach(() => {
  for (const handle of opened.splice(0)) close(handle);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'the plaintext of a sent message';

/** Every conversation row, projection row and receipt, read through the store's own queries. */
async function everything(store: SqliteStore) {
  const { conversations } = await store.loadFirstScreen(0, 0);
  const rows = await store.loadConversationRows(conversations.map((row) => row.id));
  return { conversations, ...rows, document: await store.loadDocuments([]) };
}

/** A unit of work touching every table the store holds. */
function fullUnit(): UnitOfWork {
  const work = new UnitOfWork();
  work.conversations.set('c1', { id: 'c1', kind: 'direct', peerAccountId: 'p', updatedAt: 5 });
  work.conversations.set('c2', { id: 'c2', kind: 'direct', peerAccountId: 'q', updatedAt: 6 });
  work.snapshots.push({ conversationId: 'c1', snapshot: new Uint8Array([1, 1]) });
  work.docUpdates.push({ conversationId: 'c1', update: new Uint8Array([2]) });
  work.docUpdates.push({ conversationId: 'c2', update: new Uint8Array([9]) });
  work.docUpdates.push({ conversationId: 'c1', update: new Uint8Array([3]) });
  for (const [id, conversationId] of [
    ['m1', 'c1'],
    ['m2', 'c2'],
  ] as const) {
    work.messages.set(id, {
      id,
      conversationId,
      senderId: 'p',
      senderDeviceId: 1,
      sentAt: 1,
      body: SECRET,
      kind: 'text',
      outgoing: false,
      status: 'delivered',
    });
  }
  work.receipts.push({ key: 'm1/p/read', messageId: 'm1', accountId: 'p', kind: 'read' });
  work.outbox.push({
    idempotencyKey: 'k1',
    content: new Uint8Array([7, 7]),
    recipientAccountIds: ['p'],
    ownDevices: true,
    messageIds: ['m1'],
    createdAt: 3,
  });
  work.processed.push({ envelopeId: 'e1', at: 100 });
  return work;
}

describe('the SQLite store', () => {
  it('keeps every table across a restart and reads a document only when asked', async () => {
    const path = tempFile();
    const key = randomBytes(32);
    const first = await openStore(path, key);
    const work = fullUnit();
    const committed: UnitOfWork[] = [];
    first.store.onCommitted((unit) => committed.push(unit));
    await first.store.commit(work);
    expect(committed).toEqual([work]);
    // Added rows carry their keys, in order, as IndexedDB's auto-increment gives them.
    const [u1, u2, u3] = work.docUpdates.map((row) => row.seq as number);
    expect(u1! < u2! && u2! < u3!).toBe(true);
    expect(work.outbox[0]?.seq).toBeTypeOf('number');
    close(first);

    const second = await openStore(path, key);
    const stored = await everything(second.store);
    expect(stored.conversations.map((row) => row.id).sort()).toEqual(['c1', 'c2']);
    expect(stored.messages.map((row) => row.body)).toEqual([SECRET, SECRET]);
    expect(stored.receipts).toEqual([work.receipts[0]]);
    const c1 = stored.document('c1');
    expect(c1.snapshot).toEqual(new Uint8Array([1, 1]));
    expect(c1.updates.map((row) => [row.seq, Array.from(row.update)])).toEqual([
      [u1, [2]],
      [u3, [3]],
    ]);
    expect(await second.store.loadOutbox()).toEqual([work.outbox[0]]);
    expect(await second.store.processedAmong(['e1', 'e2'])).toEqual(new Set(['e1']));
    await second.store.forgetProcessedBefore(101);
    expect(await second.store.processedAmong(['e1'])).toEqual(new Set());

    await second.store.deleteConversation('c1');
    const after = await everything(second.store);
    expect(after.conversations.map((row) => row.id)).toEqual(['c2']);
    expect(after.messages.map((row) => row.id)).toEqual(['m2']);
    expect(after.receipts).toEqual([]);
    expect(after.document('c1')).toEqual({ snapshot: undefined, updates: [] });
  });

  it('reads the first screen: the newest chats with their newest rows and those rows receipts', async () => {
    const handle = await openStore(tempFile(), randomBytes(32));
    const work = fullUnit();
    const m1 = work.messages.get('m1')!;
    for (const sentAt of [2, 3])
      work.messages.set(`m1-${sentAt}`, { ...m1, id: `m1-${sentAt}`, sentAt });
    await handle.store.commit(work);
    // c2 is the most recently active (updatedAt 6).
    const one = await handle.store.loadFirstScreen(1, 5);
    expect(one.conversations.map((row) => row.id)).toEqual(['c2', 'c1']);
    expect(one.messages.map((row) => row.id)).toEqual(['m2']);
    expect(one.receipts).toEqual([]);
    const both = await handle.store.loadFirstScreen(2, 2);
    expect(both.conversations.map((row) => row.id)).toEqual(['c2', 'c1']);
    expect(both.messages.map((row) => row.id)).toEqual(['m2', 'm1-3', 'm1-2']);
    const withReceipt = await handle.store.loadFirstScreen(2, 3);
    expect(withReceipt.receipts).toEqual([work.receipts[0]]);
    const documents = await handle.store.loadDocuments(['c1']);
    expect(documents('c1').snapshot).toEqual(new Uint8Array([1, 1]));
  });

  it("reads one chat's rows with their receipts, messages by id, and every row by id pages", async () => {
    const handle = await openStore(tempFile(), randomBytes(32));
    const work = fullUnit();
    await handle.store.commit(work);
    const c1 = await handle.store.loadConversationRows(['c1']);
    expect(c1.messages.map((row) => row.id)).toEqual(['m1']);
    expect(c1.receipts).toEqual([work.receipts[0]]);
    expect((await handle.store.loadConversationRows(['c2'])).receipts).toEqual([]);
    const found = await handle.store.loadMessages(['m2', 'gone']);
    expect(found.map((row) => row.conversationId)).toEqual(['c2']);
    const first = await handle.store.messagesAfter(undefined, 1);
    expect(first.map((row) => row.id)).toEqual(['m1']);
    expect((await handle.store.messagesAfter('m1', 5)).map((row) => row.id)).toEqual(['m2']);
    expect(await handle.store.messagesAfter('m2', 5)).toEqual([]);
  });

  it('commits session rows and the messages they decrypted together, or neither', async () => {
    const path = tempFile();
    const key = randomBytes(32);
    const first = await openStore(path, key);
    const session = {
      address: 'p.1',
      accountId: 'p',
      deviceId: 1,
      record: new Uint8Array([4, 2]),
    };
    const work = fullUnit();
    work.sessions.push(session);
    await first.store.commit(work);

    // A session row IndexedDB cannot store: the transaction aborts, nothing of the unit is kept.
    const failing = new UnitOfWork();
    failing.sessions.push({ ...session, address: 'q.1', record: (() => {}) as never });
    failing.messages.set('m3', { ...work.messages.get('m1')!, id: 'm3' });
    await expect(first.store.commit(failing)).rejects.toThrow();
    close(first);

    const second = await openStore(path, key);
    expect(await second.db.sessions.toArray()).toEqual([session]);
    const stored = await everything(second.store);
    expect(stored.messages.map((row) => row.id).sort()).toEqual(['m1', 'm2']);
  });

  it('keeps sealed segments across a restart, lists their ranges, rewrites and deletes them', async () => {
    const path = tempFile();
    const key = randomBytes(32);
    const first = await openStore(path, key);
    const work = fullUnit();
    for (const seq of [0, 1])
      work.segments.push({
        conversationId: 'c1',
        seq,
        fromKey: 100 * seq,
        toKey: 100 * seq + 99,
        bytes: new Uint8Array([seq, 1, 2]),
      });
    await first.store.commit(work);
    close(first);

    const second = await openStore(path, key);
    expect(await second.store.listSegments('c1')).toEqual([
      { seq: 0, fromKey: 0, toKey: 99 },
      { seq: 1, fromKey: 100, toKey: 199 },
    ]);
    expect(await second.store.listSegments('c2')).toEqual([]);
    const purged = new UnitOfWork();
    purged.segments.push({
      conversationId: 'c1',
      seq: 0,
      fromKey: 5,
      toKey: 99,
      bytes: new Uint8Array([9]),
    });
    await second.store.commit(purged);
    expect(await second.store.readSegment('c1', 0)).toEqual({
      conversationId: 'c1',
      seq: 0,
      fromKey: 5,
      toKey: 99,
      bytes: new Uint8Array([9]),
    });
    await second.store.deleteConversation('c1');
    expect(await second.store.listSegments('c1')).toEqual([]);
    expect(await second.store.readSegment('c1', 1)).toBeUndefined();
  });

  it('holds no plaintext on disk and cannot be opened without the key', async () => {
    const path = tempFile();
    const key = randomBytes(32);
    const handle = await openStore(path, key);
    await handle.store.commit(fullUnit());
    handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    close(handle);
    expect(readFileSync(path).includes(Buffer.from(SECRET))).toBe(false);
    expect(readFileSync(path).includes(Buffer.from('core_messages'))).toBe(false);
    expect(() => openEncryptedDatabase(path, randomBytes(32))).toThrow();
  });
});
