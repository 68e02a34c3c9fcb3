import MiniSearch, { type Options } from 'minisearch';
import type { IndexHit, IndexQuery, SearchDocument } from './search-document.js';
import { terms } from './tokenizer.js';

/**
 * The full-text index: MiniSearch, chosen by measurement (docs/decisions/0700-search-engine.md),
 * fed with core's tokenizer so indexing and queries split and fold text alike. Synchronous and
 * in memory; local-index.ts persists it and worker.ts moves it off the UI thread.
 */

/** Bumped when the tokenizer or the stored fields change: older persisted indexes are rebuilt. */
export const INDEX_FORMAT = 2;

/** Query terms shorter than this match whole words only (one Latin letter would match most). */
export const MIN_PREFIX_LENGTH = 2;

/** What persistence stores: MiniSearch's JSON and the ids beside it. */
export interface SerializedIndex {
  format: number;
  json: string;
  ids: string[];
}

/** What a hit carries back (see IndexHit); `text` is stored as well as indexed. */
const STORED_FIELDS = [
  'messageId',
  'conversationId',
  'sentAt',
  'text',
  'senderId',
  'outgoing',
] as const;
type Stored = Pick<SearchDocument, (typeof STORED_FIELDS)[number]>;

const OPTIONS: Options<SearchDocument> = {
  fields: ['text'],
  storeFields: [...STORED_FIELDS],
  tokenize: terms,
  // The tokenizer already normalized each term.
  processTerm: (term) => term,
  searchOptions: {
    prefix: (term) => term.length >= MIN_PREFIX_LENGTH,
    combineWith: 'AND',
  },
};

export class MessageIndex {
  /** The indexed ids, kept beside MiniSearch (which has no public list of them). */
  private readonly documentIds: Set<string>;

  private constructor(
    private readonly index: MiniSearch<SearchDocument>,
    ids: Iterable<string>,
  ) {
    this.documentIds = new Set(ids);
  }

  static empty(): MessageIndex {
    return new MessageIndex(new MiniSearch(OPTIONS), []);
  }

  /** An index saved by `serialize`. */
  static async restore(saved: SerializedIndex): Promise<MessageIndex> {
    return new MessageIndex(await MiniSearch.loadJSONAsync(saved.json, OPTIONS), saved.ids);
  }

  get size(): number {
    return this.index.documentCount;
  }

  has(id: string): boolean {
    return this.documentIds.has(id);
  }

  /** Adds `document` unless its id is indexed already; true when added. */
  add(document: SearchDocument): boolean {
    if (this.documentIds.has(document.id)) return false;
    this.index.add(document);
    this.documentIds.add(document.id);
    return true;
  }

  /** Replaces the document with the same id, or adds it. */
  update(document: SearchDocument): void {
    if (this.documentIds.has(document.id)) this.index.replace(document);
    else this.index.add(document);
    this.documentIds.add(document.id);
  }

  /** Removes a document; false when it was not indexed. */
  remove(id: string): boolean {
    if (!this.documentIds.delete(id)) return false;
    // discard() drops the document at once and cleans its terms in the background (vacuum).
    this.index.discard(id);
    return true;
  }

  /** Ids of every indexed document. */
  ids(): IterableIterator<string> {
    return this.documentIds.values();
  }

  /** The newest `limit` matches: every query term matches a word (by prefix) of the document. */
  query(query: IndexQuery): IndexHit[] {
    const conversationId = query.conversationId;
    const results = this.index.search(query.text, {
      ...(conversationId !== undefined
        ? { filter: (result) => (result as unknown as Stored).conversationId === conversationId }
        : {}),
    });
    return results
      .map((result) => {
        const stored = result as unknown as Stored;
        return {
          id: String(result.id),
          messageId: stored.messageId,
          conversationId: stored.conversationId,
          sentAt: stored.sentAt,
          text: stored.text,
          senderId: stored.senderId,
          outgoing: stored.outgoing,
          score: result.score,
        };
      })
      .sort((a, b) => b.sentAt - a.sentAt)
      .slice(0, query.limit);
  }

  serialize(): SerializedIndex {
    return { format: INDEX_FORMAT, json: JSON.stringify(this.index), ids: [...this.documentIds] };
  }
}
