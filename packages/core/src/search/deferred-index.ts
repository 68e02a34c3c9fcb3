import { ParleyError } from '../errors.js';
import { IndexStore } from './index-store.js';
import type {
  IndexChanges,
  IndexHit,
  RestoreReport,
  SearchBackend,
  SearchBackendContext,
  SearchBackendFactory,
} from './search-document.js';

/**
 * The search backend of a thread that keeps no index: a service worker woken by a push. Loading
 * and writing the whole index (tens of MB at 100,000 messages) to show one notification would
 * cost seconds per push. Instead each change only records its message ids in the index's
 * database; the thread that keeps the index (the page's Web Worker) indexes them anew from their
 * rows when it next restores (LocalSearchIndex.restore). New messages alone would be caught by
 * the restore's reconciliation, but an edit would not: its id is already indexed.
 */
export class DeferredSearchIndex implements SearchBackend {
  readonly deferred = true;
  private readonly store: IndexStore;

  constructor(options: Pick<SearchBackendContext, 'databaseName' | 'indexedDB'>) {
    this.store = new IndexStore(options.databaseName, options.indexedDB);
  }

  async restore(): Promise<RestoreReport> {
    return { restored: 0, missing: [], removed: 0 };
  }

  async apply(changes: IndexChanges): Promise<void> {
    const documents = [...(changes.add ?? []), ...(changes.update ?? [])];
    const messageIds = new Set([
      ...(changes.remove ?? []),
      ...documents.map((document) => document.messageId),
    ]);
    if (messageIds.size > 0) await this.store.addPending([...messageIds]);
  }

  async query(): Promise<IndexHit[]> {
    throw new ParleyError('SEARCH_UNAVAILABLE', 'this thread keeps no search index');
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.store.close();
  }
}

/** For a service worker: changes recorded for the page's index, nothing loaded here. */
export const deferredSearchBackend: SearchBackendFactory = (context) =>
  new DeferredSearchIndex(context);
