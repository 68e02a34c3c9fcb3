import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The parts of fake-indexeddb 6.2 (pinned) that persistence hooks into: its raw object store,
 * where every write lands, and its transaction, whose `complete` is the commit point. Loaded from
 * the same files the package's own classes import, so they are the same classes. The storage
 * tests fail if an upgrade moves them.
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

const packageDir = dirname(
  dirname(dirname(createRequire(import.meta.url).resolve('fake-indexeddb/lib/FDBTransaction'))),
);

async function load<T>(path: string): Promise<T> {
  const module = (await import(pathToFileURL(join(packageDir, 'build/esm', path)).href)) as {
    default: T;
  };
  return module.default;
}

export const ObjectStoreClass = await load<{ prototype: RawObjectStore }>('lib/ObjectStore.js');
export const TransactionClass = await load<{ prototype: RawTransaction }>('FDBTransaction.js');
