import { IDBIndex, IDBObjectStore } from 'fake-indexeddb';

/**
 * Records every read of a whole IndexedDB table (getAll without a key range or count, or a cursor
 * without a key range, over an object store or one of its indexes), as `<database>/<table>`: what a start-up must not do for
 * tables that grow with the history (docs/decisions/0821). It instruments the IndexedDB the tests
 * run on (fake-indexeddb) rather than standing in for it: every read still happens.
 */
/** What a read names of where it reads: an object store (an index names its store). */
interface Source {
  name: string;
  transaction: { db: { name: string } };
}

export function recordWholeReads(): { reads: string[]; stop(): void } {
  const reads: string[] = [];
  const restore: Array<() => void> = [];
  // The classes fake-indexeddb/auto installs as the globals the tests' databases use.
  const sources = [IDBObjectStore.prototype, IDBIndex.prototype] as unknown as Array<
    Record<string, (...args: unknown[]) => unknown>
  >;
  for (const prototype of sources)
    for (const method of ['getAll', 'getAllKeys', 'openCursor', 'openKeyCursor']) {
      const original = prototype[method]!;
      prototype[method] = function (this: Source | { objectStore: Source }, ...args: unknown[]) {
        // getAll's count: a limited read (the next expiry times) is no whole read.
        const limited = method.startsWith('getAll') && typeof args[1] === 'number' && args[1] > 0;
        if ((args[0] === undefined || args[0] === null) && !limited) {
          const store = 'objectStore' in this ? this.objectStore : this;
          reads.push(`${store.transaction.db.name}/${store.name}`);
        }
        return original.apply(this, args);
      };
      restore.push(() => (prototype[method] = original));
    }
  return { reads, stop: () => restore.forEach((undo) => undo()) };
}
