import type { DexieOptions } from 'dexie';

/**
 * What the search index holds and answers, shared by the index (in a Web Worker in the browser,
 * in-process in Node) and the messenger that feeds it. Plain data only: it crosses postMessage.
 */

/**
 * One searchable thing: a message's text (`kind: 'message'`, id = the message id), or the name of
 * one of its attached files (`kind: 'file'`, id `${messageId}/file/${n}`, text = the file name).
 * The index handles a message's documents together: removing or replacing a message removes or
 * replaces all of them.
 */
export interface SearchDocument {
  id: string;
  kind: 'message' | 'file';
  /** The message the document belongs to (itself for a message). */
  messageId: string;
  conversationId: string;
  sentAt: number;
  text: string;
  /** Who wrote it, and whether this account did: a result shows them without reading the row. */
  senderId: string;
  outgoing: boolean;
}

export interface IndexQuery {
  /** The raw text typed; the index tokenizes it as it tokenized documents. */
  text: string;
  conversationId?: string;
  limit: number;
}

/**
 * A match, carrying the stored fields a result shows, so a query reads no message rows: those of
 * chats not opened yet would come from the database, on the path of every keystroke (0700).
 */
export interface IndexHit extends SearchDocument {
  score: number;
}

/** Changes to apply, in this order: removals, replacements, additions. */
export interface IndexChanges {
  /** Added unless a document with the same id is indexed already (applied messages repeat). */
  add?: SearchDocument[];
  /**
   * The whole set of documents of each message named (an edited message): whatever the index
   * held for those messages is replaced by these.
   */
  update?: SearchDocument[];
  /** Message ids whose documents are removed (deleted, disappeared); unknown ids are ignored. */
  remove?: string[];
}

export interface RestoreReport {
  /** Documents loaded from the persisted index. */
  restored: number;
  /** Message ids of `expected` the index holds no document of (to be added by the caller). */
  missing: string[];
  /** Indexed documents of messages not in `expected`, removed. */
  removed: number;
}

/**
 * The index as the messenger sees it: every call is asynchronous because in the browser it runs
 * in a Web Worker. One implementation (local-index.ts), served over postMessage by worker.ts.
 */
export interface SearchBackend {
  /**
   * True for a thread that keeps no index (deferred-index.ts): nothing is restored or queried
   * there, changes are only recorded for the thread that keeps it.
   */
  readonly deferred?: boolean;
  /**
   * Loads the persisted index and reconciles it with `expected` (the id of every message the
   * device holds that has documents): entries of messages gone meanwhile are removed, missing
   * ones reported.
   */
  restore(expected: readonly string[]): Promise<RestoreReport>;
  apply(changes: IndexChanges): Promise<void>;
  query(query: IndexQuery): Promise<IndexHit[]>;
  /** Writes the index to storage now (otherwise it is written a while after changes). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What the messenger hands the search backend it asks for. */
export interface SearchBackendContext {
  /** The device's database name: a persisted index lives beside it (`${databaseName}-search`). */
  databaseName: string;
  indexedDB?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>;
  /** Background failures, reported as the messenger's error events. */
  onError: (error: unknown) => void;
}

/**
 * Makes the messenger's search backend once its error sink exists. The caller chooses, so core
 * never imports an index it may not need (and never imports one on demand: a service worker
 * cannot run `import()`).
 */
export type SearchBackendFactory = (context: SearchBackendContext) => SearchBackend;
