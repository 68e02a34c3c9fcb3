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
  'kind',
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

/** The message a document belongs to: a file document's id names its message first. */
export function messageIdOf(documentId: string): string {
  const slash = documentId.indexOf('/');
  return slash < 0 ? documentId : documentId.slice(0, slash);
}

export class MessageIndex {
  /**
   * Each indexed message's document ids (its text, its file names), kept beside MiniSearch
   * (which has no public list of them): a message's documents are removed and replaced together.
   */
  private readonly documentsOf = new Map<string, string[]>();

  private constructor(
    private readonly index: MiniSearch<SearchDocument>,
    ids: Iterable<string>,
  ) {
    for (const id of ids) {
      const messageId = messageIdOf(id);
      const documents = this.documentsOf.get(messageId);
      if (documents) documents.push(id);
      else this.documentsOf.set(messageId, [id]);
    }
  }

  static empty(): MessageIndex {
    return new MessageIndex(new MiniSearch(OPTIONS), []);
  }

  /** An index saved by `serialize`. */
  static async restore(saved: SerializedIndex): Promise<MessageIndex> {
    return new MessageIndex(await MiniSearch.loadJSONAsync(saved.json, OPTIONS), saved.ids);
  }

  /** Indexed documents. */
  get size(): number {
    return this.index.documentCount;
  }

  /** Whether any document of the message is indexed. */
  has(messageId: string): boolean {
    return this.documentsOf.has(messageId);
  }

  /** Adds `document` unless its id is indexed already; true when added. */
  add(document: SearchDocument): boolean {
    const documents = this.documentsOf.get(document.messageId) ?? [];
    if (documents.includes(document.id)) return false;
    this.index.add(document);
    documents.push(document.id);
    this.documentsOf.set(document.messageId, documents);
    return true;
  }

  /** Removes every document of a message; how many there were. */
  remove(messageId: string): number {
    const documents = this.documentsOf.get(messageId);
    if (!documents) return 0;
    this.documentsOf.delete(messageId);
    // discard() drops a document at once and cleans its terms in the background (vacuum).
    for (const id of documents) this.index.discard(id);
    return documents.length;
  }

  /** Ids of the messages with indexed documents. */
  messageIds(): IterableIterator<string> {
    return this.documentsOf.keys();
  }

  /** The newest `limit` matches: every query term matches a word (by prefix) of the document. */
  query(query: IndexQuery): IndexHit[] {
    const conversationId = query.conversationId;
    const results = this.index.search(query.text, {
      ...(conversationId !== undefined
        ? { filter: (result) => (result as unknown as Stored).conversationId === conversationId }
        : {}),
    });
    return (
      results
        .map((result) => {
          const stored = result as unknown as Stored;
          return {
            id: String(result.id),
            kind: stored.kind,
            messageId: stored.messageId,
            conversationId: stored.conversationId,
            sentAt: stored.sentAt,
            text: stored.text,
            senderId: stored.senderId,
            outgoing: stored.outgoing,
            score: result.score,
          };
        })
        // Newest first; a message's text before its file names (results show one per message).
        .sort(
          (a, b) => b.sentAt - a.sentAt || Number(a.kind === 'file') - Number(b.kind === 'file'),
        )
        .slice(0, query.limit)
    );
  }

  serialize(): SerializedIndex {
    return {
      format: INDEX_FORMAT,
      json: JSON.stringify(this.index),
      ids: [...this.documentsOf.values()].flat(),
    };
  }
}
