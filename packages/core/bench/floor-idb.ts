/**
 * Raw IndexedDB for the bare devices of the floor benchmark (floor-thread.ts): fake-indexeddb, as
 * in bench:e2e, without Dexie. The few members used are typed here: core's lib has no DOM types.
 */
import { indexedDB } from 'fake-indexeddb';

interface IdbTransaction {
  objectStore(name: string): { put(value: unknown): unknown; delete(key: string): unknown };
  oncomplete: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
}
export interface IdbDatabase {
  transaction(stores: string[], mode: 'readwrite'): IdbTransaction;
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  close(): void;
}
interface IdbOpenRequest {
  result: IdbDatabase;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
  onupgradeneeded: (() => void) | null;
}
const idbFactory = indexedDB as unknown as { open(name: string, version: number): IdbOpenRequest };

export function openDatabase(name: string): Promise<IdbDatabase> {
  return new Promise((resolve, reject) => {
    const request = idbFactory.open(name, 1);
    request.onupgradeneeded = () => {
      for (const store of ['outbox', 'messages'])
        request.result.createObjectStore(store, { keyPath: 'id' });
      request.result.createObjectStore('sessions', { keyPath: 'address' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Opens ONE readwrite transaction now (so transactions commit in call order); resolves once it is
 * complete. No database (BENCH_FLOOR_NO_IDB): nothing is written.
 */
export function write(
  db: IdbDatabase | undefined,
  stores: string[],
  fill: (tx: IdbTransaction) => void,
): Promise<void> {
  if (!db) return Promise.resolve();
  const tx = db.transaction(stores, 'readwrite');
  fill(tx);
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
}
