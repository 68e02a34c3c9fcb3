import { deserialize, serialize } from 'node:v8';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { SqliteDatabase } from './encrypted-database.js';
import {
  rawObjectStoreClass,
  TransactionClass,
  type RawDatabase,
  type RawObjectStore,
  type RawTransaction,
} from './fake-idb-internals.js';
import { decodeKey, encodeKey } from './key-codec.js';

/**
 * IndexedDB for core's Dexie database on the desktop (docs/decisions/0801): fake-indexeddb holds
 * the live data in memory and answers every read; each transaction's writes are written to the
 * encrypted SQLite file in ONE SQLite transaction just before the IndexedDB transaction reports
 * `complete`. So what core believes durable is durable, all of one transaction or nothing, and
 * any table core gains (Dexie versions added by other features) is stored without a change here.
 */
export interface PersistentIndexedDB {
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
}

interface StoreSchema {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  /** The key generator's next value, so keys are never reused after a restart. */
  generator: number;
  indexes: Array<{
    name: string;
    keyPath: string | string[];
    unique: boolean;
    multiEntry: boolean;
  }>;
}

interface DatabaseSchema {
  version: number;
  stores: StoreSchema[];
}

/** Keys written by one transaction, per raw object store (the values are read at commit). */
type Journal = Map<RawObjectStore, Map<string, unknown>>;

const journals = new WeakMap<unknown[], Journal>();
/** SQLite writes to run in the same SQLite transaction as an IndexedDB transaction's journal. */
const alongside = new WeakMap<object, () => void>();

/**
 * Runs `write` (SQLite statements) inside the SQLite transaction that persists `transaction`, an
 * IndexedDB read-write transaction of a database opened here: both are durable together, or
 * neither is (the SQLite store's units of work that carry sessions, sqlite-store.ts).
 */
export function writeWithTransaction(transaction: object, write: () => void): void {
  alongside.set(transaction, write);
}
const owners = new Map<IDBFactory, SqliteDatabase>();

export async function openPersistentIndexedDB(db: SqliteDatabase): Promise<PersistentIndexedDB> {
  await installHooks();
  const indexedDB = new IDBFactory();
  await restore(indexedDB, db);
  owners.set(indexedDB, db);
  wrapDeleteDatabase(indexedDB, db);
  return { indexedDB, IDBKeyRange };
}

/** Stops persisting writes made through `indexedDB` (its SQLite database is about to close). */
export function detachPersistentIndexedDB(indexedDB: IDBFactory): void {
  owners.delete(indexedDB);
}

/** Rebuilds every saved database in memory: schema through the public API, then the records. */
async function restore(indexedDB: IDBFactory, db: SqliteDatabase): Promise<void> {
  const databases = db.prepare('SELECT name, schema FROM idb_databases').all() as Array<{
    name: string;
    schema: string;
  }>;
  const readRecords = db.prepare('SELECT store, key, value FROM idb_records WHERE db = ?');
  for (const { name, schema } of databases) {
    const saved = JSON.parse(schema) as DatabaseSchema;
    const connection = await createSchema(indexedDB, name, saved);
    const raw = (connection as unknown as { _rawDatabase: RawDatabase })._rawDatabase;
    for (const row of readRecords.iterate(name) as Iterable<{
      store: string;
      key: string;
      value: Buffer;
    }>) {
      const store = raw.rawObjectStores.get(row.store);
      store?.storeRecord({ key: decodeKey(row.key), value: deserialize(row.value) }, false);
    }
    for (const store of saved.stores) {
      const generator = raw.rawObjectStores.get(store.name)?.keyGenerator;
      if (generator && generator.num < store.generator) generator.num = store.generator;
    }
    connection.close();
  }
}

function createSchema(
  indexedDB: IDBFactory,
  name: string,
  schema: DatabaseSchema,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, schema.version);
    request.onupgradeneeded = () => {
      for (const store of schema.stores) {
        const created = request.result.createObjectStore(store.name, {
          keyPath: store.keyPath,
          autoIncrement: store.autoIncrement,
        });
        for (const index of store.indexes)
          created.createIndex(index.name, index.keyPath, {
            unique: index.unique,
            multiEntry: index.multiEntry,
          });
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error(`cannot restore ${name}`));
  });
}

let hooksInstalled: Promise<void> | undefined;

/** Journals every write made inside a transaction, and commits the journal at `complete`. */
function installHooks(): Promise<void> {
  hooksInstalled ??= rawObjectStoreClass().then(hook);
  return hooksInstalled;
}

function hook(ObjectStoreClass: { prototype: RawObjectStore }): void {
  const store = ObjectStoreClass.prototype;
  const { storeRecord, deleteRecord, clear } = store;
  store.storeRecord = function (this: RawObjectStore, record, noOverwrite, rollbackLog) {
    const key = storeRecord.call(this, record, noOverwrite, rollbackLog);
    if (rollbackLog) touch(rollbackLog, this, [key]);
    return key;
  };
  store.deleteRecord = function (this: RawObjectStore, key, rollbackLog) {
    if (rollbackLog) touch(rollbackLog, this, keysIn(this, key));
    deleteRecord.call(this, key, rollbackLog);
  };
  store.clear = function (this: RawObjectStore, rollbackLog) {
    if (rollbackLog) touch(rollbackLog, this, keysIn(this, undefined));
    clear.call(this, rollbackLog);
  };
  const transaction = TransactionClass.prototype;
  const { dispatchEvent } = transaction;
  transaction.dispatchEvent = function (this: RawTransaction, event) {
    if (event.type === 'complete') commit(this);
    return dispatchEvent.call(this, event);
  };
}

function keysIn(store: RawObjectStore, keyOrRange: unknown): unknown[] {
  const range =
    keyOrRange === undefined || keyOrRange instanceof IDBKeyRange
      ? keyOrRange
      : IDBKeyRange.only(keyOrRange);
  return [...store.records.values(range)].map((record) => record.key);
}

function touch(rollbackLog: unknown[], store: RawObjectStore, keys: unknown[]): void {
  let journal = journals.get(rollbackLog);
  if (!journal) journals.set(rollbackLog, (journal = new Map()));
  let touched = journal.get(store);
  if (!touched) journal.set(store, (touched = new Map()));
  for (const key of keys) touched.set(encodeKey(key), key);
}

/**
 * Writes the transaction's journal: each touched key's current value (or its absence). IndexedDB
 * never runs two read-write transactions on one store at once, so these values are this
 * transaction's. A failure here throws out of fake-indexeddb's task: the process stops before
 * anyone hears `complete`, and the next start reads the last committed state.
 */
function commit(transaction: RawTransaction): void {
  const raw = transaction.db._rawDatabase;
  const db = ownerOf(raw);
  if (!db) return;
  const journal = journals.get(transaction._rollbackLog);
  journals.delete(transaction._rollbackLog);
  const extra = alongside.get(transaction);
  if (!journal && !extra && transaction.mode !== 'versionchange') return;
  const put = db.prepare(
    'INSERT OR REPLACE INTO idb_records (db, store, key, value) VALUES (?, ?, ?, ?)',
  );
  const remove = db.prepare('DELETE FROM idb_records WHERE db = ? AND store = ? AND key = ?');
  db.transaction(() => {
    if (transaction.mode === 'versionchange' || hasGenerators(journal)) saveSchema(db, raw);
    for (const [store, keys] of journal ?? []) {
      for (const [text, key] of keys) {
        const record = store.records.get(key);
        if (record) put.run(raw.name, store.name, text, serialize(record.value));
        else remove.run(raw.name, store.name, text);
      }
    }
    extra?.();
  })();
}

function hasGenerators(journal: Journal | undefined): boolean {
  return [...(journal?.keys() ?? [])].some((store) => store.keyGenerator !== null);
}

function saveSchema(db: SqliteDatabase, raw: RawDatabase): void {
  const stores = [...raw.rawObjectStores.values()].map((store): StoreSchema => ({
    name: store.name,
    keyPath: store.keyPath,
    autoIncrement: store.autoIncrement,
    generator: store.keyGenerator?.num ?? 0,
    indexes: [...store.rawIndexes.values()].map(({ name, keyPath, unique, multiEntry }) => ({
      name,
      keyPath,
      unique,
      multiEntry,
    })),
  }));
  const schema: DatabaseSchema = { version: raw.version, stores };
  db.prepare('INSERT OR REPLACE INTO idb_databases (name, schema) VALUES (?, ?)').run(
    raw.name,
    JSON.stringify(schema),
  );
  // Records of object stores an upgrade deleted.
  const names = stores.map((store) => store.name);
  db.prepare(
    `DELETE FROM idb_records WHERE db = ? AND store NOT IN (SELECT value FROM json_each(?))`,
  ).run(raw.name, JSON.stringify(names));
}

function ownerOf(raw: RawDatabase): SqliteDatabase | undefined {
  for (const [factory, db] of owners) {
    const databases = (factory as unknown as { _databases: Map<string, RawDatabase> })._databases;
    if (databases.get(raw.name) === raw) return db;
  }
  return undefined;
}

/** A deleted IndexedDB database (e.g. on sign-out) is deleted from the file too. */
function wrapDeleteDatabase(indexedDB: IDBFactory, db: SqliteDatabase): void {
  const original = indexedDB.deleteDatabase.bind(indexedDB);
  indexedDB.deleteDatabase = (name: string) => {
    const request = original(name);
    request.addEventListener('success', () => {
      db.transaction(() => {
        db.prepare('DELETE FROM idb_records WHERE db = ?').run(name);
        db.prepare('DELETE FROM idb_databases WHERE name = ?').run(name);
      })();
    });
    return request;
  };
}
