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
  // The classes fake-indexeddb/auto installs as globals (the setup file's build of them).
  const globals = globalThis as unknown as Record<string, { prototype: object }>;
  const sources = [globals.IDBObjectStore!.prototype, globals.IDBIndex!.prototype] as Array<
    Record<string, (...args: unknown[]) => unknown>
  >;
  for (const prototype of sources)
    for (const method of ['getAll', 'getAllKeys', 'openCursor', 'openKeyCursor']) {
      const original = prototype[method]!;
      prototype[method] = function (this: Source | { objectStore: Source }, ...args: unknown[]) {
        const { query, count } = rangeOf(args);
        // A read with a count (the next expiry times) is no whole read.
        if ((query === undefined || query === null) && !(count && count > 0)) {
          const store = 'objectStore' in this ? this.objectStore : this;
          reads.push(`${store.transaction.db.name}/${store.name}`);
        }
        return original.apply(this, args);
      };
      restore.push(() => (prototype[method] = original));
    }
  return { reads, stop: () => restore.forEach((undo) => undo()) };
}

/** The key range and count of a read: getAll(range, count), or IndexedDB 3's getAll(options). */
function rangeOf(args: unknown[]): { query: unknown; count: number | undefined } {
  const [first, second] = args;
  const options = first as { query?: unknown; count?: number } | null | undefined;
  if (options && typeof options === 'object' && 'query' in options)
    return { query: options.query, count: options.count };
  return { query: first, count: typeof second === 'number' ? second : undefined };
}
