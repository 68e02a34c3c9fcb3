import { IDBFactory, IDBTransaction } from 'fake-indexeddb';

/**
 * The parts of fake-indexeddb 6.2 (pinned) that persistence hooks into: its raw object store,
 * where every write lands, and its transaction, whose `complete` is the commit point. The storage
 * tests fail if an upgrade renames what is used here.
 */
export interface RawRecord {
  key: unknown;
  value: unknown;
}

export interface RawIndex {
  name: string;
  keyPath: string | string[];
  multiEntry: boolean;
  unique: boolean;
}

export interface RawObjectStore {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  keyGenerator: { num: number } | null;
  rawIndexes: Map<string, RawIndex>;
  rawDatabase: RawDatabase;
  records: {
    get(key: unknown): RawRecord | undefined;
    values(range?: unknown): Iterable<RawRecord>;
  };
  storeRecord(record: RawRecord, noOverwrite: boolean, rollbackLog?: unknown[]): unknown;
  deleteRecord(key: unknown, rollbackLog?: unknown[]): void;
  clear(rollbackLog?: unknown[]): void;
}

export interface RawDatabase {
  name: string;
  version: number;
  rawObjectStores: Map<string, RawObjectStore>;
}

export interface RawTransaction {
  mode: IDBTransactionMode;
  _rollbackLog: unknown[];
  db: { _rawDatabase: RawDatabase };
  dispatchEvent(event: { type: string }): boolean;
}

/**
 * The raw object store's class, reached through the public API (a throwaway database's store)
 * rather than by its file: the backend is bundled into one file (scripts/bundle-backend.mjs),
 * where the package's files no longer exist apart, and this stays the very class the bundled
 * IndexedDB uses. Asynchronous because opening the database is; the bundle is CommonJS (its
 * code cache, docs/decisions/0811), which has no top-level await.
 */
export async function rawObjectStoreClass(): Promise<{ prototype: RawObjectStore }> {
  const factory = new IDBFactory();
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open('probe', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('probe');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('cannot open a probe database'));
  });
  const store = db.transaction('probe').objectStore('probe') as unknown as {
    _rawObjectStore: RawObjectStore;
  };
  const prototype = Object.getPrototypeOf(store._rawObjectStore) as RawObjectStore;
  db.close();
  return { prototype };
}

export const TransactionClass = IDBTransaction as unknown as { prototype: RawTransaction };
