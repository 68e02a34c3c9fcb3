import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dexie, type EntityTable } from 'dexie';
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

interface Note {
  seq?: number;
  chat: string;
  text: string;
  bytes: Uint8Array;
}

/** A Dexie database shaped like core's: an auto-increment table with an index. */
class NotesDb extends Dexie {
  notes!: EntityTable<Note, 'seq'>;
  constructor(idb: PersistentIndexedDB, extraTable = false) {
    super('notes', { indexedDB: idb.indexedDB, IDBKeyRange: idb.IDBKeyRange });
    this.version(1).stores({ notes: '++seq, chat' });
    // A table another feature adds in a later version: no change to the storage layer.
    if (extraTable) this.version(2).stores({ reactions: 'id' });
  }
}

const dirs: string[] = [];
const open: Array<{ sqlite: SqliteDatabase; idb: PersistentIndexedDB; db?: Dexie }> = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-desktop-storage-'));
  dirs.push(dir);
  return dir;
}

async function openNotes(path: string, key: Buffer, extraTable = false) {
  const sqlite = openEncryptedDatabase(path, key);
  const idb = await openPersistentIndexedDB(sqlite);
  const db = new NotesDb(idb, extraTable);
  await db.open();
  const handle = { sqlite, idb, db };
  open.push(handle);
  return handle;
}

function close(handle: { sqlite: SqliteDatabase; idb: PersistentIndexedDB; db?: Dexie }): void {
  handle.db?.close();
  detachPersistentIndexedDB(handle.idb.indexedDB);
  if (handle.sqlite.open) handle.sqlite.close();
}

afterEach(() => {
  for (const handle of open.splice(0)) close(handle);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the encrypted IndexedDB store', () => {
  it('keeps committed transactions across a reopen, with indexes, key generator and new tables', async () => {
    const path = join(tempDir(), 'parley.db');
    const key = randomBytes(32);
    const first = await openNotes(path, key);
    await first.db.notes.bulkAdd([
      { chat: 'a', text: 'one', bytes: new Uint8Array([1, 2, 3]) },
      { chat: 'b', text: 'two', bytes: new Uint8Array([4]) },
    ]);
    await first.db.notes.where('chat').equals('b').delete();
    close(first);

    const second = await openNotes(path, key, true);
    const notes = await second.db.notes.toArray();
    expect(notes).toEqual([{ seq: 1, chat: 'a', text: 'one', bytes: new Uint8Array([1, 2, 3]) }]);
    expect(await second.db.notes.where('chat').equals('a').count()).toBe(1);
    // The generator continues past the deleted seq 2: keys are never reused.
    expect(await second.db.notes.add({ chat: 'c', text: 'three', bytes: new Uint8Array() })).toBe(
      3,
    );
    await second.db.table('reactions').put({ id: 'r1', emoji: '+1' });
    close(second);

    const third = await openNotes(path, key, true);
    expect(await third.db.table('reactions').get('r1')).toEqual({ id: 'r1', emoji: '+1' });
    expect(await third.db.notes.count()).toBe(2);
  });

  it('writes nothing of an aborted transaction', async () => {
    const path = join(tempDir(), 'parley.db');
    const key = randomBytes(32);
    const first = await openNotes(path, key);
    await first.db.notes.add({ chat: 'a', text: 'kept', bytes: new Uint8Array() });
    await expect(
      first.db.transaction('rw', first.db.notes, async () => {
        await first.db.notes.add({ chat: 'a', text: 'rolled back', bytes: new Uint8Array() });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    close(first);
    const second = await openNotes(path, key);
    expect((await second.db.notes.toArray()).map((n) => n.text)).toEqual(['kept']);
  });

  it('holds no plaintext on disk and cannot be opened without the key', async () => {
    const dir = tempDir();
    const path = join(dir, 'parley.db');
    const key = randomBytes(32);
    const secret = 'meet me at the old lighthouse';
    const first = await openNotes(path, key);
    await first.db.notes.add({ chat: 'lighthouse-chat', text: secret, bytes: new Uint8Array() });
    close(first);

    for (const file of ['parley.db', 'parley.db-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(dir, file));
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(bytes.includes(Buffer.from('lighthouse-chat'))).toBe(false);
      expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    }
    expect(() => openEncryptedDatabase(path, randomBytes(32))).toThrow(/not a database/);
    const plain = await import('better-sqlite3-multiple-ciphers');
    const unkeyed = new plain.default(path);
    expect(() => unkeyed.prepare('SELECT * FROM idb_records').all()).toThrow(/not a database/);
    unkeyed.close();
  });
});
